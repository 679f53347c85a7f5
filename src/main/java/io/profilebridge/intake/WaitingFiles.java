package io.profilebridge.intake;

import io.profilebridge.job.Job;
import io.profilebridge.job.JobStore;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * Inbox files left in the inbox, and not taken again until what they wait for has happened:
 * <ul>
 *   <li>a file that repeats a job still running from another file (the same explicit key, or the same name and body
 *       in another folder): it must get its own result where it was dropped, and the job's result is not known yet.
 *       Once the job is done it is taken like any file dropped again after its job, and gets the stored result;
 *   <li>a file that ends before its JSON does (or is empty) and changed less than {@code bridge.inbox.incomplete-ms}
 *       ago: a writer may still be at it, pausing longer than {@code bridge.inbox.stable-ms} (audit: a writer that
 *       flushed half a file, paused 3 s and wrote the rest had the half rejected and the whole never run). It is
 *       taken again once it changes, or once that time has passed (then rejected as it stands);
 *   <li>a file whose failed or stored result the outbox (or broker) refused: taken again after
 *       {@code bridge.inbox.undelivered-wait-ms}, not at every poll (operations audit: on a full outbox each such
 *       file was read, rejected and refused again every 500 ms, with two warnings each time);
 *   <li>a file that has its answer but could not be moved to {@code .done/} or {@code .failed/} (a full inbox):
 *       taken again after {@code bridge.inbox.undelivered-wait-ms}, only to be moved ({@link InboxFileErrors}).
 * </ul>
 * In memory only (but for the notes of answered files, UnmovedNotes): after a restart the file is simply taken again
 * and waits again. A waiting file that is no longer
 * listed (removed by its caller) is forgotten, as {@link FileSightings} forgets its sightings.
 */
public final class WaitingFiles {

    /**
     * Knows of no waiting file and takes a file when first seen (an inbox filter made by a route file of its own,
     * {@link InboxFileFilter#InboxFileFilter()}).
     */
    static final WaitingFiles NONE = new WaitingFiles(null, 0, 0, 0);

    /** What a file waits for. */
    private sealed interface Wait {
        /** Whether it still waits, the file now as listed ({@code modified}, {@code length}). */
        boolean lasts(JobStore store, long modified, long length, long now);
    }

    /**
     * The job, and the file as it was when it began to wait: a file that differs is a new request under that name
     * (permanent-faults audit: one dropped in place of a waiting file waited, unlogged, for the other's job, up to a
     * day), taken like any other.
     */
    private record ForJob(String jobId, long modified, long length) implements Wait {
        @Override
        public boolean lasts(JobStore store, long modifiedNow, long lengthNow, long now) {
            return modifiedNow == modified
                    && lengthNow == length
                    && store.findById(jobId)
                            .map(Job::state)
                            .filter(state -> !state.isFinal())
                            .isPresent();
        }
    }

    /**
     * The file as it was when found incomplete, or answered but not moved; taken again once it differs, or from
     * {@code until} on.
     */
    private record ForRest(long modified, long length, long until) implements Wait {
        @Override
        public boolean lasts(JobStore store, long modifiedNow, long lengthNow, long now) {
            return modifiedNow == modified && lengthNow == length && now < until;
        }
    }

    /** Taken again from {@code until} on. */
    private record ForDelivery(long until) implements Wait {
        @Override
        public boolean lasts(JobStore store, long modified, long length, long now) {
            return now < until;
        }
    }

    private final JobStore store;
    private final FileSightings sightings;
    private final long incompleteMs;
    private final long undeliveredWaitMs;
    private final Path spareNotes;
    /** The file's absolute path, and what it waits for. */
    private final Map<String, Wait> waiting = new ConcurrentHashMap<>();
    /** The file's absolute path, and where it was to be moved when that failed. */
    private final Map<String, Unmoved> unmoved = new ConcurrentHashMap<>();
    /**
     * The waiting file's absolute path, and when it began to wait or was last listed. Before, a file removed while it
     * waited was kept for ever, and a new file of its name waited for the old one's job (review).
     */
    private final Map<String, Long> lastListed = new ConcurrentHashMap<>();

    private long nextSweep;

