package io.profilebridge;

import io.profilebridge.intake.InboxFolders;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.camel.CamelContext;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds the inbox's lock ({@link InboxLock}) while the bridge runs, and makes the inbox again when it is removed or
 * replaced under the running bridge: the lock file went with it, so a second bridge could have taken the inbox, and the
 * API folders only a start made were gone, so a request dropped into {@code inbox/openprospect/} found no folder
 * (fsedges audit). Checked every {@code bridge.inbox.folder-check-ms}, as the folders no route reads.
 */
public final class InboxWatch extends ServiceSupport {

    private static final Logger LOG = LoggerFactory.getLogger(InboxWatch.class);

    private final CamelContext context;
    private final Path inbox;
    private final String folderMode;
    private final boolean shared;
    private final InboxFolders folders;
    private final long everyMs;
    private HeldFileLock lock;
    private boolean takenReported;
    private ScheduledExecutorService checker;

    /**
     * Takes the inbox's lock at once: a start on an inbox another bridge holds stops here.
     *
     * @param shared instances of a shared (PostgreSQL) store hold it shared ({@link InboxLock#acquire})
     */
    public InboxWatch(
            CamelContext context, Path inbox, String folderMode, boolean shared, InboxFolders folders, long everyMs) {
        this.context = context;
        this.inbox = inbox;
        this.folderMode = folderMode;
        this.shared = shared;
        this.folders = folders;
        this.everyMs = everyMs;
        this.lock = InboxLock.acquire(inbox, folderMode, shared);
    }

    @Override
    protected synchronized void doStart() {
        if (lock == null) {
            lock = InboxLock.acquire(inbox, folderMode, shared); // a context started again
        }
        checker = context.getExecutorServiceManager().newSingleThreadScheduledExecutor(this, "inbox-watch");
        checker.scheduleWithFixedDelay(this::check, everyMs, everyMs, TimeUnit.MILLISECONDS);
    }

    /** Makes the inbox, its folders and its lock again when its lock file is gone. */
    synchronized void check() {
        if (lock == null || !context.isStarted() || context.isStopping() || lock.stillOnDisk()) {
            return;
        }
        try {
            HeldFileLock taken = InboxLock.acquire(inbox, folderMode, shared);
            close(lock);
            lock = taken;
            folders.make(context);
            takenReported = false;
            LOG.warn(
                    "The inbox {} was removed or replaced while the bridge ran: its folders are made again, and the"
                            + " bridge holds its {} again",
                    inbox.toAbsolutePath().normalize(),
                    InboxLock.FILE);
        } catch (StartupFailure e) {
            if (!takenReported) {
                takenReported = true;
                LOG.error(
                        "The inbox was removed or replaced while the bridge ran, and it cannot be held again: {}",
                        e.getMessage());
            }
        } catch (RuntimeException e) {
            // a scheduled task that throws runs no more
            LOG.warn("Cannot make the inbox {} again: {}", inbox, e.toString());
        }
    }

    @Override
    protected synchronized void doStop() {
        if (checker != null) {
            context.getExecutorServiceManager().shutdownNow(checker);
            checker = null;
        }
        if (lock != null) {
            close(lock);
            lock = null;
        }
    }

    private static void close(HeldFileLock held) {
        try {
            held.close();
        } catch (IOException e) {
            LOG.debug("Cannot let go of the inbox's lock: {}", e.toString());
        }
    }
}
