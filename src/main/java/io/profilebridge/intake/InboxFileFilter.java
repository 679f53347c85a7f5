package io.profilebridge.intake;

import io.profilebridge.BridgeSettings;
import io.profilebridge.ErrorText;
import io.profilebridge.FolderMaker;
import io.profilebridge.ReportedOnce;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.camel.CamelContext;
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
 *
 * <p>Asked at every listing, it also tends what that listing finds: it renews or removes the lock markers of files
 * taken in ({@link InboxMarkers}), makes a missing {@code .done}/{@code .failed} again, and names folders no route
 * reads; Camel gives a file consumer no other hook run per listed file.
 */
public class InboxFileFilter implements GenericFileFilter<File> {

    private static final Logger LOG = LoggerFactory.getLogger(InboxFileFilter.class);

    /**
     * File systems allow 255 bytes; the bridge adds up to 43 (the read-lock marker {@code .camelLock}, a result's
     * job-id suffix and its temporary {@code .NAME.part} name).
     */
    public static final int MAX_NAME_BYTES = 200;

    /** The ending of the files the inbox routes take, in any case. */
    private static final String JSON = ".json";

    /** How far ahead of this clock a file's date may be and still count as now (a file server's clock drifts). */
    static final long MAX_CLOCK_SKEW_MS = 2_000;

    /** Files and folders already named, so a refused file costs one log line, not one per poll. */
    private final ReportedOnce reported = new ReportedOnce();

    private final WaitingFiles waitingFiles;
    private final InboxMarkers markers;
    private final UnreadFolders unreadFolders;
    /** {@code bridge.inbox}, absolute: the one folder that may be a link (the operator's choice); null when unknown. */
    private final Path inboxRoot;
    /** Where the inbox led when first looked at: a link may be the inbox, but not one swapped in later. */
    private volatile Path inboxAsFound;

    /** How long a folder's verdict is told after the listing that reached it ({@link #foldersGivingNoFile}). */
    private final long verdictToldNanos;
    /** Null: Camel's move makes a missing .done or .failed, with the process's umask alone. */
    private final FolderMaker keptFolders;
    /** How often, at most, a folder is looked at again for links: a listing asks for every file it holds. */
    private static final long FOLDER_CHECK_NANOS = 1_000_000_000L;

    /** A folder's verdict ({@link #folderRefusal}, null when it gives files), and when it was reached. */
    private record FolderVerdict(String refusal, long checkedAt) {}

    private final Map<Path, FolderVerdict> folderVerdicts = new ConcurrentHashMap<>();

    /**
     * @param markers the read-lock markers of the files it takes
     * @param unreadFolders told of each folder the listing shows, which the filter does not take files from
     * @param inboxRoot {@code bridge.inbox}; null when not known (no folder is then checked for links)
     */
    public InboxFileFilter(
            WaitingFiles waitingFiles, InboxMarkers markers, UnreadFolders unreadFolders, Path inboxRoot) {
        this(waitingFiles, markers, unreadFolders, inboxRoot, null, 0);
    }

    /**
     * @param keptFolders makes a folder's missing {@code .done} or {@code .failed} with {@code bridge.inbox.folder-mode}
     *     before a move needs it; null leaves that to Camel's move
     * @param pollMs {@code bridge.inbox.poll-ms}: a folder's verdict is told for three listings
     */
    public InboxFileFilter(
            WaitingFiles waitingFiles,
            InboxMarkers markers,
            UnreadFolders unreadFolders,
            Path inboxRoot,
            FolderMaker keptFolders,
            long pollMs) {
        this.keptFolders = keptFolders;
        // review: with a verdict told for 5 s only, listings 10 s apart made the inbox check flap
        this.verdictToldNanos = Math.max(5 * FOLDER_CHECK_NANOS, 3 * pollMs * 1_000_000L);
        this.waitingFiles = waitingFiles;
        this.markers = markers;
        this.unreadFolders = unreadFolders;
        this.inboxRoot = inboxRoot == null ? null : inboxRoot.toAbsolutePath().normalize();
    }