    /**
     * Files whose read-lock marker an instance that stopped while taking them in had left: their job may have been
     * committed before that stop, and the file never moved. Kept, with when that take began, until each is taken ({@link #leftBehindSince}).
     */
    private final Map<String, Long> leftBehind = new ConcurrentHashMap<>();

    /**
     * An answered file that could not be moved: the file as it was then (its date, size and identity: inode and
     * status-change time, null where the file system tells neither), and where it was to go.
     */
    record Unmoved(long modified, long length, String verdict, String keptName, String identity) {}

    /**
     * @param stableMs how long a file must be seen unchanged, by this clock, before it is taken
     * @param incompleteMs how long a file that ends early may still be being written; 0 rejects it at once
     * @param undeliveredWaitMs how long a file whose result was refused waits before it is taken again
     */
    public WaitingFiles(JobStore store, long stableMs, long incompleteMs, long undeliveredWaitMs) {
        this(store, stableMs, 0, incompleteMs, undeliveredWaitMs);
    }

    /** @param pollMs how often each inbox folder is listed: what is remembered of an unlisted file lasts three listings */
    public WaitingFiles(JobStore store, long stableMs, long pollMs, long incompleteMs, long undeliveredWaitMs) {
        this(store, stableMs, pollMs, incompleteMs, undeliveredWaitMs, null);
    }

    /**
     * @param spareNotes where this instance notes an answered file that could not be moved when the note cannot go
     *                   beside it (its data folder's; UnmovedNotes); null for none
     */
    public WaitingFiles(
            JobStore store, long stableMs, long pollMs, long incompleteMs, long undeliveredWaitMs, Path spareNotes) {
        this.spareNotes = spareNotes;
        this.store = store;
        this.sightings = new FileSightings(stableMs, pollMs);
        this.incompleteMs = incompleteMs;
        this.undeliveredWaitMs = undeliveredWaitMs;
    }

    /** The file's result could not be delivered: it is taken again once {@code undeliveredWaitMs} have passed. */
    void waitAfterUndeliveredResult(String path, long now) {
        startWaiting(path, new ForDelivery(now + undeliveredWaitMs), now);
    }

    /**
     * The file has its answer, but the move to {@code .VERDICT/KEPT_NAME} failed: it is taken again once
     * {@code undeliveredWaitMs} have passed, and then only moved ({@link #takenAgainToMove}).
     */
    void moveFailed(String path, long modified, long length, String verdict, String keptName, long now) {
        Unmoved file = new Unmoved(modified, length, verdict, keptName, UnmovedNotes.identityOf(Path.of(path)));
        unmoved.put(path, file);
        UnmovedNotes.write(Path.of(path), file, spareNotes);
        // as long as the file is as it was: one dropped again in its place is taken at once (black-box audit: it
        // waited out the whole time)
        startWaiting(path, new ForRest(modified, length, now + undeliveredWaitMs), now);
    }

    /**
     * Where the file is to be moved, when it is an answered file whose move failed and it has not changed since (one
     * changed is a new request under that name, and the stale note goes). Asked once per take: a move that fails
     * again records it again; the note stays until the move is done ({@link #moved}).
     */
    Optional<Unmoved> takenAgainToMove(String path, long modified, long length) {
        Optional<Unmoved> noted = UnmovedNotes.read(Path.of(path), spareNotes);
        Unmoved remembered = unmoved.remove(path);
        if (remembered == null && noted.isEmpty()) {
            return Optional.empty();
        }
        // the same file still, not one dropped again under its name with its date and size (cp -p; black-box audit:
        // a stale note swallowed such a re-drop): its inode and status-change time tell. This instance's memory or the
        // note may be the stale one: a file another instance moved, and one of its name answered since (review)
        String identity = UnmovedNotes.identityOf(Path.of(path));
        Predicate<Unmoved> same = file ->
                file.modified() == modified && file.length() == length && Objects.equals(file.identity(), identity);
        if (noted.isPresent() && !same.test(noted.get())) {
            UnmovedNotes.remove(Path.of(path), spareNotes);
        }
        return Stream.concat(Stream.ofNullable(remembered), noted.stream())
                .filter(same)
                .findFirst();
    }

