package io.profilebridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Camel's runner options, checked before Camel reads them, and handed on in the form it matches exactly. */
class RunnerOptionsTest {

    @Test
    void eachOptionIsHandedOnInItsLongForm() throws Exception {
        assertThat(RunnerOptions.forCamel(new String[] {"-d", "30", "-e", "7", "-pl", "file:x.properties"}))
                .containsExactly("-duration", "30", "-exitcode", "7", "-propertiesLocation", "file:x.properties");
        // CLI audit: Camel took -pro for -propertiesLocation ("Properties file sandbox not found in classpath")
        assertThat(RunnerOptions.forCamel(new String[] {"-pro", "sandbox"})).containsExactly("-profile", "sandbox");
        assertThat(RunnerOptions.forCamel(new String[] {"--duration", "3"})).containsExactly("-duration", "3");
        assertThat(RunnerOptions.forCamel(new String[0])).isEmpty();
    }

    @Test
    void theProfileOptionIsFound() throws Exception {
        assertThat(RunnerOptions.profileOf(RunnerOptions.forCamel(new String[] {"-d", "3", "-pro", "sandbx"})))
                .contains("sandbx");
        assertThat(RunnerOptions.profileOf(RunnerOptions.forCamel(new String[] {"-d", "3"})))
                .isEmpty();
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
                .hasMessage("option -d needs a whole number from 0 to 31536000, not \"abc\"; see --help");
        // re-check audit: -d -5 ran for ever, -e 300 exited 44
        assertThatThrownBy(() -> RunnerOptions.forCamel(new String[] {"-d", "-5"}))
                .hasMessageStartingWith("option -d needs a whole number from 0 to 31536000, not \"-5\"");
        assertThatThrownBy(() -> RunnerOptions.forCamel(new String[] {"-e", "300"}))
                .hasMessageStartingWith("option -e needs a whole number from 0 to 255, not \"300\"");
        assertThatThrownBy(() -> RunnerOptions.forCamel(new String[] {"-profile", "-d"}))
                .hasMessage("option -profile needs a value; see --help");
        assertThatThrownBy(() -> RunnerOptions.forCamel(new String[] {"-cwd", "x"}))
                .hasMessageStartingWith("unknown option \"-cwd\"; see --help (a property is set as -Dkey=value");
        assertThatThrownBy(() -> RunnerOptions.forCamel(new String[] {"-dur", "3"}))
                .hasMessageStartingWith("unknown option \"-dur\"");
    }

    /**
     * Re-check audit: -trace logged every request's body at INFO (SECURITY.md: no level logs a request's contents);
     * -durationIdle never ended a run and -durationMaxMessages counted the timers' ticks.
     */
    @Test
    void theOptionsThatCannotWorkHereAreRefusedSayingWhy() {
        assertThatThrownBy(() -> RunnerOptions.forCamel(new String[] {"-t"}))
                .hasMessage("option -t is not offered: Camel's tracer logs every request's and answer's body; see"
                        + " --help");
        assertThatThrownBy(() -> RunnerOptions.forCamel(new String[] {"--durationIdle", "5"}))
                .hasMessageStartingWith("option --durationIdle is not offered: the bridge's timers keep it from ever");
        assertThatThrownBy(() -> RunnerOptions.forCamel(new String[] {"-dm", "5"}))
                .hasMessageStartingWith("option -dm is not offered: it counts the bridge's timer ticks");
    }

    @Test
    void helpIsAskedForWhereverItStands() {
        assertThat(RunnerOptions.asksForHelp(new String[] {"-d", "3", "-h"})).isTrue();
        assertThat(RunnerOptions.asksForHelp(new String[] {"-d", "3"})).isFalse();
    }
}