    /**
     * For route files written before the filter was a bean ({@code #class:...InboxFileFilter}): such an inbox takes a
     * file that waits for another file's job again at each poll instead of leaving it alone; it still gets its result.
     */
    public InboxFileFilter() {
        this(
                WaitingFiles.NONE,
                new InboxMarkers(
                        WaitingFiles.NONE, BridgeSettings.packagedDefaults().number("bridge.inbox.orphaned-lock-ms")),
                new UnreadFolders(Set::of),
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
            path.ifPresent(unreadFolders::reportIfUnread);
            return true;
        }
        if (!name.regionMatches(true, name.length() - JSON.length(), JSON, 0, JSON.length())) {
            // the inbox routes take .json files only (their include, which Camel asks after this filter): the looks
            // below stat each file at every listing, and 30,000 NAME.json.part files cost half a core while idle
            // (inbox-flood audit)
            return false;
        }
        String folderRefusal =
                path.map(Path::getParent).map(this::folderVerdict).orElse(null);
        if (folderRefusal != null) {
            Path folder = path.get().getParent();
            if (reported.first(folder + "\n" + folderRefusal)) {
                LOG.warn("Inbox folder {} gives no file: {}", folder, folderRefusal);
            }
            return false;
        }
        String refusal = path.isEmpty() ? unencodable(name) : refusal(path.get(), name);
        if (refusal == null) {
            String listed = file.getAbsoluteFilePath();
            markers.releaseIfOrphaned(path.get(), listed);
            // a file waiting for a job another file started (or after its result was refused) is left alone, and so
            // is one not yet seen unchanged for bridge.inbox.stable-ms
            return !waitingFiles.stillWaiting(listed, file.getLastModified(), file.getFileLength())
                    && waitingFiles.steady(listed, file.getLastModified(), file.getFileLength());
        }
        if (reported.first(file.getAbsoluteFilePath() + "\n" + refusal)) {
            // a tab went to the log as it was (placeholders audit); the layout escapes only line breaks
            LOG.warn("Inbox file {} is not taken and stays where it is: {}", ErrorText.oneLine(name), refusal);
        }
        return false;
    }

    /**
     * Kept for {@code routes/inbox-unread-folders.camel.yaml} files written before {@link UnreadFolders} was a bean of
     * its own (bean {@code unreadFolders}).
     */
    public void reportUnreadFolders(CamelContext context) {
        unreadFolders.report(context);
    }

    /**
     * The folders whose files are not taken, and why, as their last listing with a file found them (within the last
     * few seconds: a folder emptied since, or not listed, is no longer named). For the {@code inbox} readiness check
     * (hostile-files audit: a folder stalled by a linked {@code .done} said so in one log line, readiness UP).
     */
    public Map<Path, String> foldersGivingNoFile() {
        long now = System.nanoTime();
        Map<Path, String> refused = new TreeMap<>();
        folderVerdicts.forEach((folder, verdict) -> {
            if (verdict.refusal() != null && now - verdict.checkedAt() < verdictToldNanos) {
                refused.put(folder, verdict.refusal());
            }
        });
        return refused;
    }

    /** {@link #folderRefusal}, looked at again at most once a second per folder. */
    private String folderVerdict(Path folder) {
        long now = System.nanoTime();
        FolderVerdict verdict = folderVerdicts.get(folder);
        if (verdict == null || now - verdict.checkedAt() > FOLDER_CHECK_NANOS) {
            verdict = new FolderVerdict(folderRefusal(folder), now);
            folderVerdicts.put(folder, verdict);
            if (verdict.refusal() == null) {
                makeMissingKeptFolders(folder);
            }
        }
        return verdict.refusal();
    }

    /**
     * A {@code .done} or {@code .failed} removed while the bridge runs is made again with the inbox's folder mode;
     * Camel's move would make it with the umask's alone, 755 where the docs say 770 (hostile-files audit).
     */
    private void makeMissingKeptFolders(Path folder) {
        if (keptFolders == null) {
            return;
        }
        for (String kept : List.of(".done", ".failed")) {
            Path keptIn = folder.resolve(kept);
            if (!Files.exists(keptIn, LinkOption.NOFOLLOW_LINKS)) {
                keptFolders.make(keptIn);
            }
        }
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
        String moved = inboxMoved();
        if (moved != null) {
            return moved;
        }
        if (!folder.toAbsolutePath().normalize().equals(inboxRoot) && Files.isSymbolicLink(folder)) {
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
     * Why no file is taken when the inbox now leads elsewhere than when it was first looked at (a link put in its
     * place, or pointed elsewhere, while the bridge runs: hostile-files audit, files outside the configured folders were
     * read and moved); null while it leads where it did.
     */
    private String inboxMoved() {
        Path now;
        try {
            now = inboxRoot.toRealPath();
        } catch (IOException e) {
            return null; // gone: its route makes it again, and the next look finds it
        }
        Path found = inboxAsFound;
        if (found == null) {
            inboxAsFound = now;
            return null;
        }
        return found.equals(now)
                ? null
                : "the inbox " + inboxRoot + " now leads to " + now + ", not to " + found + " as when the bridge"
                        + " started; no file is taken through it (restart the bridge to take files from there)";
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
        if (name.codePoints().anyMatch(ErrorText::isControl)) {
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
            // the date and the way out named (time audit: a file dated a year ahead waited with neither)
            return "it is dated " + attributes.lastModifiedTime().toInstant() + ", ahead of this machine's clock (a"
                    + " skewed file server, or a copy that kept its date); it is taken once that time has passed, or"
                    + " at once when its date is set to now (touch)";
        }
        return null;
    }
}
