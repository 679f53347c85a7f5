package io.profilebridge;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Supplier;

/**
 * Plain {@code java -jar} runs the bridge in a second JVM, given the options a jar cannot give itself (its manifest
 * carries none): a class-data-sharing archive of the bridge's classes ({@link ClassArchive}) and C1 alone. The start
 * is class loading and compiling on a busy core (docs/benchmarks.md): health UP in about 1.5 s instead of 2.7 s. The
 * archive is the JVM's own dynamic one: the first run of a jar on a JDK writes it on its way out (its stop takes some
 * seconds longer), later runs map it. JDK 19's {@code -XX:+AutoCreateSharedArchive} does the same, as an option.
 * <p>
 * This JVM stays as the parent, small and idle: it hands a SIGTERM or Ctrl-C on, waits, and ends with the bridge's
 * exit code. Should it die, even by SIGKILL, the bridge sees its stdin close and halts ({@link RelaunchedChild}), so a
 * kill of the process started is still a kill of the bridge. No relaunch when the JVM was given options other than
 * {@code -D} (an operator who tunes the JVM keeps it as told; {@code -D} options are passed on), when it was not
 * started with {@code -jar} (the container image, the tests), on a JVM other than HotSpot, without a safe cache
 * folder, or with {@code BRIDGE_LAUNCHER=in-process}.
 */
final class Relaunch {

    static final String RELAUNCH = "relaunch";
    static final LaunchSetting SETTING =
            new LaunchSetting("bridge.launcher", "BRIDGE_LAUNCHER", List.of(RELAUNCH, "in-process"));

    /** How the child knows its parent launched it: the parent's process id, which it checks. */
    static final String PARENT_VARIABLE = "PROFILE_BRIDGE_LAUNCHER_PID";

    /** The JVM's messages about the archive (a stale one, classes it cannot hold) are not the bridge's log's. */
    private static final String QUIET_ARCHIVE = "-Xlog:cds*=off";

    private Relaunch() {}

    /**
     * Runs the bridge in a child JVM when this one was started plainly, and ends this JVM with its exit code; returns
     * when the bridge should run here.
     */
    static void runInChildIfPlain(String[] args) {
        Map<String, String> environment = System.getenv();
        Optional<List<String>> launchedWithJar = jvmArgumentsOfAJarLaunch(environment);
        if (launchedWithJar.isEmpty()) {
            return;
        }
        List<String> jvmArguments = launchedWithJar.get();
        Optional<Path> jar = plainJar(
                jvmArguments,
                System.getProperty("java.class.path", ""),
                System.getProperty("sun.java.command", ""),
                System.getProperty("java.vm.name", ""),
                environment);
        Optional<String> jit = jar.isPresent() ? relaunchAskedWithJit() : Optional.empty();
        if (jit.isEmpty()) {
            return;
        }
        Optional<ClassArchive> archive = ClassArchive.of(jar.get(), environment);
        if (archive.isEmpty()) {
            return; // the archive is what the relaunch is for
        }
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        if (!Files.isExecutable(java)) {
            return;
        }
        // the JVM's arguments are -D options only (plainJar): the child gets them as they are
        OptionalInt code = new ChildJvm(archive.get())
                .run(
                        java,
                        jar.get(),
                        childOptions(
                                jvmArguments, environment, () -> commandLine().flatMap(Relaunch::beforeJar)),
                        jit.get(),
                        args);
        if (code.isPresent()) {
            System.exit(code.getAsInt());
        }
    }

    /** The variables through which the launcher adds JVM options that its command line does not show. */
    private static final List<String> OPTIONS_VARIABLES =
            List.of("JDK_JAVA_OPTIONS", "JAVA_TOOL_OPTIONS", "_JAVA_OPTIONS");

    /**
     * The child's environment without the variables that added options to this JVM, when its command line carries
     * them ({@link ChildOptions}): the child would apply them twice, each announced twice ("Picked up
     * JAVA_TOOL_OPTIONS", anywhere audit).
     */
    static void withoutOptionsVariables(Map<String, String> environment) {
        OPTIONS_VARIABLES.forEach(environment::remove);
    }

    /**
     * The options on the child's command line, and whether the variables that added options to this JVM stay in its
     * environment. Where this JVM's own command line can be read, the child gets that, and the variables' options
     * through the variables, as private as they were here. Secrets audit: a key given in {@code JAVA_TOOL_OPTIONS}
     * stood on the child's command line, which every local user may read ({@code ps}); an environment is its owner's
     * alone (the JVM's own "Picked up ..." line then comes from both processes). Elsewhere every option goes on the
     * command line and the variables go.
     */
    record ChildOptions(List<String> arguments, boolean keepsOptionsVariables) {}

    /** @param ownArguments this JVM's command line before {@code -jar}, read only when variables added options */
    static ChildOptions childOptions(
            List<String> jvmArguments, Map<String, String> environment, Supplier<Optional<List<String>>> ownArguments) {
        Optional<List<String>> own = optionsFromVariables(environment) ? ownArguments.get() : Optional.empty();
        return own.map(arguments -> new ChildOptions(arguments, true))
                .orElseGet(() -> new ChildOptions(jvmArguments, false));
    }

    private static boolean optionsFromVariables(Map<String, String> environment) {
        return OPTIONS_VARIABLES.stream().map(environment::get).anyMatch(value -> value != null && !value.isBlank());
    }

