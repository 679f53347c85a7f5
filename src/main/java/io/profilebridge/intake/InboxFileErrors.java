package io.profilebridge.intake;

import io.profilebridge.ErrorText;
import io.profilebridge.job.RequestSource;
import java.io.File;
import java.io.FileNotFoundException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.file.GenericFile;
import org.apache.camel.spi.ExceptionHandler;
import org.apache.camel.support.LRUCacheFactory;
import org.apache.camel.util.ObjectHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What goes wrong with an inbox file outside its route: its read-lock marker cannot be made, or it cannot be moved to
 * {@code .done/} or {@code .failed/} once answered (the inbox routes' {@code exceptionHandler} and {@code
 * onCompletionExceptionHandler}, routes/inbox-folder.camel.yaml). Camel's own handler logs a stack trace per file and
 * poll, and a file it could not move is answered again at every poll (resources audit: a full inbox had 99 results
 * written about 100 times each, a removed result back within 3 s, and 68 MB of log in 2.5 minutes). Here each file's
 * trouble is one line, again at most once a minute, and an answered file that cannot be moved waits in {@link
 * WaitingFiles}: taken again only to be moved, never answered twice.
 */
public final class InboxFileErrors implements ExceptionHandler {

    private static final Logger LOG = LoggerFactory.getLogger(InboxFileErrors.class);

    /** A file's trouble is logged again after this long, if it lasts. */
    static final long REPEAT_MS = 60_000;

    private final WaitingFiles waitingFiles;
    /** When each file's (or message's) trouble was last logged; the most recent 10,000. */
    private final Map<String, Long> loggedAt = LRUCacheFactory.newLRUCache(10_000);
    /** Per common cause, the files whose line the last line of that cause stood for since. */
    private final Map<String, Integer> sameCause = new ConcurrentHashMap<>();

    /** How long after its last refused take a folder is told as giving no file: ten listings at the default poll. */
    static final long REFUSALS_TOLD_MS = 5_000;

    /** A folder's refused takes: the cause, since when, and the last one. */
    private record Refusals(String cause, long since, long last) {}

    private final Map<Path, Refusals> refusedTakes = new ConcurrentHashMap<>();

    public InboxFileErrors(WaitingFiles waitingFiles) {
        this.waitingFiles = waitingFiles;
    }

    /**
     * The folders whose files cannot be taken now (a take refused within {@link #REFUSALS_TOLD_MS}), and why: for the
     * {@code inbox} readiness check (disk-full audit: 100 files stood untaken on a full or read-only inbox for minutes,
     * readiness UP). A file that left meanwhile is no folder's trouble.
     */
    public Map<Path, String> foldersRefusingTakes() {
        long now = System.currentTimeMillis();
        refusedTakes.values().removeIf(refusals -> now - refusals.last() >= REFUSALS_TOLD_MS);
        Map<Path, String> refusing = new TreeMap<>();
        refusedTakes.forEach((folder, refusals) -> refusing.put(
                folder,
                "its files cannot be taken since " + Instant.ofEpochMilli(refusals.since()) + " (" + refusals.cause()
                        + "); they stay where they are"));
        return refusing;
    }

    private void refusedTake(Path folder, Throwable exception, long now) {
        if (folder == null || ObjectHelper.getException(NoSuchFileException.class, exception) != null) {
            return;
        }
        String cause = commonCause(exception);
        refusedTakes.merge(
                folder,
                new Refusals(cause, now, now),
                (before, refused) ->
                        now - before.last() < REFUSALS_TOLD_MS ? new Refusals(cause, before.since(), now) : refused);
    }

    @Override
    public void handleException(Throwable exception) {
        handleException(null, null, exception);
    }

    @Override
    public void handleException(String message, Throwable exception) {
        handleException(message, null, exception);
    }

