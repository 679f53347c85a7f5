package io.profilebridge;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A lock on a file, exclusive or shared, held until closed (or until the process ends, however it ends: the operating
 * system releases it): what keeps a folder to one process ({@link DataFolderLock}, {@link InboxLock}).
 * <p>
 * The locks are the process's: closing any channel of a file drops every lock the process holds on it (POSIX), so a
 * file is opened once per process, and a second holder in the same process (tests run several bridges in one) shares
 * that channel's shared lock, or is refused one held exclusively, without opening the file again (diff review: the
 * channel of a refused or second holder, once closed, dropped the first one's lock).
 */
public final class HeldFileLock implements AutoCloseable {

    /** The files this process holds a lock on, by absolute path. */
    private static final Map<Path, Hold> HELD = new HashMap<>();

    private static final class Hold {
        final FileChannel channel;
        final boolean shared;
        int holders = 1;

        Hold(FileChannel channel, boolean shared) {
            this.channel = channel;
            this.shared = shared;
        }
    }

    private final Path file;
    private boolean closed;

    private HeldFileLock(Path file) {
        this.file = file;
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
            if (held != null) {
                if (!shared || !held.shared) {
                    return Optional.empty();
                }
                held.holders++;
                return Optional.of(new HeldFileLock(key));
            }
            FileChannel channel =
                    FileChannel.open(key, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock(0, Long.MAX_VALUE, shared);
            } catch (OverlappingFileLockException heldInThisJvm) {
                lock = null;
            } catch (IOException | RuntimeException e) {
                channel.close();
                throw e;
            }
            if (lock == null) {
                channel.close();
                return Optional.empty();
            }
            HELD.put(key, new Hold(channel, shared));
            return Optional.of(new HeldFileLock(key));
        }
    }

    @Override
    public void close() throws IOException {
        synchronized (HELD) {
            if (closed) {
                return;
            }
            closed = true;
            Hold held = HELD.get(file);
            if (held != null && --held.holders == 0) {
                HELD.remove(file);
                held.channel.close(); // releases the lock
            }
        }
    }
}