    /** Forgets, once at start, the spare notes of answered files removed from the inbox before they were moved. */
    public void forgetNotesOfGoneFiles() {
        if (spareNotes != null) {
            UnmovedNotes.forgetGone(spareNotes);
        }
    }

    /** An answered file taken again only to be moved is moved: its note goes. */
    void moved(Path file) {
        UnmovedNotes.remove(file, spareNotes);
    }

    /**
     * The file's read-lock marker, left by an instance that stopped while taking it in, was removed.
     *
     * @param markedAt when the marker was made (its file's date): when that take began
     */
    void leftBehindByAStop(Path file, long markedAt) {
        leftBehind.put(key(file), markedAt);
    }

    /**
     * When the take that an instance stopped in began, if the file, now taken, is one it left behind (asked once per
     * take): a take that began before its job was recorded is the drop that made the job, whose result that job
     * delivered; one that began later is the caller dropping the file again.
     */
    Optional<Long> leftBehindSince(Path file) {
        Optional<Long> note = InboxMarkers.takeLeftBehindNote(file);
        Long here = leftBehind.remove(key(file));
        return here != null ? Optional.of(here) : note;
    }

    private static String key(Path file) {
        return file.toAbsolutePath().normalize().toString();
    }

    /**
     * The file ({@code modified}, {@code length} as listed) waits for the job; false when it was waiting for it
     * already (its log line was written).
     */
    boolean waitFor(String path, long modified, long length, String jobId) {
        ForJob wait = new ForJob(jobId, modified, length);
        return !wait.equals(startWaiting(path, wait, System.currentTimeMillis()));
    }

    /**
     * Whether an incomplete file may still be being written: it changed less than {@code incompleteMs} ago. If so it
     * waits until it changes or that time has passed.
     */
    boolean mayStillBeWritten(String path, long modified, long length, long now) {
        // the later of its own time and when this process first saw it so: a clock behind dates it in the past
        long changed = Math.max(modified, sightings.unchangedSince(path, modified, length, now));
        if (now - changed >= incompleteMs) {
            return false;
        }
        startWaiting(path, new ForRest(modified, length, changed + incompleteMs), now);
        return true;
    }

    /**
     * Whether the file, as just listed, has been seen unchanged for {@code bridge.inbox.stable-ms} by this clock;
     * the read lock goes by the file's own time alone, which a file server whose clock is behind puts in the past.
     */
    boolean steady(String path, long modified, long length) {
        return sightings.steady(path, modified, length, System.currentTimeMillis());
    }

    /**
     * True while the file's wait lasts; once it is over, the file is taken again. {@code modified} and {@code length}
     * are the file's as just listed (no second look at the disk).
     */
    boolean stillWaiting(String path, long modified, long length) {
        return stillWaiting(path, modified, length, System.currentTimeMillis());
    }

    boolean stillWaiting(String path, long modified, long length, long now) {
        forgetUnlisted(now);
        Wait wait = waiting.get(path);
        if (wait == null) {
            return false;
        }
        lastListed.put(path, now);
        boolean still = wait.lasts(store, modified, length, now);
        if (!still) {
            waiting.remove(path, wait);
        }
        return still;
    }

    /** How many files wait; for tests. */
    int size() {
        return waiting.size();
    }

    private Wait startWaiting(String path, Wait wait, long now) {
        lastListed.put(path, now);
        return waiting.put(path, wait);
    }

    private synchronized void forgetUnlisted(long now) {
        if (now < nextSweep) {
            return;
        }
        long forgetAfterMs = sightings.forgetAfterMs();
        nextSweep = now + forgetAfterMs;
        for (Map.Entry<String, Long> entry : lastListed.entrySet()) {
            String path = entry.getKey();
            // only the entries as read go: a wait begun meanwhile is another object, and stays (review)
            Wait wait = waiting.get(path);
            Unmoved move = unmoved.get(path);
            if (now - entry.getValue() >= forgetAfterMs && lastListed.remove(path, entry.getValue())) {
                if (wait != null) {
                    waiting.remove(path, wait);
                }
                if (move != null) {
                    unmoved.remove(path, move);
                }
            }
        }
    }
}
