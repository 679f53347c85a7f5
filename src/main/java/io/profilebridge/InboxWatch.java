package io.profilebridge;

import io.profilebridge.intake.InboxFolders;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds the inbox's lock ({@link InboxLock}) while the bridge runs, and makes the inbox again when it is removed or
 * replaced under the running bridge: the lock file went with it, so a second bridge could have taken the inbox, and the
 * API folders only a start made were gone, so a request dropped into {@code inbox/openprospect/} found no folder
 * (fsedges audit). Checked every {@code bridge.inbox.folder-check-ms}, as the folders no route reads. An inbox that
 * cannot be held again (another bridge took it meanwhile, or a file stands in its place) is read no more: its routes
 * are suspended, and the {@code inbox} check is DOWN naming why, until it is held again (re-check audit: the bridge
 * went on taking files beside the bridge that took the inbox, each into its own store, and stayed UP).
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
    /** Why the inbox is not held now, or null while it is. */
    private volatile String lost;

    private ScheduledExecutorService checker;

    /**
     * Takes the inbox's lock at once: a start on an inbox another bridge holds stops here.
     *
     * @param shared instances of a shared (PostgreSQL) store hold it shared ({@link InboxLock#acquire})
     */
    public InboxWatch(
            CamelContext context, Path inbox, String folderMode, boolean shared, InboxFolders folders, long everyMs) {
        this.context = context;
        this.inbox = inbox.toAbsolutePath().normalize();
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

    /** Why the inbox is read no more, by folder: the {@code inbox} health check's. */
    public Map<Path, String> lost() {
        String why = lost;
        return why == null ? Map.of() : Map.of(inbox, why);
    }

    /**
     * Makes the inbox, its folders and its lock again when its lock file is gone; makes a folder of it that went alone.
     */
    synchronized void check() {
        if (lock == null || !context.isStarted() || context.isStopping()) {
            return;
        }
        try {
            if (!lock.stillOnDisk()) {
                holdAgain();
                return;
            }
            List<Path> made = folders.make(context);
            if (lost != null) {
                // the inbox put back whole, with the lock this bridge still holds: the lock taken anew would be refused
                // as held (by this very process), and the inbox stayed unread until a restart (health audit)
                LOG.warn(
                        "The inbox {} is back, with the {} this bridge holds: it is read again", inbox, InboxLock.FILE);
                readAgain();
            } else if (!made.isEmpty()) {
                LOG.warn("Inbox folders removed while the bridge ran are made again: {}", made);
            }
        } catch (RuntimeException e) {
            // a scheduled task that throws runs no more
            LOG.warn("Cannot make the inbox {} again: {}", inbox, e.toString());
        }
    }

    private void holdAgain() {
        HeldFileLock taken;
        try {
            taken = InboxLock.acquire(inbox, folderMode, shared);
        } catch (StartupFailure e) {
            if (lost == null) {
                lost = "removed or replaced while the bridge ran, and not held again, so it is read no more: "
                        + e.getMessage();
                LOG.error("The inbox {} was {}", inbox, lost);
                readers(false);
            }
            return;
        }
        close(lock);
        lock = taken;
        folders.make(context);
        LOG.warn(
                "The inbox {} was removed or replaced while the bridge ran: its folders are made again, and the bridge"
                        + " holds its {} again{}",
                inbox,
                InboxLock.FILE,
                lost == null ? "" : " and reads it again");
        if (lost != null) {
            readAgain();
        }
    }

    private void readAgain() {
        lost = null;
        readers(true);
    }

    /** Resumes, or suspends, the routes that read the inbox. */
    private void readers(boolean read) {
        for (Route route : folders.readers(context)) {
            try {
                if (read) {
                    context.getRouteController().resumeRoute(route.getRouteId());
                } else {
                    context.getRouteController().suspendRoute(route.getRouteId());
                }
            } catch (Exception e) {
                LOG.warn("Cannot {} route {}: {}", read ? "resume" : "suspend", route.getRouteId(), e.toString());
            }
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
