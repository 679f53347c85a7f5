package io.profilebridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Camel's runner options, checked before Camel reads them, and handed on in the form it matches exactly. */
class RunnerOptionsTest {

    @Test
    void eachOptionIsHandedOnInItsLongForm() throws Exception {
        assertThat(RunnerOptions.forCamel(new String[] {"-d", "30", "--di", "5", "-e", "7", "-t", "-dm", "100"}))
                .containsExactly(
                        "-duration",
                        "30",
                        "-durationIdle",
                        "5",
                        "-exitcode",
                        "7",
                        "-trace",
                        "-durationMaxMessages",
                        "100");
        // CLI audit: Camel took -pro for -propertiesLocation ("Properties file sandbox not found in classpath")
        assertThat(RunnerOptions.forCamel(new String[] {"-pro", "sandbox"})).containsExactly("-profile", "sandbox");
        assertThat(RunnerOptions.forCamel(new String[] {"--duration", "3"})).containsExactly("-duration", "3");
        assertThat(RunnerOptions.forCamel(new String[0])).isEmpty();
    }

    @Test
    void aMistakeIsNamedInOneLine() {
        // CLI audit: Camel printed its help and exited 0, or failed naming no option
        assertThatThrownBy(() -> RunnerOptions.forCamel(new String[] {"-d", "3", "foo"}))
                .hasMessage("unexpected argument \"foo\"; see --help");
        assertThatThrownBy(() -> RunnerOptions.forCamel(new String[] {""}))
                .hasMessage("unexpected argument \"\"; see --help");
        assertThatThrownBy(() -> RunnerOptions.forCamel(new String[] {"-d"}))
                .hasMessage("option -d needs a value; see --help");
        assertThatThrownBy(() -> RunnerOptions.forCamel(new String[] {"-d", "abc"}))
                .hasMessage("option -d needs a whole number, not \"abc\"; see --help");
        assertThatThrownBy(() -> RunnerOptions.forCamel(new String[] {"-profile", "-t"}))
                .hasMessage("option -profile needs a value; see --help");
        assertThatThrownBy(() -> RunnerOptions.forCamel(new String[] {"-cwd", "x"}))
                .hasMessageStartingWith("unknown option \"-cwd\"; see --help (a property is set as -Dkey=value");
        assertThatThrownBy(() -> RunnerOptions.forCamel(new String[] {"-dur", "3"}))
                .hasMessageStartingWith("unknown option \"-dur\"");
    }

    @Test
    void helpIsAskedForWhereverItStands() {
        assertThat(RunnerOptions.asksForHelp(new String[] {"-d", "3", "-h"})).isTrue();
        assertThat(RunnerOptions.asksForHelp(new String[] {"-d", "3"})).isFalse();
    }
}
