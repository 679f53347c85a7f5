package io.profilebridge.job;

import com.zaxxer.hikari.SQLExceptionOverride;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.camel.CamelContext;
import org.apache.camel.util.ObjectHelper;
import org.h2.api.ErrorCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops the process when the embedded store has closed itself, as H2 does when a write fails (a full disk, an I/O
 * error): every later statement then fails with "The database has been closed", and the bridge stayed up, failing
 * every second, until someone restarted it (operations audit, a full data disk). It cannot reopen the store in place:
 * a new connection would, but rolling back a session of the closed store spins for ever in H2 2.4 (measured: a poll
 * thread at 100% CPU). So the bridge exits with {@link #EXIT_CODE}; started again (by Compose, Kubernetes or the
 * operator) it opens the store from its last commit, as after a crash, or names the store if it still cannot.
 * Sees every SQLException of the pool (HikariCP's exception override), and changes nothing about eviction.
 */
public final class ClosedStoreExit implements SQLExceptionOverride {

    /** The exit code of a bridge whose store closed itself. */
    public static final int EXIT_CODE = 3;

    private static final int SHUTDOWN_SECONDS = 5;
    /** How long the shutdown hooks get before the process is ended regardless. */
    private static final int HALT_AFTER_SECONDS = 20;

    private static final Logger LOG = LoggerFactory.getLogger(ClosedStoreExit.class);

    private final CamelContext context;
    private final Runnable exit;
    private final Runnable haltForHeap;
    private final AtomicBoolean stopping = new AtomicBoolean();
    /** A statement failed for want of heap: H2 closes the store then too, and the disk is not to blame. */
    private volatile boolean outOfMemory;

    /** The data folder, looked at when the store closes: what H2 reports then names no cause (store-failure audit). */
    private final Path data;

    ClosedStoreExit(CamelContext context, Runnable exit, Runnable haltForHeap) {
        this(context, null, exit, haltForHeap);
    }

    ClosedStoreExit(CamelContext context, Path data, Runnable exit, Runnable haltForHeap) {
        this.context = context;
        this.data = data;
        this.exit = exit;
        this.haltForHeap = haltForHeap;
    }

    /**
     * Exits the JVM after a closed store, its shutdown hooks run: Camel stops what it can, within
     * {@link #SHUTDOWN_SECONDS} instead of its usual timeout, as nothing in flight can be saved any more (measured: 30 s
     * of waiting for three inbox files). After a want of heap it halts at once instead: H2's close would write the
     * store once more, from pages the failed write may have left half-placed (security audit: after such an exit, 1
     * restart in 5 found the file "corrupted in chunk 133"); a halt leaves it at its last commit, as a SIGKILL does.
     */
    public static ClosedStoreExit of(CamelContext context, Path data) {
        return new ClosedStoreExit(
                context,
                data,
                () -> exitGently(context),
                () -> Runtime.getRuntime().halt(EXIT_CODE));
    }

    static void exitGently(CamelContext context) {
        exitGently(context, () -> {});
    }

    /**
     * @param beforeHaltClock waited for before the halt's clock starts: work of the stop that must not be cut short
     *     (StoreFileWatch's dump of a removed store)
     */
    static void exitGently(CamelContext context, InterruptibleWait beforeHaltClock) {
        context.getShutdownStrategy().setTimeout(SHUTDOWN_SECONDS);
        new Thread(() -> System.exit(EXIT_CODE), "job-store-closed-exit").start();
        // should the shutdown hooks wait on the store for good, the exit still ends the process
        Thread halt = new Thread(
                () -> {
                    try {
                        beforeHaltClock.await();
                        TimeUnit.SECONDS.sleep(HALT_AFTER_SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    Runtime.getRuntime().halt(EXIT_CODE);
                },
                "job-store-closed-halt");
        halt.setDaemon(true);
        halt.start();
    }

    /** A wait that ends by itself, or when the waiting thread is interrupted. */
    @FunctionalInterface
    interface InterruptibleWait {
        void await() throws InterruptedException;
    }

    @java.lang.Override
    public Override adjudicate(SQLException e) {
        // a statement that ran out of heap inside H2 leaves the store in no state to trust, closed or not (measured:
        // with 192 MB of heap and requests of 900 KB it stayed open, its writer spinning, no job advancing)
        boolean outOfMemoryNow = isOutOfMemory(e);
        if (outOfMemoryNow) {
            outOfMemory = true;
        }
        // while the bridge itself stops, a closed store is its own doing
        if ((e.getErrorCode() == ErrorCode.DATABASE_IS_CLOSED || outOfMemoryNow)
                && context.isStarted()
                && !context.isStopping()
                && stopping.compareAndSet(false, true)) {
            String firstLine = e.getMessage().lines().findFirst().orElse("");
            if (outOfMemory) {
                LOG.error(
                        "The job store failed after the JVM ran out of memory ({}); the bridge stops with exit"
                                + " code {}. Give it more heap (at most {} MB now: -Xmx, or -XX:MaxRAMPercentage in a"
                                + " container) or fewer requests at once (bridge.inbox.concurrency,"
                                + " bridge.poll.concurrency), and start it again: it continues from the store's last"
                                + " commit, with nothing lost",
                        firstLine,
                        EXIT_CODE,
                        Runtime.getRuntime().maxMemory() / (1024 * 1024));
            } else {
                LOG.error(
                        "The job store closed itself after a write failed ({}){}; the bridge stops with exit code {}."
                                + " Give bridge.data room (or fix its disk) and start it again: it continues from the"
                                + " store's last commit, with nothing lost",
                        firstLine,
                        data == null ? "" : DataDiskState.within(data),
                        EXIT_CODE);
            }
            if (outOfMemory) {
                haltForHeap.run();
            } else {
                exit.run();
            }
        }
        return Override.CONTINUE_EVICT;
    }

    /** H2 reports a want of heap as its own error code, or as a general error around the OutOfMemoryError. */
    static boolean isOutOfMemory(Throwable e) {
        for (Throwable cause : ObjectHelper.createExceptionIterable(e)) {
            if (cause instanceof OutOfMemoryError
                    || (cause instanceof SQLException sql && sql.getErrorCode() == ErrorCode.OUT_OF_MEMORY)
                    || String.valueOf(cause.getMessage()).contains(OutOfMemoryError.class.getName())) {
                return true;
            }
        }
        return false;
    }
}
