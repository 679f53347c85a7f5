package io.profilebridge;

import io.profilebridge.job.ClosedStoreExit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntConsumer;

/**
 * Ends the process when an {@link OutOfMemoryError} reaches the top of any thread. The JVM only prints it, and what
 * is left of the process runs on with threads missing (security audit: after one, the bridge stayed alive at a full
 * core, took no file, answered no health check and ignored SIGTERM, so it looked like a running service). Ended at
 * once, like a SIGKILL, which loses nothing (the crash tests), it can be started again by whatever runs it, with the
 * exit code of a store that ran out of heap. {@code -XX:+ExitOnOutOfMemoryError} would do the same, but
 * {@code java -jar} takes no JVM option from the jar.
 */
public final class OutOfMemoryExit implements Thread.UncaughtExceptionHandler {

    /** Made before it is needed: there may be no heap left to build it then. */
    private static final String MESSAGE = "profile-bridge ran out of heap and stops with exit code "
            + ClosedStoreExit.EXIT_CODE + ": give it more (-Xmx, or -XX:MaxRAMPercentage in a container) or fewer "
            + "requests at once (bridge.inbox.concurrency, bridge.poll.concurrency), and start it again; it continues "
            + "from the store's last commit";

    /** Whether the advice was printed: several threads may run out at once. */
    static final AtomicBoolean ADVISED = new AtomicBoolean();

    /** What ends the process: a halt, no shutdown hooks (they would need heap, and may write the store again). */
    static final IntConsumer HALT = code -> Runtime.getRuntime().halt(code);

    private final Thread.UncaughtExceptionHandler others;
    private final IntConsumer halt;

    OutOfMemoryExit(Thread.UncaughtExceptionHandler others, IntConsumer halt) {
        this.others = others;
        this.halt = halt;
    }

    /** Installs it for every thread without a handler of its own; anything else is printed as before. */
    static void install() {
        Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler(
                new OutOfMemoryExit(previous != null ? previous : OutOfMemoryExit::printAsTheJvmDoes, HALT));
    }

    @Override
    public void uncaughtException(Thread thread, Throwable error) {
        if (causedBy(error)) {
            haltWith(halt);
            return;
        }
        others.uncaughtException(thread, error);
    }

    /**
     * Ends the process at once when {@code error} came from a want of heap: for the places that catch everything and
     * would only log it (Spring's JMS listener: security audit, a listener that ran out of heap five times while health
     * said UP and the jobs crawled).
     */
    public static void haltIfCausedBy(Throwable error) {
        if (causedBy(error)) {
            haltWith(HALT);
        }
    }

    static boolean causedBy(Throwable error) {
        return ErrorText.causes(error).stream().anyMatch(OutOfMemoryError.class::isInstance);
    }

    static void haltWith(IntConsumer halt) {
        try {
            // several threads may run out at once: the advice once
            if (ADVISED.compareAndSet(false, true)) {
                System.err.println(MESSAGE);
            }
        } finally {
            halt.accept(ClosedStoreExit.EXIT_CODE);
        }
    }

    private static void printAsTheJvmDoes(Thread thread, Throwable error) {
        System.err.print("Exception in thread \"" + thread.getName() + "\" ");
        error.printStackTrace(System.err);
    }
}
