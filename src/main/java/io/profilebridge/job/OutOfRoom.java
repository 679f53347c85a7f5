package io.profilebridge.job;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Predicate;
import org.apache.camel.util.ObjectHelper;

/**
 * Tells whether a destination refused a result for want of room (a full or read-only disk, a quota): such a
 * destination refuses every result alike until it has room again, so a paid run's result is not given up for it
 * (resources audit: an outbox full for longer than the attempts left every result unwritten once it had room).
 */
final class OutOfRoom {

    /** Java names the cause only in the message, as the system does. */
    private static final List<String> SYSTEM_WORDS =
            List.of("No space left on device", "Disk quota exceeded", "Read-only file system");

    private OutOfRoom() {}

    static boolean of(Throwable cause) {
        return of(cause, OutOfRoom::storeRefuses);
    }

    /**
     * A folder the write needs and cannot make on a read-only or full disk reaches us only as "no such file" (camel-file
     * makes folders with {@code File.mkdirs()}, which says only false; audit: a read-only outbox without its
     * {@code orbit/} folder gave results up): then the disk the nearest existing folder lies on is asked.
     */
    static boolean of(Throwable cause, Predicate<Path> storeRefuses) {
        for (Throwable e : ObjectHelper.createExceptionIterable(cause)) {
            String message = e instanceof IOException ? e.getMessage() : null;
            if (message != null && SYSTEM_WORDS.stream().anyMatch(message::contains)) {
                return true;
            }
            if (e instanceof NoSuchFileException missing && missing.getFile() != null) {
                Path existing = nearestExisting(Path.of(missing.getFile()).toAbsolutePath());
                if (existing != null && storeRefuses.test(existing)) {
                    return true;
                }
            }
        }
        return false;
    }

    static Path nearestExisting(Path path) {
        Path at = path;
        while (at != null && !Files.exists(at)) {
            at = at.getParent();
        }
        return at;
    }

    private static boolean storeRefuses(Path existing) {
        try {
            FileStore store = Files.getFileStore(existing);
            return store.isReadOnly() || store.getUsableSpace() == 0;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
