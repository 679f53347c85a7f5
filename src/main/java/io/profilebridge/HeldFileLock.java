package io.profilebridge;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * A lock on a file, exclusive or shared, held until closed (or until the process ends, however it ends: the operating system
 * releases it): what keeps a folder to one process ({@link DataFolderLock}, {@link InboxLock}).
 */
public final class HeldFileLock implements AutoCloseable {

    private final FileChannel channel;

    private HeldFileLock(FileChannel channel) {
        this.channel = channel;
    }

    /** The lock of the file (made if missing), or empty when another process, or this one, holds it. */
    static Optional<HeldFileLock> tryTake(Path file) throws IOException {
        return tryTake(file, false);
    }

    /**
     * A shared lock of the file (made if missing), which other processes may hold too, or empty when one holds it
     * alone ({@link #tryTake(Path)}). This process holding it already, in whatever way, counts as holding it shared:
     * only tests run several bridges in one process.
     */
    static Optional<HeldFileLock> tryTakeShared(Path file) throws IOException {
        return tryTake(file, true);
    }

    private static Optional<HeldFileLock> tryTake(Path file, boolean shared) throws IOException {
        FileChannel channel =
                FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock(0, Long.MAX_VALUE, shared);
        } catch (OverlappingFileLockException heldInThisJvm) {
            if (shared) {
                return Optional.of(new HeldFileLock(channel));
            }
            lock = null;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        if (lock == null) {
            channel.close();
            return Optional.empty();
        }
        return Optional.of(new HeldFileLock(channel));
    }

    @Override
    public void close() throws IOException {
        channel.close(); // releases the lock
    }
}
