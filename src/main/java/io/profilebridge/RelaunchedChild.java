package io.profilebridge;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The bridge's side of a {@link Relaunch}. It ends the moment its launching process ends, which a SIGKILL to that
 * process gives no chance to say: the pipe on stdin, which only the launcher holds, closes then. And it ends without
 * writing the class-data archive where that would only cost time: the JVM writes it on every way out, for 3-4 s, while
 * the data folder's lock keeps a restarted bridge out, and after a failed start nobody wants it.
 */
final class RelaunchedChild {

    /** Has the JVM write the archive on its way out: {@link Relaunch#command} gives it, {@link #training} reads it. */
    static final String TRAINING_OPTION = "-XX:ArchiveClassesAtExit=";

    private RelaunchedChild() {}

    /** Starts the watch when this process was launched by its parent; the variable alone is not enough. */
    static void watchLauncher(Map<String, String> environment) {
        if (!launched(environment)) {
            return;
        }
        Thread watch = new Thread(() -> endWhenClosed(System.in), "launcher-watch");
        watch.setDaemon(true);
        watch.start();
    }

    /**
     * Ends this JVM with the code, without the archive's writing when this run makes one: the code then goes to the
     * launcher in a file beside the archive's ({@link #exitCodeFile}), as the JVM ends by a SIGKILL.
     */
    static void exit(int code) {
        Optional<Path> training = training();
        if (training.isPresent() && launched(System.getenv())) {
            try {
                Files.writeString(exitCodeFile(training.get()), Integer.toString(code));
                killThisProcess();
            } catch (IOException | RuntimeException e) {
                // the slower way below
            }
        }
        System.exit(code);
    }

    /** Where a bridge ended by {@link #exit} leaves its exit code for the launcher. */
    static Path exitCodeFile(Path training) {
        return training.resolveSibling(training.getFileName() + ".exit");
    }

    private static boolean launched(Map<String, String> environment) {
        Optional<Long> parent = ProcessHandle.current().parent().map(ProcessHandle::pid);
        String launcher = environment.get(Relaunch.PARENT_VARIABLE);
        return launcher != null && parent.isPresent() && launcher.equals(Long.toString(parent.get()));
    }

    private static Optional<Path> training() {
        return ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(argument -> argument.startsWith(TRAINING_OPTION))
                .map(argument -> Path.of(argument.substring(TRAINING_OPTION.length())))
                .findFirst();
    }

    private static void endWhenClosed(InputStream launcher) {
        byte[] ignored = new byte[256];
        try {
            while (launcher.read(ignored) >= 0) {
                // the launcher writes nothing; only the end counts
            }
        } catch (IOException e) {
            // a pipe that broke: its writer is gone all the same
        }
        System.err.println("profile-bridge: its launching process ended; stopping at once");
        killThisProcess();
        Runtime.getRuntime().halt(137);
    }

    /** A SIGKILL of this process, which a JVM cannot send itself (sun.misc.Signal and ProcessHandle refuse it). */
    private static void killThisProcess() {
        try {
            new ProcessBuilder(
                            "kill",
                            "-KILL",
                            Long.toString(ProcessHandle.current().pid()))
                    .start()
                    .waitFor(2, TimeUnit.SECONDS);
        } catch (IOException | InterruptedException | RuntimeException e) {
            // no kill command here: the caller's slower way
        }
    }
}
