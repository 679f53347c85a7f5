package io.profilebridge;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The bridge's JVM as a child of this one ({@link Relaunch}): started with the archive, its output this process's,
 * its stdin a pipe only this process holds ({@link RelaunchedChild}). A SIGTERM or Ctrl-C here is handed on and waited
 * for; this process then ends with the bridge's exit code, as if it had been the bridge.
 */
final class ChildJvm {

    private final ClassArchive archive;

    ChildJvm(ClassArchive archive) {
        this.archive = archive;
    }

    /** The bridge's exit code once it ended; empty when it could not be started (the bridge then runs here). */
    OptionalInt run(Path java, Path jar, Relaunch.ChildOptions options, String jit, String[] args) {
        long pid = ProcessHandle.current().pid();
        Optional<Path> ready = archive.ready();
        Path training = archive.training(pid);
        if (ready.isEmpty()) {
            removeLeftOvers();
        } else {
            archive.used();
        }
        ProcessBuilder builder = new ProcessBuilder(
                        Relaunch.command(java, jar, options.arguments(), ready, training, jit, args))
                .redirectOutput(ProcessBuilder.Redirect.INHERIT)
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        if (!options.keepsOptionsVariables()) {
            Relaunch.withoutOptionsVariables(builder.environment());
        }
        builder.environment().put(Relaunch.PARENT_VARIABLE, Long.toString(pid));
        Relaunch.spellFileNamesInUtf8(builder.environment(), System.getProperty("sun.jnu.encoding", ""));
        Process child;
        try {
            child = builder.start();
        } catch (IOException e) {
            return OptionalInt.empty();
        }
        // every way out of this JVM goes through here, after the child: its own end, a SIGTERM, a Ctrl-C
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            // SIGTERM: the bridge stops as it would on its own (Process.destroy would also close its stdin, the watch)
            child.toHandle().destroy();
            int code = waitFor(child);
            if (ready.isEmpty()) {
                code = exitCodeLeft(training).orElse(code);
                keep(training, code);
            }
            Runtime.getRuntime().halt(code);
        }));
        return OptionalInt.of(waitFor(child));
    }

    /** The exit code a bridge that ended without writing the archive left ({@link RelaunchedChild#exit}). */
    private static Optional<Integer> exitCodeLeft(Path training) {
        Path file = RelaunchedChild.exitCodeFile(training);
        try {
            Optional<Integer> code =
                    Optional.of(Integer.parseInt(Files.readString(file).strip()));
            Files.delete(file);
            return code;
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    private void keep(Path training, int code) {
        try {
            archive.keep(training, code == 0 || code == 130 || code == 143); // ended, Ctrl-C, SIGTERM
        } catch (IOException e) {
            System.err.println("profile-bridge: the class-data-sharing archive was not kept: " + e);
        }
    }

    private void removeLeftOvers() {
        try {
            archive.removeLeftOvers();
        } catch (IOException e) {
            // a folder that cannot be listed now: the next run tries again
        }
    }

    private static int waitFor(Process child) {
        while (true) {
            try {
                return child.waitFor();
            } catch (InterruptedException e) {
                // the bridge is what this process waits for; nothing else may end the wait
            }
        }
    }
}