    /** This JVM's command line as the kernel keeps it; empty where none is kept (not Linux, no /proc). */
    private static Optional<List<String>> commandLine() {
        try {
            return Optional.of(
                    List.of(Files.readString(Path.of("/proc/self/cmdline")).split("\0")));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * The JVM's arguments when it was started with {@code -jar}; empty when it was not (then nothing is relaunched).
     * Read from the command line the kernel keeps ({@code /proc/self/cmdline}) when no variable added options: the
     * management bean that also lists them starts JMX in this JVM first, tens of milliseconds of every plain start
     * spent before the child exists. Where there is no such file, or a variable added options, the bean says.
     */
    static Optional<List<String>> jvmArgumentsOfAJarLaunch(Map<String, String> environment) {
        if (!optionsFromVariables(environment)) {
            Optional<List<String>> line = commandLine();
            if (line.isPresent()) {
                return beforeJar(line.get());
            }
        }
        return Optional.of(ManagementFactory.getRuntimeMXBean().getInputArguments());
    }

    /** What stands between the java command and {@code -jar} on a command line; empty without a {@code -jar}. */
    static Optional<List<String>> beforeJar(List<String> commandLine) {
        int jar = commandLine.indexOf("-jar");
        return jar < 1 ? Optional.empty() : Optional.of(commandLine.subList(1, jar));
    }

    /**
     * The JIT mode to give the child, when a relaunch is asked and both launch settings are valid; empty otherwise (a
     * wrong value is then reported by the bridge, started here, as it does for any other key).
     */
    private static Optional<String> relaunchAskedWithJit() {
        try {
            String jit = JitMode.atLaunch();
            return SETTING.atLaunch().equals(RELAUNCH) ? Optional.of(jit) : Optional.empty();
        } catch (StartupFailure e) {
            return Optional.empty();
        }
    }

    /**
     * The jar this JVM runs, when it was started as {@code java [-D...] -jar <jar>} on HotSpot, and is not itself a
     * relaunched one.
     */
    static Optional<Path> plainJar(
            List<String> jvmArguments,
            String classPath,
            String command,
            String vmName,
            Map<String, String> environment) {
        boolean plain = jvmArguments.stream().allMatch(Relaunch::passedOn);
        boolean fromJar = classPath.endsWith(".jar")
                && !classPath.contains(java.io.File.pathSeparator)
                && (command.equals(classPath) || command.startsWith(classPath.concat(" ")));
        boolean hotSpot = vmName.contains("HotSpot") || vmName.startsWith("OpenJDK");
        if (!plain || !fromJar || !hotSpot || environment.containsKey(PARENT_VARIABLE)) {
            return Optional.empty();
        }
        Path jar = Path.of(classPath);
        return Files.isRegularFile(jar) ? Optional.of(jar) : Optional.empty();
    }

    /**
     * A {@code -D} the child is given as it is. Not the JVM's own agents' ({@code com.sun.management.*}, the JMX
     * agent's port; {@code java.rmi.*}): this JVM has started them already, so with them it runs the bridge itself
     * (Camel-tools audit: the child found the JMX port taken and ended with the JVM's line alone, exit code 1).
     */
    private static boolean passedOn(String argument) {
        return argument.startsWith("-D")
                && !argument.startsWith("-Dcom.sun.management.")
                && !argument.startsWith("-Djava.rmi.");
    }

    /**
     * A JVM reads file names in the encoding of the locale's character type: under LANG=C (cron, {@code env -i}, a
     * systemd unit without a locale) that is ASCII, and an inbox file named in any other script cannot be read at
     * all (hostile-input audit). The child is given the C.UTF-8 character type then (glibc's built-in UTF-8 locale;
     * where a system lacks it, the JVM falls back to what it had). Messages, dates and numbers keep the locale's.
     */
    static void spellFileNamesInUtf8(Map<String, String> environment, String fileNameEncoding) {
        if (fileNameEncoding.equalsIgnoreCase("UTF-8")) {
            return;
        }
        // LC_ALL overrides every category, LC_CTYPE among them: its value goes to LANG (and over the categories it
        // overrode), so every category but the character type keeps it (review: all of them became C)
        String all = environment.remove("LC_ALL");
        if (all != null && !all.isEmpty()) {
            environment.keySet().removeIf(name -> name.startsWith("LC_"));
            environment.put("LANG", all);
        }
        environment.put("LC_CTYPE", UTF8_CHARACTER_TYPE);
    }

    private static final String UTF8_CHARACTER_TYPE = "C.UTF-8";

    /**
     * What the child's JDK must be told for the libraries to run without a word: from JDK 24 on it writes eight
     * {@code WARNING:} lines to stderr at every start for Netty's and JCTools' use of {@code sun.misc.Unsafe} and
     * Netty's native library, which broke the JSON log's one object per line (jdk25 audit). JDK 17 knows neither option.
     */
    static List<String> libraryAccess(int jdkFeature) {
        return jdkFeature >= 24
                ? List.of("--sun-misc-unsafe-memory-access=allow", "--enable-native-access=ALL-UNNAMED")
                : List.of();
    }

    /** The child's command: the archive mapped, or written at its end; C1 alone unless bridge.jit says otherwise. */
    static List<String> command(
            Path java,
            Path jar,
            List<String> properties,
            Optional<Path> archive,
            Path training,
            String jit,
            String[] args) {
        List<String> command = new ArrayList<>();
        command.add(java.toString());
        command.addAll(properties);
        // String.concat, not `+`: every `+` is linked at its first run, a cost the launcher pays before the child
        // starts
        command.add(
                archive.isPresent()
                        ? "-XX:SharedArchiveFile=".concat(archive.get().toString())
                        : RelaunchedChild.TRAINING_OPTION.concat(training.toString()));
        command.add(QUIET_ARCHIVE);
        command.addAll(libraryAccess(Runtime.version().feature()));
        if (jit.equals(JitMode.C1)) {
            command.add("-XX:TieredStopAtLevel=1");
        }
        command.add("-jar");
        command.add(jar.toString());
        command.addAll(List.of(args));
        return command;
    }
}
