package io.profilebridge.intake;

import java.io.File;
import java.io.IOException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.apache.camel.CamelContext;
import org.apache.camel.component.file.FileComponent;
import org.apache.camel.component.file.GenericFileEndpoint;
import org.apache.camel.spi.IdempotentRepository;
import org.apache.camel.support.processor.idempotent.MemoryIdempotentRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The read-lock markers ({@code NAME.json.camelLock}) the inbox routes' read lock leaves beside a file while it is
 * taken in: those left by an instance that stopped mid-take are removed, so the file is taken after all.
 */
public class InboxMarkers {

    private static final Logger LOG = LoggerFactory.getLogger(InboxMarkers.class);

    private static final String STRAY_REMOVED = "Removed {} read-lock markers (NAME.json.camelLock) whose files are"
            + " gone: a stopped instance left them after taking those files in";

    /** How often, at most, the release of orphaned markers is named in a warning. */
    private static final long RELEASE_REPORT_MS = 60_000;

    private final WaitingFiles waitingFiles;
    private final long orphanedLockMs;
    /** Whether one of this process's inbox routes is taking the listed file in (its absolute path) right now. */
    private final Predicate<String> takenInHere;
    /** Markers released since the last warning about them, and when that was. */
    private final AtomicInteger releasedUnreported = new AtomicInteger();

