package io.profilebridge;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Holds {@code <bridge.data>/.lock} while the bridge runs. The folder's embedded job store, broker journal and
 * default instance id belong to one process; a second one on the same folder stops at once with a line saying so,
 * before it opens anything there (H2 and Artemis would fail later, each in its own words, or wait for their locks).
 */
public final class DataFolderLock implements AutoCloseable {

    private final FileChannel channel;

    private DataFolderLock(FileChannel channel) {
        this.channel = channel;
    }

    public static DataFolderLock acquire(Path folder) throws IOException {
        Path file = folder.resolve(".lock");
        FileChannel channel;
        try {
            DataFolder.prepare(folder);
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new StartupFailure(
                    "the data folder " + folder.toAbsolutePath().normalize() + " cannot be used ("
                            + StartupFailure.describe(e) + "): give the bridge's user write access to it, or name"
                            + " another in bridge.data (BRIDGE_DATA)",
                    e);
        }
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException heldInThisJvm) {
            lock = null;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        if (lock == null) {
            channel.close();
            throw new StartupFailure("the data folder "
                    + folder.toAbsolutePath().normalize() + " is in use by another " + "process (it holds "
                    + file.getFileName() + "); give each instance its own bridge.data (BRIDGE_DATA)");
        }
        try {
            DataFolder.refuseUnwritable(folder);
        } catch (RuntimeException e) {
            channel.close();
            throw e;
        }
        return new DataFolderLock(channel);
    }

    @Override
    public void close() throws IOException {
        channel.close(); // releases the lock
    }
}
