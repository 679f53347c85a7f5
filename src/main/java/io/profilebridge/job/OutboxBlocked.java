package io.profilebridge.job;

import io.profilebridge.ErrorText;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.apache.camel.util.ObjectHelper;

/**
 * Tells whether the outbox refused a result for want of room (a full or read-only disk, a quota), of permission (a
 * folder this user may not write to) or of a working place (a folder made a file, a mount gone): such an outbox refuses
 * every result alike until an operator gives it room, rights or its folder back, so a paid run's result is not given up
 * for it (resources audit: an outbox full for longer than the attempts left every result unwritten once it had room;
 * contract audit: so did one whose folder was not writable meanwhile).
 */
public final class OutboxBlocked {

    /**
     * Java names the cause only in the message, as the system does. Besides room and rights: a folder of the outbox
     * replaced by a file, a network or FUSE mount gone stale or away, the process out of file handles (delivery audit:
     * an {@code orbit/} made a file gave every result up after the attempts, none written once the folder was back).
     */
    private static final List<String> SYSTEM_WORDS = List.of(
            "No space left on device",
            "Disk quota exceeded",
            "Read-only file system",
            "Permission denied",
            "Operation not permitted",
            "Not a directory",
            "Stale file handle",
            "Input/output error",
            "Transport endpoint is not connected",
            "No such device",
            "Too many open files");

    private OutboxBlocked() {}

    /** Why the outbox is blocked, if that is why it refused ({@link #why(Throwable, Function)}). */
    public static Optional<String> why(Throwable cause) {
        return why(cause, OutboxBlocked::storeRefusal);
    }

    /**
     * The refusal's text, with why the outbox is blocked when that is the cause and the text does not say it
     * (camel-file's "Cannot store file" names the file only): what the job's last error and the outbox health check
     * show.
     */
    public static String describe(Throwable cause) {
        return describe(cause, why(cause));
    }

    /** As {@link #describe(Throwable)}, with {@link #why(Throwable)} already asked. */
    public static String describe(Throwable cause, Optional<String> blocked) {
        String text = ErrorText.withRootCause(cause);
        return blocked.filter(reason -> !text.contains(reason))
                .map(reason -> text + " (" + reason + ")")
                .orElse(text);
    }

    /**
     * Why the outbox is blocked, if that is why it refused: the system's words, or what the nearest existing folder
     * and its disk say. A folder the write needs and cannot make on a read-only or full disk reaches us
     * only as "no such file" (camel-file makes folders with {@code File.mkdirs()}, which says only false; audit: a
     * read-only outbox without its {@code orbit/} folder gave results up).
     */
    static Optional<String> why(Throwable cause, Function<Path, Optional<String>> storeRefusal) {
        for (Throwable e : ObjectHelper.createExceptionIterable(cause)) {
            if (e instanceof OutboxFolderLink link) {
                // as its message says it, which the refusal's text holds already: named once (review)
                return Optional.of(link.getMessage());
            }
            if (e instanceof AccessDeniedException) {
                // java.nio's EACCES: its message is only the file's name (fsedges audit: a result folder made
                // read-only for the bridge's user gave a paid result up after the attempts)
                return Optional.of("Permission denied");
            }
            String message = e instanceof IOException ? e.getMessage() : null;
            if (message != null) {
                Optional<String> words =
                        SYSTEM_WORDS.stream().filter(message::contains).findFirst();
                if (words.isPresent()) {
                    return words;
                }
            }
            if (e instanceof NoSuchFileException missing && missing.getFile() != null) {
                Path file = Path.of(missing.getFile()).toAbsolutePath();
                Optional<String> dangling = danglingLink(file);
                if (dangling.isPresent()) {
                    return dangling;
                }
                Path existing = nearestExisting(file);
                if (existing != null) {
                    Optional<String> refusal = storeRefusal.apply(existing);
                    if (refusal.isPresent()) {
                        return refusal;
                    }
                }
            }
        }
        return Optional.empty();
    }

    /**
     * A folder on the way that is a symbolic link to nothing (an outbox linked to a mount that is gone): the folders
     * above it exist and may be writable, yet no result gets through until the link leads somewhere again (fsedges
     * audit: a dangling outbox link gave results up after the attempts).
     */
    private static Optional<String> danglingLink(Path path) {
        for (Path at = path; at != null; at = at.getParent()) {
            if (Files.isSymbolicLink(at) && !Files.exists(at)) {
                return Optional.of(at + " is a symbolic link to nothing");
            }
        }
        return Optional.empty();
    }

    static Path nearestExisting(Path path) {
        Path at = path;
        while (at != null && !Files.exists(at)) {
            at = at.getParent();
        }
        return at;
    }

    /** Why no folder can be made in {@code existing}: its disk is read-only or full, or this user may not write there. */
    private static Optional<String> storeRefusal(Path existing) {
        try {
            FileStore store = Files.getFileStore(existing);
            if (store.isReadOnly()) {
                return Optional.of("the disk under " + existing + " is read-only");
            }
            if (store.getUsableSpace() == 0) {
                return Optional.of("the disk under " + existing + " is full");
            }
            return Files.isWritable(existing)
                    ? Optional.empty()
                    : Optional.of(existing + " is not writable by this user");
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
