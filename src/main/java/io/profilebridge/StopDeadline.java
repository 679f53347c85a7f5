package io.profilebridge;

import java.util.function.LongSupplier;
import org.slf4j.LoggerFactory;

/**
 * Bounds a stop: once the JVM shuts down (a SIGTERM), the process ends at the latest a limit later, halted as a
 * SIGKILL would end it. Something that waits for good during the stop (a data disk or a database that answers nothing,
 * a JMS send the broker holds) otherwise kept the process for as long as it lasted (slow-disk audit: a SIGTERM during a
 * 120 s disk stall ended after 117 s, Camel's own forcing done at 45 s). The halt loses nothing: the job store is left
 * at its last commit and the inbox files not taken stay, and the next start sends the calls cut short again, as after
 * a SIGKILL. Written by hand: the JDK has no deadline for its shutdown hooks.
 */
final class StopDeadline {

    /** What a SIGTERM ends the process with. */
    static final int EXIT_CODE = 143;

    /** Beyond Camel's own shutdown timeout: its forced stop (half that timeout again) and the stores' close. */
    static final long MARGIN_MS = 25_000;

    private StopDeadline() {}

    /** Halts the process {@code limitMs} (read when the stop begins) after the JVM begins to shut down. */
    static void install(LongSupplier limitMs) {
        install(limitMs, () -> Runtime.getRuntime().halt(EXIT_CODE));
    }

    static void install(LongSupplier limitMs, Runnable halt) {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> start(limitMs.getAsLong(), halt), "stop-deadline-start"));
    }

    /** A daemon timer: the JVM does not wait for it, and a stop that ends in time never sees it fire. */
    private static void start(long limitMs, Runnable halt) {
        Thread timer = new Thread(
                () -> {
                    try {
                        Thread.sleep(limitMs);
                    } catch (InterruptedException e) {
                        return;
                    }
                    LoggerFactory.getLogger(StopDeadline.class)
                            .warn(
                                    "The stop has run for {} s (camel.main.shutdown-timeout and {} s more) and something"
                                            + " still holds it (a disk or job store that does not answer, a held JMS"
                                            + " send): the process ends now, as a SIGKILL would end it; nothing is lost,"
                                            + " the next start goes on from the job store",
                                    limitMs / 1000,
                                    MARGIN_MS / 1000);
                    halt.run();
                },
                "stop-deadline");
        timer.setDaemon(true);
        timer.start();
    }
}
