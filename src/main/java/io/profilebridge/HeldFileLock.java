package io.profilebridge;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A lock on a file, exclusive or shared, held until closed (or until the process ends, however it ends: the operating
 * system releases it): what keeps a folder to one process ({@link DataFolderLock}, {@link InboxLock}).
 * <p>
 * The locks are the process's: closing any channel of a file drops every lock the process holds on it (POSIX), so a
 * file is opened once per process, and a second holder in the same process (tests run several bridges in one) shares
 * that channel's shared lock, or is refused one held exclusively, without opening the file again (diff review: the
 * channel of a refused or second holder, once closed, dropped the first one's lock). A lock whose file was removed
 * since locks nothing another process sees: a take of the path then locks the new file.
 */
public final class HeldFileLock implements AutoCloseable {

    private static final String NOT_A_FOLDER = "Not a directory";

    /** The files this process holds a lock on, by absolute path. */
    private static final Map<Path, Hold> HELD = new HashMap<>();

    private static final class Hold {
        final FileChannel channel;
        final boolean shared;
        /** The identity of the file locked (its inode), or null where the file system names none. */
        final Object fileKey;

        int holders = 1;

        Hold(FileChannel channel, boolean shared, Object fileKey) {
            this.channel = channel;
            this.shared = shared;
            this.fileKey = fileKey;
        }

        /** Whether the path still names the file locked: not removed, nor replaced by another. */
        boolean isOnDisk(Path file) {
            try {
                return Objects.equals(fileKey, fileKeyOf(file));
            } catch (NoSuchFileException removed) {
                return false;
            } catch (FileSystemException e) {
                // its folder replaced by a file ("Not a directory", which java.nio gives no class of its own)
                return !NOT_A_FOLDER.equals(e.getReason());
            } catch (IOException e) {
                return true; // the folder cannot be read just now: nothing says the file is gone
            }
        }
    }

    private final Path file;
    private final Hold hold;
    private boolean closed;

    private HeldFileLock(Path file, Hold hold) {
        this.file = file;
        this.hold = hold;
    }

    /** The lock of the file (made if missing), or empty when another process, or this one, holds it. */
    static Optional<HeldFileLock> tryTake(Path file) throws IOException {
        return tryTake(file, false);
    }

    /**
     * A shared lock of the file (made if missing), which other processes may hold too, or empty when one holds it
     * alone ({@link #tryTake(Path)}).
     */
    static Optional<HeldFileLock> tryTakeShared(Path file) throws IOException {
        return tryTake(file, true);
    }

    private static Optional<HeldFileLock> tryTake(Path file, boolean shared) throws IOException {
        // one key for one file, however it is named (a link to the folder, a trailing slash)
        Path key =
                Files.exists(file) ? file.toRealPath() : file.toAbsolutePath().normalize();
        synchronized (HELD) {
            Hold held = HELD.get(key);
            if (held != null && held.isOnDisk(key)) {
                if (!shared || !held.shared) {
                    return Optional.empty();
                }
                held.holders++;
                return Optional.of(new HeldFileLock(key, held));
            }
            // none, or one on a file removed since (its holders keep it until they close): the new file's lock
            FileChannel channel =
                    FileChannel.open(key, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock;
            Object fileKey;
            try {
                lock = channel.tryLock(0, Long.MAX_VALUE, shared);
                fileKey = fileKeyOf(key);
            } catch (OverlappingFileLockException heldInThisJvm) {
                lock = null;
                fileKey = null;
            } catch (IOException | RuntimeException e) {
                channel.close();
                throw e;
            }
            if (lock == null) {
                channel.close();
                return Optional.empty();
            }
            Hold hold = new Hold(channel, shared, fileKey);
            HELD.put(key, hold);
            return Optional.of(new HeldFileLock(key, hold));
        }
    }

    /** Whether the lock is on the file its path names now: false once that file was removed or replaced. */
    public boolean stillOnDisk() {
        return hold.isOnDisk(file);
    }

    private static Object fileKeyOf(Path file) throws IOException {
        return Files.readAttributes(file, BasicFileAttributes.class).fileKey();
    }

    @Override
    public void close() throws IOException {
        synchronized (HELD) {
            if (closed) {
                return;
            }
            closed = true;
            if (--hold.holders == 0) {
                HELD.remove(file, hold); // unless a take of a file made again since holds the path
                hold.channel.close(); // releases the lock
            }
        }
    }
}
