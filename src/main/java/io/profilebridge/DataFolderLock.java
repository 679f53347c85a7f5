package io.profilebridge;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Holds {@code <bridge.data>/.lock} while the bridge runs. The folder's embedded job store, broker journal and
 * default instance id belong to one process; a second one on the same folder stops at once with a line saying so,
 * before it opens anything there (H2 and Artemis would fail later, each in its own words, or wait for their locks).
 */
public final class DataFolderLock {

    private DataFolderLock() {}

    public static HeldFileLock acquire(Path folder) throws IOException {
        Path file = folder.resolve(".lock");
        HeldFileLock lock;
        try {
            DataFolder.prepare(folder);
            lock = HeldFileLock.tryTake(file)
                    .orElseThrow(() -> new StartupFailure("the data folder "
                            + folder.toAbsolutePath().normalize() + " is in use by another " + "process (it holds "
                            + file.getFileName() + "); give each instance its own bridge.data (BRIDGE_DATA)"));
        } catch (IOException e) {
            throw new StartupFailure(
                    "the data folder " + folder.toAbsolutePath().normalize() + " cannot be used ("
                            + StartupFailure.describe(e) + "): give the bridge's user write access to it, or name"
                            + " another in bridge.data (BRIDGE_DATA)",
                    e);
        }
        try {
            DataFolder.refuseUnwritable(folder);
        } catch (RuntimeException e) {
            lock.close();
            throw e;
        }
        return lock;
    }
}