    @Override
    public void handleException(String message, Exchange exchange, Throwable exception) {
        long now = System.currentTimeMillis();
        Message in = exchange == null ? null : exchange.getMessage();
        GenericFile<?> file = in == null ? null : RequestAcceptance.inboxFile(exchange);
        String verdict = in == null ? null : in.getHeader(RequestAcceptance.VERDICT, String.class);
        String cause = ErrorText.withRootCause(exception);
        if (file != null && verdict != null && exchange.getException() == null) {
            // answered (a job recorded, or a result written) and its commit failed: the move. Noted already by the
            // bridge's read lock, before the file's marker went: noted again here, after, it could name a file another
            // instance has taken meanwhile, or one dropped again (diff review). Here for route files with Camel's own
            // read lock
            String keptName = in.getHeader(RequestAcceptance.KEPT_NAME, String.class);
            String path = file.getAbsoluteFilePath();
            if (!new File(path).exists()) {
                // moved away meanwhile: by an instance of a shared inbox that took the file over while this one stood
                // still (its marker aged past bridge.inbox.orphaned-lock-ms), or by hand. Nothing is left to move, and
                // a note would stay for good (pause audit: 21 notes, each with a warning of a file that "stays")
                LOG.info(
                        "{} has its answer, and left the inbox before this instance's move to .{}/{}: nothing to move",
                        shown(in, file),
                        verdict,
                        keptName);
                return;
            }
            if (!InboxReadLock.noted(exchange)) {
                waitingFiles.moveFailed(path, file.getLastModified(), file.getFileLength(), verdict, keptName, now);
            }
            lineDue(path, exception, now)
                    .ifPresent(others -> LOG.warn(
                            "{} has its answer but cannot be moved to .{}/{} ({}): it stays in the inbox, is not"
                                    + " answered again, and is moved at a later poll{}",
                            shown(in, file),
                            verdict,
                            keptName,
                            cause,
                            others));
            return;
        }
        if (file != null) {
            refusedTake(Path.of(file.getAbsoluteFilePath()).getParent(), exception, now);
        }
        String key = file != null ? file.getAbsoluteFilePath() : String.valueOf(message);
        lineDue(key, exception, now)
                .ifPresent(others -> LOG.warn(
                        "{}: {}; it stays in the inbox and is tried again at a later poll{}",
                        file != null ? shown(in, file) + " cannot be taken" : message,
                        cause,
                        others));
    }

    /**
     * Whether a line is due for this file's trouble: once a minute per file, and once a minute per cause that is not the
     * file's own (no file handles left, no space), the next such line counting the files it stood for (lowres audit:
     * 172 lines in one second when the process ran out of file handles). Present: the count's words, or none.
     */
    Optional<String> lineDue(String fileKey, Throwable exception, long now) {
        if (!due(fileKey, now)) {
            return Optional.empty();
        }
        String causeKey = "cause\n" + commonCause(exception);
        if (!due(causeKey, now)) {
            sameCause.merge(causeKey, 1, Integer::sum);
            return Optional.empty();
        }
        Integer others = sameCause.remove(causeKey);
        return Optional.of(
                others == null ? "" : " (and " + others + " other inbox files the same way since the last such line)");
    }

    /**
     * The cause as every file would meet it: a file-system error's reason without its file (Too many open files, No
     * space left on device); an error without one is the file's own.
     */
    private static String commonCause(Throwable exception) {
        List<Throwable> chain = ErrorText.causes(exception);
        Throwable root = chain.get(chain.size() - 1);
        if (root instanceof FileSystemException fileSystem && fileSystem.getReason() != null) {
            return fileSystem.getReason();
        }
        // java.io's "<path> (Too many open files)"
        String message = String.valueOf(root.getMessage());
        int reason = message.lastIndexOf(" (");
        if (root instanceof FileNotFoundException && reason >= 0 && message.endsWith(")")) {
            return message.substring(reason + 2, message.length() - 1);
        }
        return root.getClass().getName() + ": " + root.getMessage();
    }

    /**
     * An inbox file the system cannot read now ({@link RequestReadLaterException}, routes/inbox-errors.camel.yaml): it
     * stays in the inbox and is read again at a later poll; one line per file, again at most once a minute.
     */
    public void readLater(Exchange exchange) {
        GenericFile<?> file = RequestAcceptance.inboxFile(exchange);
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        // a key of its own: a read-later line must not hide the file's other trouble (its move) for a minute (review)
        String key = "read later\n" + (file != null ? file.getAbsoluteFilePath() : exchange.getExchangeId());
        if (cause != null && due(key, System.currentTimeMillis())) {
            LOG.warn("{}: {}", file != null ? shown(exchange.getMessage(), file) : "an inbox file", cause.getMessage());
        }
    }

    private boolean due(String key, long now) {
        Long last = loggedAt.get(key);
        if (last != null && now - last < REPEAT_MS) {
            return false;
        }
        loggedAt.put(key, now);
        return true;
    }

    /** The file as the log names inbox files: its folder below the inbox and its name. */
    private static String shown(Message in, GenericFile<?> file) {
        return RequestSource.file(in.getHeader(RequestAcceptance.INBOX_FOLDER, String.class), file.getFileNameOnly())
                .displayName();
    }
}
