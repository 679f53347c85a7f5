package io.profilebridge.intake;

import java.io.File;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.file.GenericFile;
import org.apache.camel.component.file.GenericFileOperations;
import org.apache.camel.component.file.strategy.FileChangedExclusiveReadLockStrategy;

/**
 * The inbox routes' read lock ({@code exclusiveReadLockStrategy}, routes/inbox-folder.camel.yaml): Camel's
 * {@code readLock=changed} with its marker file ({@code NAME.json.camelLock}), which also knows which markers this
 * process made, and notes an answered file that could not be moved before its marker goes.
 *
 * <ul>
 *   <li>Only this process's own markers are dated anew ({@link InboxMarkers#refreshOwn}): a file waiting in this
 *       process's listing could carry the marker of an instance that died while taking it, and dating that one anew
 *       held the file up to one orphan period longer (upgrade audit: 106 s where 60 s were set).
 *   <li>Camel releases the marker when the commit ends, before its exception handler hears that the move failed:
 *       another instance of a shared inbox could take the answered file in between and answer it again. The note
 *       ({@link WaitingFiles#moveFailed}) is written here, while the marker still holds the file.
 * </ul>
 *
 * One instance serves every inbox route: its state is the exchange's, and the set of markers it holds.
 */
public final class InboxReadLock extends FileChangedExclusiveReadLockStrategy {

    /** As routes/inbox-folder.camel.yaml had it: how often a file's date and size are looked at while waiting. */
    private static final long CHECK_INTERVAL_MS = 250;
    /** Camel's file endpoint's own default {@code readLockTimeout}. */
    private static final long TIMEOUT_MS = 10_000;

    /** Exchange property: this read lock noted the answered file as not moved. */
    private static final String NOTED = "bridgeUnmovedNoted";

    private final WaitingFiles waitingFiles;
    /** The files (absolute paths, as listed) whose markers this process made and holds. */
    private final Set<String> held = ConcurrentHashMap.newKeySet();

    /** @param stableMs how long a file must be unchanged by its date before it is taken ({@code readLockMinAge}) */
    public InboxReadLock(WaitingFiles waitingFiles, long stableMs) {
        this.waitingFiles = waitingFiles;
        setMinAge(stableMs);
        setMinLength(0);
        setCheckInterval(CHECK_INTERVAL_MS);
        setTimeout(TIMEOUT_MS);
        // markers left by a stop are the bridge's to remove (bridge.inbox.orphaned-lock-ms, InboxMarkers): Camel's
        // clean-up at a route's start would remove the live markers of the other instances of a shared inbox too
        setDeleteOrphanLockFiles(false);
    }

    @Override
    public boolean acquireExclusiveReadLock(
            GenericFileOperations<File> operations, GenericFile<File> file, Exchange exchange) throws Exception {
        // held from before the marker's making: the wait for a steady file that follows it may take seconds, and the
        // marker must be dated anew meanwhile. Camel releases a take that fails or gives up (on abort), which lets go
        // here too; a marker not made (another instance's) is left alone by that release
        held.add(listed(file));
        return super.acquireExclusiveReadLock(operations, file, exchange);
    }

    @Override
    public void releaseExclusiveReadLockOnCommit(
            GenericFileOperations<File> operations, GenericFile<File> file, Exchange exchange) throws Exception {
        try {
            // looked at once: still in its place after the commit, its move failed
            boolean inPlace = new File(file.getAbsoluteFilePath()).exists();
            noteIfAnsweredButNotMoved(file, exchange, inPlace);
            forgetNoteOnceMoved(file, exchange, inPlace);
        } finally {
            // a note that could not be written leaves the file to the exception handler, not its marker in place
            super.releaseExclusiveReadLockOnCommit(operations, file, exchange);
        }
    }

    @Override
    protected void doReleaseExclusiveReadLock(GenericFile<File> file, Exchange exchange) throws Exception {
        try {
            super.doReleaseExclusiveReadLock(file, exchange);
        } finally {
            held.remove(listed(file));
        }
    }

    /** Whether this process made the marker of the listed file (its absolute path) and holds it. */
    public boolean holds(String listed) {
        return held.contains(listed);
    }

    /** The files whose markers this process holds now. */
    List<String> held() {
        return List.copyOf(held);
    }

    /**
     * A commit that ends with the answered file still in its place, and nothing where it was to go: the move failed
     * (Camel's rename throws, and the marker is released on the way out). Noted now, so the file is only moved at a
     * later take, by any instance; a file dropped again under its name after a move that worked is not (diff review:
     * it would have been moved without an answer). The exchange says so to the exception handler that hears of the
     * failed move next ({@link InboxFileErrors}), after the marker went.
     */
    private void noteIfAnsweredButNotMoved(GenericFile<File> file, Exchange exchange, boolean inPlace) {
        Message in = exchange.getMessage();
        String verdict = in.getHeader(RequestAcceptance.VERDICT, String.class);
        String keptName = in.getHeader(RequestAcceptance.KEPT_NAME, String.class);
        if (verdict == null
                || keptName == null
                || exchange.getException() != null
                || !inPlace
                || new File(
                                new File(file.getAbsoluteFilePath()).getParentFile(),
                                "." + verdict + File.separator + keptName)
                        .exists()) {
            return;
        }
        waitingFiles.moveFailed(
                file.getAbsoluteFilePath(),
                file.getLastModified(),
                file.getFileLength(),
                verdict,
                keptName,
                System.currentTimeMillis());
        exchange.setProperty(NOTED, true);
    }

    /** A file taken again only to be moved, and moved now: its note goes (it stayed in case this take was cut short). */
    private void forgetNoteOnceMoved(GenericFile<File> file, Exchange exchange, boolean inPlace) {
        if (exchange.getProperty(RequestAcceptance.MOVE_ONLY, false, Boolean.class) && !inPlace) {
            waitingFiles.moved(Path.of(file.getAbsoluteFilePath()));
        }
    }

    /** Whether this read lock noted the exchange's answered file as not moved. */
    static boolean noted(Exchange exchange) {
        return exchange.getProperty(NOTED, false, Boolean.class);
    }

    /** The file as listed, also once a preMove renamed it. */
    private static String listed(GenericFile<File> file) {
        return file.getCopyFromAbsoluteFilePath() != null
                ? file.getCopyFromAbsoluteFilePath()
                : file.getAbsoluteFilePath();
    }
}
