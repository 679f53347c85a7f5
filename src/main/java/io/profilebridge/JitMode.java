package io.profilebridge;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.management.ObjectName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which of HotSpot's compilers the bridge process uses ({@code bridge.jit}). By default ({@code c1}) the quick one, C1,
 * alone: the bridge waits on files, its store and the APIs, and on two cores C2's threads spent about 40% of the
 * start-up's CPU and half of a burst's right after it (docs/benchmarks.md, "Fifth round": health UP 15% sooner, a
 * burst after a start 1.26 times as fast, a warm burst of thousands 0.67-0.78 as fast, which the APIs' own limits
 * keep far off). {@code tiered} leaves the JVM's own C1-then-C2, for long bursts above those limits.
 * <p>
 * {@code -XX:TieredStopAtLevel=1} would be the JVM option, but {@code java -jar} reads none from the jar: the process
 * gives itself the equivalent compiler directive through the JVM's diagnostic command (what {@code jcmd <pid>
 * Compiler.directives_add} does), first thing. Being read at launch, the key comes from {@code BRIDGE_JIT} or
 * {@code -Dbridge.jit} only; a JVM given compiler options of its own keeps them.
 */
final class JitMode {

    static final String KEY = "bridge.jit";
    static final String C1 = "c1";
    static final String TIERED = "tiered";
    static final LaunchSetting SETTING = new LaunchSetting(KEY, "BRIDGE_JIT", List.of(C1, TIERED));

    /** Excludes every method from C2: HotSpot then compiles what is hot with C1 alone, as at TieredStopAtLevel=1. */
    private static final String C1_ONLY = "[{ match: \"*.*\", c2: { Exclude: true } }]";

    private static final List<String> COMPILER_OPTIONS = List.of(
            "-XX:TieredStopAtLevel",
            "-XX:+TieredCompilation",
            "-XX:-TieredCompilation",
            "-XX:CompilerDirectivesFile",
            "-XX:CompileCommand",
            "-XX:CompileCommandFile",
            "-Xint",
            "-Xcomp");

    private JitMode() {}

    /** The mode asked for at launch: -D, else the environment, else c1. */
    static String asked(Optional<String> property, Map<String, String> environment) {
        return SETTING.asked(property, environment);
    }

    /** Whether the JVM was given compiler options: an operator who tunes the JIT by hand keeps the JVM as told. */
    static boolean tunedByHand(List<String> jvmArguments) {
        return jvmArguments.stream()
                .anyMatch(arg -> COMPILER_OPTIONS.stream()
                        .anyMatch(option -> arg.equals(option) || arg.startsWith(option + "=")));
    }

    /** The mode this process was launched with: what -D or the environment asked for. */
    static String atLaunch() {
        return SETTING.atLaunch();
    }

    /** Applies the mode asked for at launch. Logs once the directive is in, so that logging's own start is C1's. */
    static void applyAtLaunch() {
        String asked = atLaunch();
        if (asked.equals(TIERED)) {
            log().debug("JIT: the JVM's own ({}={})", KEY, TIERED);
        } else if (tunedByHand(ManagementFactory.getRuntimeMXBean().getInputArguments())) {
            log().debug("JIT: as the JVM's own compiler options say");
        } else {
            try {
                addC1OnlyDirective();
                log().debug("JIT: C1 only ({}={})", KEY, C1);
            } catch (Exception e) {
                // another JVM than HotSpot, a temporary folder that cannot be written: the bridge runs all the same
                log().info(
                                "JIT: the JVM's own; {}={} could not be applied: {}",
                                KEY,
                                asked,
                                StartupFailure.describe(e));
            }
        }
    }

    /** What {@code jcmd <pid> Compiler.directives_add FILE} does, which reads its directives from a file only. */
    private static void addC1OnlyDirective() throws Exception {
        Path file = Files.createTempFile("profile-bridge-jit", ".json");
        try {
            Files.writeString(file, C1_ONLY);
            Object answer = ManagementFactory.getPlatformMBeanServer()
                    .invoke(
                            new ObjectName("com.sun.management:type=DiagnosticCommand"),
                            "compilerDirectivesAdd",
                            new Object[] {new String[] {file.toString()}},
                            new String[] {String[].class.getName()});
            String printed = String.valueOf(answer).strip();
            if (!printed.startsWith("1 compiler directives added")) {
                throw new IllegalStateException(printed);
            }
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** Asked for when needed, not at class loading: logging's own start comes after the directive. */
    private static Logger log() {
        return LoggerFactory.getLogger(JitMode.class);
    }
}
