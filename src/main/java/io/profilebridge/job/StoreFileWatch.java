package io.profilebridge.job;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.apache.camel.CamelContext;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops the bridge when the embedded store's file is removed or replaced under it. H2 goes on writing into the file it
 * has open, which no path names any more, so everything taken in since, and every job before, was lost at the next
 * start while the inbox files had been moved to {@code .done} (store-failure audit). Checked once a second: the bridge
 * then exits with {@link ClosedStoreExit#EXIT_CODE}, and once its routes have stopped it writes what the store held
 * to {@value #DUMP_PREFIX}{@code <time>.sql} beside it, from which H2's RunScript tool makes the store again (README).
 * H2's own online backup copies the files it finds on disk, so it cannot save a removed one.
 */
public final class StoreFileWatch extends ServiceSupport {

    static final String DUMP_PREFIX = "jobstore.removed-";

    /** The longest the dump may take before the halt's own clock starts (a store of 276 MB took 7 s). */
    private static final long DUMP_WAIT_MINUTES = 15;

    /** A store file on a filesystem that names no file identity: only its removal is seen. */
    private static final Object NO_KEY = new Object();

    private static final Logger LOG = LoggerFactory.getLogger(StoreFileWatch.class);

    private final CamelContext context;
    private final Path file;
    private final Runnable exit;
    private volatile DataSource store;
    private volatile Object fileKey;
    private volatile boolean gone;
    private final CountDownLatch dumped;
    private ScheduledExecutorService checker;

    /**
     * @param file the store's file, as opened
     * @param dumped counted down once the stop has written the dump (or had none to write)
     * @param exit how the process ends ({@link ClosedStoreExit#exitGently})
     */
    StoreFileWatch(CamelContext context, Path file, CountDownLatch dumped, Runnable exit) {
        this.context = context;
        this.file = file.toAbsolutePath();
        this.dumped = dumped;
        this.exit = exit;
    }

    public static StoreFileWatch of(CamelContext context, Path data) {
        CountDownLatch dumped = new CountDownLatch(1);
        // the halt that ends a stop hung on the store waits for the dump: cut short, it would lose every job
        return new StoreFileWatch(
                context,
                data.resolve(EmbeddedStore.FILE),
                dumped,
                () -> ClosedStoreExit.exitGently(context, () -> dumped.await(DUMP_WAIT_MINUTES, TimeUnit.MINUTES)));
    }

    /** The store is open on the file its path names now: the file to watch, and the store to save should it go. */
    public void opened(DataSource opened) throws IOException {
        store = opened;
        fileKey = keyOf(file);
    }

    @Override
    protected void doStart() {
        checker = context.getExecutorServiceManager().newSingleThreadScheduledExecutor(this, "store-file-watch");
        checker.scheduleWithFixedDelay(this::check, 1, 1, TimeUnit.SECONDS);
    }

    /** Whether the path still names the file the store has open; stops the bridge when it does not. */
    void check() {
        Object opened = fileKey;
        if (opened == null || gone || !context.isStarted() || context.isStopping()) {
            return;
        }
        Object now;
        try {
            now = keyOf(file);
        } catch (IOException e) {
            return; // the folder cannot be read just now: nothing says the file is gone
        }
        if (Objects.equals(opened, now)) {
            return;
        }
        gone = true;
        LOG.error(
                "The job store {} was {} while the bridge ran; the bridge stops with exit code {} before it takes in"
                        + " anything more. Once its routes have stopped it writes what the store held beside it ({}"
                        + "<time>.sql): put it back with H2's RunScript tool (README, \"A store file removed while running\") before starting"
                        + " again",
                file,
                now == null ? "removed" : "replaced by another file",
                ClosedStoreExit.EXIT_CODE,
                DUMP_PREFIX);
        exit.run();
    }

    /** After the routes (services stop in reverse order, and this one was added after the store). */
    @Override
    protected void doStop() {
        if (checker != null) {
            context.getExecutorServiceManager().shutdownNow(checker);
            checker = null;
        }
        if (gone) {
            try {
                dump();
            } finally {
                dumped.countDown();
            }
        }
    }

    private void dump() {
        Path dump = file.resolveSibling(DUMP_PREFIX + Instant.now().toString().replace(':', '-') + ".sql");
        Path partial = dump.resolveSibling(dump.getFileName() + ".partial");
        try (Connection connection = store.getConnection();
                PreparedStatement script = connection.prepareStatement("SCRIPT TO ?")) {
            if (Files.notExists(dump.getParent())
                    && FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
                // the whole data folder was removed: made again owner-only, as a start makes it (H2 made it with the
                // umask's mode, and every later start warned that others could read it: fsedges audit)
                Files.createDirectories(
                        dump.getParent(),
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            }
            script.setString(1, partial.toString());
            script.execute();
            // owner-only, as the store it comes from: it holds the requests' personal data (H2 makes the file anew,
            // in the data folder, which is owner-only itself)
            if (Files.getFileStore(partial).supportsFileAttributeView(PosixFileAttributeView.class)) {
                Files.setPosixFilePermissions(partial, PosixFilePermissions.fromString("rw-------"));
            }
            Files.move(partial, dump, StandardCopyOption.ATOMIC_MOVE);
            LOG.error("What the removed job store held is in {}", dump);
        } catch (Exception e) {
            LOG.error("What the removed job store held could not be written to {}: {}", dump, e.toString());
        }
    }

    /** The file's identity (device and inode on Linux), {@link #NO_KEY} where none is kept; null when there is no file. */
    private static Object keyOf(Path file) throws IOException {
        try {
            Object key = Files.readAttributes(file, BasicFileAttributes.class).fileKey();
            return key != null ? key : NO_KEY;
        } catch (NoSuchFileException e) {
            return null;
        }
    }
}
