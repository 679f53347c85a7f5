package io.profilebridge.intake;

import io.profilebridge.BridgeSettings;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.component.file.FileComponent;
import org.apache.camel.component.file.FileEndpoint;
import org.apache.camel.component.file.GenericFile;
import org.apache.camel.component.file.GenericFileFilter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which inbox files are taken at all (the inbox routes' {@code filter}): regular files whose names the bridge can
 * carry through its lock, result and temporary names. Anything else stays where it is and is named in one log
 * line, once per file (and a file waiting for a job another file started, {@link WaitingFiles}, is left alone
 * quietly): a symbolic link (never followed), a special file, a name longer than {@value #MAX_NAME_BYTES}
 * bytes, a name with a control character (a line break) or a backslash, a name the system's file-name encoding
 * cannot hold, and (until that time has passed) a file dated ahead of this machine's clock. A folder below the inbox
 * that is a symbolic link, or whose {@code .done}/{@code .failed} is one, gives none of its files: they would be read
 * from, or moved to, wherever the link points (hostile-input audit: an inbox writer swapped {@code openprospect} for a
 * link and had a file outside the inbox taken, moved and echoed in a result).
 */
public class InboxFileFilter implements GenericFileFilter<File> {

    private static final Logger LOG = LoggerFactory.getLogger(InboxFileFilter.class);

    /**
     * File systems allow 255 bytes; the bridge adds up to 43 (the read-lock marker {@code .camelLock}, a result's
     * job-id suffix and its temporary {@code .NAME.part} name).
     */
    public static final int MAX_NAME_BYTES = 200;

    /** How far ahead of this clock a file's date may be and still count as now (a file server's clock drifts). */
    static final long MAX_CLOCK_SKEW_MS = 2_000;

    /** Files already reported, so a refused file costs one log line, not one per poll. */
    private final Set<String> reported = Collections.newSetFromMap(new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > 10_000;
        }
    });

    /** How often, at most, the release of orphaned markers is named in a warning. */
    private static final long RELEASE_REPORT_MS = 60_000;

    private final WaitingFiles waitingFiles;
    private final long orphanedLockMs;
    /** Markers released since the last warning about them, and when that was. */
    private final AtomicInteger releasedUnreported = new AtomicInteger();

    private final AtomicLong lastReleaseReported = new AtomicLong(Long.MIN_VALUE / 2);
    private final Supplier<Set<Path>> readFolders;
    /** {@code bridge.inbox}, absolute: the one folder that may be a link (the operator's choice); null when unknown. */
    private final Path inboxRoot;
    /** How often, at most, a folder is looked at again for links: a listing asks for every file it holds. */
    private static final long FOLDER_CHECK_NANOS = 1_000_000_000L;

    /** A folder's verdict ({@link #folderRefusal}, null when it gives files), and when it was reached. */
    private record FolderVerdict(String refusal, long checkedAt) {}

    private final Map<Path, FolderVerdict> folderVerdicts = new ConcurrentHashMap<>();
    /**
     * Read-lock markers dated ahead of this clock, and when this process first saw each: their age counts from then
     * (hostile-input audit: a marker dated 2030 held its file for good, without a word).
     */
    private final Map<Path, Long> markersFromTheFuture = Collections.synchronizedMap(new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Path, Long> eldest) {
            return size() > 10_000;
        }
    });
    /** The folders read when last asked; asked again only for a folder not among them (a route added since). */
    private volatile Set<Path> knownRead = Set.of();

    /**
     * @param orphanedLockMs how old a read-lock marker must be to count as left by a dead instance
     * @param readFolders the folders some route reads, absolute; empty when not known
     * @param inboxRoot {@code bridge.inbox}; null when not known (no folder is then checked for links)
     */
    public InboxFileFilter(
            WaitingFiles waitingFiles, long orphanedLockMs, Supplier<Set<Path>> readFolders, Path inboxRoot) {
        this.waitingFiles = waitingFiles;
        this.orphanedLockMs = orphanedLockMs;
        this.readFolders = readFolders;
        this.inboxRoot = inboxRoot == null ? null : absolute(inboxRoot);
    }

    /** The folders of the context's file endpoints: those its inbox routes read (and the outbox, written). */
    public static Supplier<Set<Path>> fileFoldersOf(CamelContext context) {
        return () -> context.getEndpoints().stream()
                .filter(FileEndpoint.class::isInstance)
                .map(endpoint -> absolute(((FileEndpoint) endpoint).getFile().toPath()))
                .collect(Collectors.toSet());
    }

    /**
     * For route files written before the filter was a bean ({@code #class:...InboxFileFilter}): such an inbox takes a
     * file that waits for another file's job again at each poll instead of leaving it alone; it still gets its result.
     */
    public InboxFileFilter() {
        this(
                WaitingFiles.NONE,
                BridgeSettings.packagedDefaults().number("bridge.inbox.orphaned-lock-ms"),
                Set::of,
                null);
    }

    @Override
    public boolean accept(GenericFile<File> file) {
        // the name as listed: Camel's own (getFileNameOnly) has a backslash turned into a folder separator already
        String name = file.getFile().getName();
        Optional<Path> path = pathOf(file.getFile());
        if (file.isDirectory()) {
            // the inbox routes do not descend into folders (.done, .failed, the API folders); one that no route reads
            // would hold its files for ever without a word (a misspelt API folder)
            path.ifPresent(this::reportUnread);
            return true;
        }
        String folderRefusal =
                path.map(Path::getParent).map(this::folderVerdict).orElse(null);
        if (folderRefusal != null) {
            Path folder = path.get().getParent();
            if (firstReport(folder + "\n" + folderRefusal)) {
                LOG.warn("Inbox folder {} gives no file: {}", folder, folderRefusal);
            }
            return false;
        }
        String refusal = path.isEmpty() ? unencodable(name) : refusal(path.get(), name);
        if (refusal == null) {
            releaseOrphanedLock(path.get());
            // a file waiting for a job another file started (or after its result was refused) is left alone, and so
            // is one not yet seen unchanged for bridge.inbox.stable-ms
            String listed = file.getAbsoluteFilePath();
            return !waitingFiles.stillWaiting(listed, file.getLastModified(), file.getFileLength())
                    && waitingFiles.steady(listed, file.getLastModified(), file.getFileLength());
        }
        if (firstReport(file.getAbsoluteFilePath() + "\n" + refusal)) {
            LOG.warn("Inbox file {} is not taken and stays where it is: {}", name, refusal);
        }
        return false;
    }

    /**
     * Names, once each, the folders below an inbox folder that no route reads, including those made while the bridge
     * runs (route inbox-unread-folders, every {@code bridge.inbox.folder-check-ms}): the inbox routes never descend into
     * folders, and Camel shows folders to this filter only at start-up, when its read lock clears orphaned markers
     * (black-box audit: a misspelt folder made later was never named).
     */
    public void reportUnreadFolders(CamelContext context) {
        for (Path inbox : inboxFolders(context)) {
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(inbox)) {
                for (Path entry : entries) {
                    if (!entry.getFileName().toString().startsWith(".")
                            && Files.isDirectory(entry)) { // a link to a folder too: no route follows it
                        reportUnread(entry);
                    }
                }
            } catch (IOException | DirectoryIteratorException e) {
                // not there (yet): its route makes it
            }
        }
    }

    /** The folders the context's routes take files from. */
    private static List<Path> inboxFolders(CamelContext context) {
        return context.getRoutes().stream()
                .map(Route::getEndpoint)
                .filter(FileEndpoint.class::isInstance)
                .map(endpoint -> ((FileEndpoint) endpoint).getFile().toPath())
                .toList();
    }

    private void reportUnread(Path folder) {
        Path absolute = absolute(folder);
        if (knownRead.contains(absolute)) {
            return; // each poll lists the API folders: no walk over the context's endpoints for them
        }
        Set<Path> read = readFolders.get();
        knownRead = read;
        if (read.isEmpty() || read.contains(absolute)) {
            return;
        }
        if (firstReport(absolute + "\nunread folder")) {
            LOG.warn(
                    "Inbox folder {} is read by no route: files dropped there stay where they are (the inbox reads"
                            + " {}; a new folder is one templatedRoute, see routes/inbox-openprospect.camel.yaml)",
                    folder,
                    read.stream()
                            .filter(path -> path.startsWith(absolute.getParent()))
                            .sorted()
                            .toList());
        }
    }

    /** True the first time {@code what} (a path and why it is reported) is reported. */
    private boolean firstReport(String what) {
        synchronized (reported) {
            return reported.add(what);
        }
    }

    private static Path absolute(Path path) {
        return path.toAbsolutePath().normalize();
    }

    /** {@link #folderRefusal}, looked at again at most once a second per folder. */
    private String folderVerdict(Path folder) {
        long now = System.nanoTime();
        FolderVerdict verdict = folderVerdicts.get(folder);
        if (verdict == null || now - verdict.checkedAt() > FOLDER_CHECK_NANOS) {
            verdict = new FolderVerdict(folderRefusal(folder), now);
            folderVerdicts.put(folder, verdict);
        }
        return verdict.refusal();
    }

    /**
     * Why the files of this folder are not taken, or null: a folder below the inbox that is a symbolic link, or whose
     * {@code .done} or {@code .failed} (where the originals are moved) is one. The inbox itself may
     * be a link. Looked at once a second at most (a listing asks for each file it holds), so a link made while the
     * bridge runs stops its folder within a second; a link swapped in meanwhile, or between this check and the read or
     * the move, is not caught.
     */
    private String folderRefusal(Path folder) {
        if (inboxRoot == null) {
            return null;
        }
        if (!absolute(folder).equals(inboxRoot) && Files.isSymbolicLink(folder)) {
            return "it is a symbolic link; files are taken only from the inbox's own folders, never through a link"
                    + " (make it a folder)";
        }
        for (String kept : List.of(".done", ".failed")) {
            Path keptIn = folder.resolve(kept);
            // (a file in its place only fails the move, as a full disk does: the file is answered and left,
            // InboxFileErrors)
            if (Files.isSymbolicLink(keptIn)) {
                return "its " + kept + " is a symbolic link; the originals are moved there, never through a link (make"
                        + " it a folder)";
            }
        }
        return null;
    }

    /**
     * Removes the file's read-lock marker when it is older than {@code orphanedLockMs}: on a shared inbox, an instance
     * that died while taking files in leaves their markers, and the other instances' read lock skips a marked file;
     * Camel removes orphaned markers only when an inbox route starts, so the files would wait for a restart. The read
     * lock then marks the file anew for whoever takes it.
     */
    void releaseOrphanedLock(Path file) {
        // java.io's File: 0 when there is no marker, the usual case, where java.nio would throw for each listed file
        File marker = new File(file + FileComponent.DEFAULT_LOCK_FILE_POSTFIX);
        long modified = marker.lastModified();
        long now = System.currentTimeMillis();
        long age = now - modified;
        if (modified > 0 && age < -MAX_CLOCK_SKEW_MS) {
            age = now - markersFromTheFuture.computeIfAbsent(absolute(file), seen -> now);
        }
        if (modified > 0 && age > orphanedLockMs && marker.delete()) {
            markersFromTheFuture.remove(absolute(file));
            waitingFiles.leftBehindByAStop(file, modified);
            // a stop during a burst leaves a marker on every file of its listing: one warning a minute says so
            int since = releasedUnreported.incrementAndGet();
            long last = lastReleaseReported.get();
            if (now - last >= RELEASE_REPORT_MS && lastReleaseReported.compareAndSet(last, now)) {
                releasedUnreported.addAndGet(-since);
                LOG.warn(
                        "Inbox file {} had a read-lock marker {} s old, left by an instance that stopped while taking"
                                + " it in (bridge.inbox.orphaned-lock-ms): the marker is removed and the file taken{}",
                        file.getFileName(),
                        age / 1000,
                        since > 1 ? "; so were " + (since - 1) + " more files since the last such line" : "");
            }
        }
    }

    /**
     * Removes the read-lock markers in the inbox routes' folders, before they take any file: called at start-up when
     * the inbox is this instance's alone (the embedded store), so every marker there was left by its previous run,
     * stopped while taking those files in. Camel's own clean-up at a route's start passes over them (it keeps to the
     * route's {@code include}, which a marker's name does not match), and the files would wait
     * {@code bridge.inbox.orphaned-lock-ms} (lifecycle audit: a burst cut short by a SIGKILL waited 60 s, then logged a
     * warning per file). Each file is remembered as left behind, so one whose job was committed gets no second result.
     */
    public void removeMarkersLeftByAStop(CamelContext context) {
        int removed = 0;
        for (Path inbox : inboxFolders(context)) {
            try (DirectoryStream<Path> markers =
                    Files.newDirectoryStream(inbox, "*" + FileComponent.DEFAULT_LOCK_FILE_POSTFIX)) {
                for (Path marker : markers) {
                    String name = marker.toString();
                    Path file = Path.of(
                            name.substring(0, name.length() - FileComponent.DEFAULT_LOCK_FILE_POSTFIX.length()));
                    long markedAt = markedAt(marker);
                    if (Files.deleteIfExists(marker)) {
                        waitingFiles.leftBehindByAStop(file, markedAt);
                        removed++;
                    }
                }
            } catch (IOException | DirectoryIteratorException e) {
                LOG.debug("Cannot look for read-lock markers in {}: {}", inbox, e.toString());
            }
        }
        if (removed > 0) {
            LOG.warn(
                    "Removed {} read-lock markers (NAME.json.camelLock) from the inbox: the previous run stopped while"
                            + " taking those files in; they are taken now, and one whose job it had accepted gets no"
                            + " second result",
                    removed);
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

    /**
     * The file's path; empty when its name cannot be one: a name the system's file-name encoding cannot spell (a
     * non-ASCII name under LANG=C) is listed with replacement characters that no path may hold (hostile-input audit:
     * the InvalidPathException failed every poll of the folder, so one such file held up all the others).
     */
    private static Optional<Path> pathOf(File file) {
        try {
            return Optional.of(file.toPath());
        } catch (InvalidPathException e) {
            return Optional.empty();
        }
    }

    private static String unencodable(String name) {
        return "its name is not valid in this system's file-name encoding (sun.jnu.encoding="
                + System.getProperty("sun.jnu.encoding")
                + (StandardCharsets.UTF_8.name().equalsIgnoreCase(System.getProperty("sun.jnu.encoding"))
                        ? ""
                        : "; start the bridge with a UTF-8 locale, LANG=C.UTF-8 say")
                + "); rename it";
    }

    /** Why the file is not taken, or null when it is. */
    static String refusal(Path path, String name) {
        if (name.indexOf('\uFFFD') >= 0) {
            return unencodable(name);
        }
        if (name.codePoints().anyMatch(InboxFileFilter::isControl)) {
            return "its name has a control character (a line break, a tab); rename it";
        }
        if (name.indexOf('\\') >= 0) {
            return "its name has a backslash, which Camel's file component reads as a folder separator; rename it";
        }
        int bytes = name.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_NAME_BYTES) {
            return "its name has " + bytes + " bytes, at most " + MAX_NAME_BYTES + " are taken; rename it";
        }
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException gone) {
            return null;
        } catch (IOException e) {
            return "its attributes cannot be read: " + e.getMessage();
        }
        if (attributes.isSymbolicLink()) {
            return "it is a symbolic link; the inbox takes regular files only and never follows a link";
        }
        if (!attributes.isRegularFile()) {
            return "it is not a regular file; the inbox takes regular files only";
        }
        // the read lock would wait for it to be bridge.inbox.stable-ms old, holding up the whole folder's listing for
        // its timeout at every poll (third black-box audit: a file dated 10 minutes ahead held the others up to 27 s)
        if (attributes.lastModifiedTime().toMillis() - System.currentTimeMillis() > MAX_CLOCK_SKEW_MS) {
            return "it is dated ahead of this machine's clock (a skewed file server, or a copy that kept its date);"
                    + " it is taken once that time has passed";
        }
        return null;
    }

    private static boolean isControl(int codePoint) {
        int type = Character.getType(codePoint);
        return Character.isISOControl(codePoint)
                || type == Character.LINE_SEPARATOR
                || type == Character.PARAGRAPH_SEPARATOR;
    }
}
