package io.profilebridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;

/**
 * Which JIT the process asks for at launch, and the C1-only directive in a live JVM (the packaged jar's JarIT checks
 * both modes in a real process): c1 unless told otherwise, -D before the environment, a clear error for anything
 * else, and a JVM tuned by hand left as it is.
 */
class JitModeTest {

    @Test
    void c1UnlessToldOtherwise() {
        assertThat(JitMode.asked(Optional.empty(), Map.of())).isEqualTo("c1");
        assertThat(JitMode.asked(Optional.empty(), Map.of("BRIDGE_JIT", " Tiered ")))
                .isEqualTo("tiered");
        assertThat(JitMode.asked(Optional.of("c1"), Map.of("BRIDGE_JIT", "tiered")))
                .as("a system property wins over the environment, as in Camel's own order")
                .isEqualTo("c1");
    }

    @Test
    void anyOtherValueStopsTheStartNamingTheKeyAndTheChoices() {
        assertThatThrownBy(() -> JitMode.asked(Optional.empty(), Map.of("BRIDGE_JIT", "c2")))
                .isInstanceOf(StartupFailure.class)
                .hasMessage("property bridge.jit must be c1 or tiered, not \"c2\"");
    }

    @Test
    void aJvmGivenCompilerOptionsKeepsThem() {
        assertThat(JitMode.tunedByHand(List.of("-Xmx512m", "-XX:+UseSerialGC"))).isFalse();
        assertThat(JitMode.tunedByHand(List.of("-XX:TieredStopAtLevel=4"))).isTrue();
        assertThat(JitMode.tunedByHand(List.of("-XX:-TieredCompilation"))).isTrue();
        assertThat(JitMode.tunedByHand(List.of("-XX:CompileCommand=exclude,java/lang/String.*")))
                .isTrue();
        assertThat(JitMode.tunedByHand(List.of("-Xint"))).isTrue();
        assertThat(JitMode.tunedByHand(List.of("-Xinteger")))
                .as("only whole options")
                .isFalse();
    }

    @Test
    void c1ExcludesC2ForEveryMethod() throws Exception {
        assertThat(JitMode.tunedByHand(ManagementFactory.getRuntimeMXBean().getInputArguments()))
                .as("the test JVM runs with the JIT's defaults")
                .isFalse();
        JitMode.applyAtLaunch(); // this JVM has neither BRIDGE_JIT nor -Dbridge.jit: c1
        try {
            assertThat(directives()).contains("matching: *.*").contains("Enable:true Exclude:true");
        } finally {
            diagnosticCommand("compilerDirectivesRemove"); // the rest of this test JVM as it was
        }
    }

    private static String directives() throws Exception {
        return diagnosticCommand("compilerDirectivesPrint");
    }

    private static String diagnosticCommand(String operation) throws Exception {
        return String.valueOf(ManagementFactory.getPlatformMBeanServer()
                .invoke(
                        new ObjectName("com.sun.management:type=DiagnosticCommand"),
                        operation,
                        new Object[] {new String[0]},
                        new String[] {String[].class.getName()}));
    }
}
