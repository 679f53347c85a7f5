package io.profilebridge.job;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.camel.CamelContext;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The data folder's note about its embedded store ({@value #FILE}): that the store was created, and when the newest
 * job it holds was created. A store that comes back emptied, or cut short so that H2 opens an older consistent
 * version of it (a copy taken half-way, a truncated restore), is then refused instead of started without the jobs
 * whose inbox files were taken and JMS messages acknowledged. The note only ever names a job whose row was on disk
 * before (registrations are durable writes), so a crash never makes a good store look short. It is rewritten at most
 * once a second, and at stop: the jobs of the last second are not guarded, a store that lost more is.
 */
public final class StoreNote extends ServiceSupport {

    static final String FILE = "jobstore.created";
    private static final String NEWEST = "newest-job-created-at=";
    private static final long NONE = Long.MIN_VALUE;
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    private static final Logger LOG = LoggerFactory.getLogger(StoreNote.class);

    private final Path file;
    private final AtomicLong newest = new AtomicLong(NONE);
    private volatile long written = NONE;
    private volatile boolean warned;
    private CamelContext context;
    private ScheduledExecutorService writer;

    public StoreNote(Path data) {
        this.file = data.toAbsolutePath().resolve(FILE);
    }

    Path file() {
        return file;
    }

    public boolean exists() {
        return Files.exists(file);
    }

    /** The newest job's creation the note records; empty for a note of an earlier release, or an unreadable one. */
    OptionalLong recordedNewest() {
        try {
            for (String line : Files.readAllLines(file)) {
                if (line.startsWith(NEWEST)) {
                    String digits = line.substring(NEWEST.length()).split(" ", 2)[0];
                    return OptionalLong.of(Long.parseLong(digits));
                }
            }
        } catch (NoSuchFileException gone) {
            // no note, nothing to compare with
        } catch (IOException | NumberFormatException | UncheckedIOException unreadable) {
            // a note garbled by a power loss guards nothing, but must not refuse a good store either
            LOG.warn(
                    "{} cannot be read ({}); the store is not checked against it this time",
                    file,
                    unreadable.toString());
        }
        return OptionalLong.empty();
    }

    /** A job created at {@code createdAt} (epoch ms) is on disk in the store. */
    public void saw(long createdAt) {
        newest.accumulateAndGet(createdAt, Math::max);
    }

    /** Writes the note: a new file beside it, moved over it, so it is never half-written. */
    synchronized void write() throws IOException {
        long now = newest.get();
        StringBuilder text = new StringBuilder("profile-bridge created its job store jobstore.mv.db here. While this"
                + " note exists, a store that is missing, empty or older than the newest job below stops the start"
                + " instead of starting without its jobs; remove the note to start on an older copy on purpose.\n");
        if (now != NONE) {
            text.append(NEWEST)
                    .append(now)
                    .append(' ')
                    .append(Instant.ofEpochMilli(now))
                    .append('\n');
        }
        Path next = file.resolveSibling(FILE + ".next");
        Files.writeString(next, text);
        if (Files.getFileStore(next).supportsFileAttributeView(PosixFileAttributeView.class)) {
            Files.setPosixFilePermissions(next, OWNER_ONLY); // as the store beside it
        }
        Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        written = now;
    }

    /** Keeps the note up to date while the bridge runs (the bridge's context owns the writer thread). */
    public StoreNote keptBy(CamelContext context) {
        this.context = context;
        return this;
    }

    @Override
    protected void doStart() {
        writer = context.getExecutorServiceManager().newSingleThreadScheduledExecutor(this, "store-note");
        writer.scheduleWithFixedDelay(this::writeOrWarn, 1, 1, TimeUnit.SECONDS);
    }

    @Override
    protected void doStop() {
        if (writer != null) {
            context.getExecutorServiceManager().shutdownGraceful(writer);
            writer = null;
        }
        writeOrWarn();
    }

    /**
     * Only a newer job is written while the bridge runs: the note is created by the store's opening, once the store
     * is complete, never by this writer while a first start is still creating it.
     */
    private void writeOrWarn() {
        try {
            if (newest.get() != written) {
                write();
            }
            warned = false;
        } catch (IOException | RuntimeException e) {
            if (!warned) { // once per outage, not every second
                warned = true;
                LOG.warn(
                        "Cannot update {} ({}); the store is fine, the note only guards it against a short copy",
                        file,
                        e.toString());
            }
        }
    }
}