    private final AtomicLong lastReleaseReported = new AtomicLong(Long.MIN_VALUE / 2);
    /**
     * Read-lock markers dated ahead of this clock, and when this process first saw each: their age counts from then
     * (hostile-input audit: a marker dated 2030 held its file for good, without a word).
     */
    private final Map<Path, SeenAhead> markersFromTheFuture = Collections.synchronizedMap(new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Path, SeenAhead> eldest) {
            return size() > 10_000;
        }
    });

    /**
     * A file's marker dated ahead: its date, and when this process first saw a marker of that date. A marker of
     * another date is another take's, first seen now (file-coordination audit: kept by the file alone, a later take's
     * live marker was counted as old as the first one's, and removed; diff review: kept by file and date, each renewal
     * of a live one added an entry, and the cap then evicted a truly orphaned one's).
     */
    private record SeenAhead(long dated, long firstSeen) {}

    /**
     * @param waitingFiles told of each file whose marker a stop left, so one whose job was committed gets no second
     *     result
     * @param orphanedLockMs how old a read-lock marker must be to count as left by a dead instance
     */
    public InboxMarkers(WaitingFiles waitingFiles, long orphanedLockMs) {
        this(waitingFiles, orphanedLockMs, listed -> false);
    }

    /**
     * @param takenInHere whether one of this process's inbox routes is taking the listed file in right now: its
     *     marker is this process's own, however old ({@link #takenInBy})
     */
    public InboxMarkers(WaitingFiles waitingFiles, long orphanedLockMs, Predicate<String> takenInHere) {
        this.waitingFiles = waitingFiles;
        this.orphanedLockMs = orphanedLockMs;
        this.takenInHere = takenInHere;
    }

    /**
     * Whether this process is taking the listed file (its absolute path) in, so its marker is this process's own: the
     * bridge's read lock holds it ({@link InboxReadLock}), or, for an inbox route with Camel's own read lock (a route
     * file written before the bridge had one), a file consumer holds it in its in-progress repository (from the listing
     * that took it until its exchange completes; Camel's filter runs for such files too, before the in-progress check).
     */
    public static Predicate<String> takenInBy(CamelContext context, InboxReadLock readLock) {
        return listed -> readLock.holds(listed)
                || inProgressWithCamelsReadLock(context, readLock).anyMatch(files -> files.contains(listed));
    }

    /** The files this process is taking in, as {@link #takenInBy} tells them. */
    public static List<String> takenIn(CamelContext context, InboxReadLock readLock) {
        List<String> files = new ArrayList<>(readLock.held());
        inProgressWithCamelsReadLock(context, readLock)
                .filter(MemoryIdempotentRepository.class::isInstance)
                .forEach(inProgress -> files.addAll(takenIn((MemoryIdempotentRepository) inProgress)));
        return files;
    }

    /**
     * The in-progress repositories of the context's file consumers that do not use the bridge's read lock: the files
     * each is taking in. The bridge's read lock knows which markers it made; a listed file can wait in a consumer's
     * list with the marker of an instance that died while taking it, and that one is not this process's to date anew.
     */
    private static Stream<IdempotentRepository> inProgressWithCamelsReadLock(
            CamelContext context, InboxReadLock readLock) {
        return context.getEndpoints().stream()
                .filter(GenericFileEndpoint.class::isInstance)
                .map(endpoint -> (GenericFileEndpoint<?>) endpoint)
                .filter(endpoint -> endpoint.getExclusiveReadLockStrategy() != readLock)
                .map(GenericFileEndpoint::getInProgressRepository)
                .filter(Objects::nonNull);
    }

    /**
     * Dates anew the markers of the files this process's inbox routes are taking in ({@link #takenIn}), once they are
     * half {@code orphanedLockMs} old, so no other instance of a shared inbox counts them orphaned. Run on a timer of
     * its own: the listing that sees a marker may not come while intakes are slow, for the file consumer takes a file
     * in itself once the inbox workers and their queue are full (review: a burst of slow intakes had its files taken a
     * second time by another instance).
     */
    public void refreshOwn(List<String> takenIn) {
        long now = System.currentTimeMillis();
        reportReleasesNotYetNamed(now);
        takenIn.stream()
                .map(listed -> new File(listed + FileComponent.DEFAULT_LOCK_FILE_POSTFIX))
                .filter(marker -> {
                    long modified = marker.lastModified();
                    return modified > 0 && dueForRenewal(now - modified);
                })
                .forEach(marker -> marker.setLastModified(now));
    }

    /**
     * Names the releases since the last warning once a minute has passed, when no later release did (upgrade audit:
     * "so were N more" came only with a later release, which may never come).
     */
    private void reportReleasesNotYetNamed(long now) {
        long last = lastReleaseReported.get();
        if (releasedUnreported.get() > 0
                && now - last >= RELEASE_REPORT_MS
                && lastReleaseReported.compareAndSet(last, now)) {
            int since = releasedUnreported.getAndSet(0);
            if (since > 0) {
                LOG.warn(
                        "{} more inbox files had read-lock markers left by an instance that stopped while taking them"
                                + " in (bridge.inbox.orphaned-lock-ms): the markers were released and the files taken",
                        since);
            }
        }
    }

    /** The files a repository holds now (the consumer adds and removes them meanwhile, under the map's lock). */
    private static List<String> takenIn(MemoryIdempotentRepository files) {
        Map<String, Object> cache = files.getCache();
        synchronized (cache) {
            return new ArrayList<>(cache.keySet());
        }
    }

    /** A live take's marker is dated anew once it is half {@code orphanedLockMs} old: never counted orphaned. */
    private boolean dueForRenewal(long age) {
        return age > orphanedLockMs / 2;
    }

    /** How often {@link #refreshOwn} runs: four times per {@code orphanedLockMs}, at most once a second. */
    public long refreshEveryMs() {
        return Math.max(1_000, orphanedLockMs / 4);
    }

    /**
     * Releases the file's read-lock marker (into its left-behind note) when it is older than {@code orphanedLockMs}:
     * on a shared inbox, an instance that died while taking files in leaves their markers, and the other instances'
     * read lock skips a marked file;
     * Camel's own clean-up, which runs only when a route starts, is off (it cannot tell them from live ones). The read
     * lock then marks the file anew for whoever takes it. A file this process is still taking in (its store away, its
     * intake retried for minutes) keeps its marker, dated anew once it is half that old, so no instance counts it
     * orphaned (the marker had been removed under its own take, and another instance of a shared inbox could take
     * the file a second time).
     *
     * @param listed the file's absolute path as the listing gives it
     */
    void releaseIfOrphaned(Path file, String listed) {
        // java.io's File: 0 when there is no marker, the usual case, where java.nio would throw for each listed file
        File marker = new File(file + FileComponent.DEFAULT_LOCK_FILE_POSTFIX);
        long modified = marker.lastModified();
        long now = System.currentTimeMillis();
        long age = now - modified;
        if (modified > 0 && age < -InboxFileFilter.MAX_CLOCK_SKEW_MS) {
            SeenAhead seen = markersFromTheFuture.compute(
                    absolute(file),
                    (path, before) ->
                            before != null && before.dated() == modified ? before : new SeenAhead(modified, now));
            age = now - seen.firstSeen();
        }
        if (modified > 0 && dueForRenewal(age) && takenInHere.test(listed)) {
            // best effort: a marker whose date cannot be set is still this process's, and is left alone here
            marker.setLastModified(now);
            return;
        }
        if (modified > 0 && age > orphanedLockMs && takeOver(marker.toPath(), leftBehindNote(file), modified)) {
            markersFromTheFuture.remove(absolute(file));
            // a stop during a burst leaves a marker on every file of its listing: one warning a minute says so
            int since = releasedUnreported.incrementAndGet();
            long last = lastReleaseReported.get();
            if (now - last >= RELEASE_REPORT_MS && lastReleaseReported.compareAndSet(last, now)) {
                releasedUnreported.addAndGet(-since);
                LOG.warn(
                        "Inbox file {} had a read-lock marker {} s old, left by an instance that stopped while taking"
                                + " it in (bridge.inbox.orphaned-lock-ms), or dated by a host whose clock is behind"
                                + " this one's (keep the hosts' clocks in step): the marker is released and the file"
                                + " taken{}",
                        file.getFileName(),
                        age / 1000,
                        since > 1 ? "; so were " + (since - 1) + " more files since the last such line" : "");
            }
        }
    }

    /**
     * Turns an orphaned marker into the file's left-behind note ({@link #leftBehindNote}) by one rename: of the
     * instances of a shared inbox that judged it orphaned, one renames it and the others find it gone (a look at its
     * age and a delete let two instances both release it, the second removing the first's new marker, and both took
     * the file: file-coordination audit, 13 of 20,000). The note keeps the marker's date, when the cut-short take
     * began, for whichever instance takes the file next. A marker made meanwhile by a live take (another date than
     * the one judged) is put back.
     */
    static boolean takeOver(Path marker, Path note, long judgedDate) {
        // a name of this take's own first: moved straight onto the note, a marker another instance had made after
        // it judged would have replaced the note of the one that released the orphan (diff review)
        Path taken = InboxNotes.ownName(note, "taking");
        try {
            Files.move(marker, taken, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException gone) {
            return false;
        }
        boolean orphaned = false;
        try {
            orphaned = Files.getLastModifiedTime(taken).toMillis() == judgedDate;
            if (orphaned) {
                Files.move(taken, note, StandardCopyOption.ATOMIC_MOVE);
                return true;
            }
            // a hard link fails where a marker exists again, so no third take's marker is replaced
            Files.createLink(marker, taken);
        } catch (IOException | UnsupportedOperationException e) {
            LOG.debug("Cannot finish taking over the read-lock marker {}: {}", marker, e.toString());
        }
        InboxNotes.deleteQuietly(taken);
        // released even where its note could not be made: the file is taken
        return orphaned;
    }

    /**
     * The note beside an inbox file whose read-lock marker an instance that stopped while taking it in had left,
     * dated when that take began ({@code .NAME.json.leftBehind}): a file beside it, so every instance of a shared inbox
     * finds it, not only the one that released the marker (file-coordination audit: another instance took the file
     * and gave a second result, and the releasing one kept its note and swallowed a real re-drop later).
     */
    static Path leftBehindNote(Path file) {
        return InboxNotes.beside(file, "leftBehind");
    }

    /** When the cut-short take of the file began, if it has a left-behind note; the note is removed (once per take). */
    static Optional<Long> takeLeftBehindNote(Path file) {
        // java.io's File: 0 when there is no note, the usual case, with no exception per take
        File note = leftBehindNote(file).toFile();
        long markedAt = note.lastModified();
        return markedAt > 0 && note.delete() ? Optional.of(markedAt) : Optional.empty();
    }

    /**
     * Removes the read-lock markers in the inbox routes' folders, before they take any file: called at start-up when
     * the inbox is this instance's alone (the embedded store), so every marker there was left by its previous run,
     * stopped while taking those files in. Camel's own clean-up at a route's start is off
     * ({@code readLockDeleteOrphanLockFiles: false}: on a shared inbox it would remove other instances' live markers
     * too), and the files would wait
     * {@code bridge.inbox.orphaned-lock-ms} (lifecycle audit: a burst cut short by a SIGKILL waited 60 s, then logged a
     * warning per file). Each file is remembered as left behind, so one whose job was committed gets no second result.
     */
    public void removeLeftByAStop(CamelContext context) {
        int removed = 0;
        int stray = 0;
        for (Marker marker : markersIn(UnreadFolders.takenFrom(context))) {
            long markedAt = markedAt(marker.path());
            if (deleted(marker.path())) {
                // a marker whose file is gone was left by a stop after the file's move: no take to note, and noted, a
                // later drop of that name was taken for it (re-check audit)
                if (Files.exists(marker.file())) {
                    waitingFiles.leftBehindByAStop(marker.file(), markedAt);
                    removed++;
                } else {
                    stray++;
                }
            }
        }
        if (stray > 0) {
            LOG.info(STRAY_REMOVED, stray);
        }
        if (removed > 0) {
            LOG.warn(
                    "Removed {} read-lock markers (NAME.json.camelLock) from the inbox: the previous run stopped while"
                            + " taking those files in; they are taken now, and one whose job it had accepted gets no"
                            + " second result",
                    removed);
        }
    }

    /**
     * Removes from the {@code folders} the read-lock markers older than {@code bridge.inbox.orphaned-lock-ms} whose file
     * is gone: an instance stopped between a file's move and its marker's removal leaves one, which nothing else removes
     * on a shared inbox (the orphaned-marker check sees the markers of listed files only), and a later drop of that
     * name with the same body was taken for the take it had cut short, and got no result (re-check audit). A live take's
     * marker is younger: it is dated anew while the take lasts.
     */
    public int removeStray(CamelContext context) {
        return removeStray(UnreadFolders.takenFrom(context));
    }

    int removeStray(List<Path> folders) {
        long now = System.currentTimeMillis();
        int removed = 0;
        for (Marker marker : markersIn(folders)) {
            if (now - markedAt(marker.path()) > orphanedLockMs
                    && !Files.exists(marker.file())
                    && deleted(marker.path())) {
                removed++;
            }
        }
        if (removed > 0) {
            LOG.info(STRAY_REMOVED, removed);
        }
        return removed;
    }

    /** A read-lock marker and the file it marks. */
    private record Marker(Path path, Path file) {}

    /** The read-lock markers in the folders; a folder that cannot be listed is passed over. */
    private static List<Marker> markersIn(List<Path> folders) {
        String postfix = FileComponent.DEFAULT_LOCK_FILE_POSTFIX;
        List<Marker> found = new ArrayList<>();
        for (Path folder : folders) {
            try (DirectoryStream<Path> markers = Files.newDirectoryStream(folder, "*" + postfix)) {
                for (Path marker : markers) {
                    String name = marker.toString();
                    found.add(new Marker(marker, Path.of(name.substring(0, name.length() - postfix.length()))));
                }
            } catch (IOException | DirectoryIteratorException e) {
                LOG.debug("Cannot look for read-lock markers in {}: {}", folder, e.toString());
            }
        }
        return found;
    }

    /** True when this call removed the marker. */
    private static boolean deleted(Path marker) {
        try {
            return Files.deleteIfExists(marker);
        } catch (IOException e) {
            LOG.debug("Cannot remove the read-lock marker {}: {}", marker, e.toString());
            return false;
        }
    }

    /** When the marker was made; the earliest time when its date cannot be read (the file is then taken as the same drop). */
    private static long markedAt(Path marker) {
        try {
            return Files.getLastModifiedTime(marker).toMillis();
        } catch (IOException e) {
            return Long.MIN_VALUE;
        }
    }

    private static Path absolute(Path path) {
        return path.toAbsolutePath().normalize();
    }
}
