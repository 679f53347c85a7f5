package io.profilebridge;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file lock held shared by two holders of this process stays held until both let go, however often one of them
 * closes (mutation audit: a close that dropped the lock for every holder, or twice for one, was not caught).
 */
class HeldFileLockTest {

    @TempDir
    Path folder;

    @Test
    void aSharedLockIsHeldUntilItsLastHolderLetsGoOnce() throws Exception {
        Path file = folder.resolve(".profile-bridge.lock");
        HeldFileLock first = HeldFileLock.tryTakeShared(file).orElseThrow();
        HeldFileLock second = HeldFileLock.tryTakeShared(file).orElseThrow();
        assertThat(HeldFileLock.tryTake(file)).as("held shared").isEmpty();

        first.close();
        first.close();
        assertThat(HeldFileLock.tryTake(file))
                .as("the second holder still holds it")
                .isEmpty();

        second.close();
        Optional<HeldFileLock> alone = HeldFileLock.tryTake(file);
        assertThat(alone).as("free once both let go").isPresent();
        alone.get().close();
    }

    /**
     * An inbox removed under running bridges takes its lock file with it: the holders see it, and a take of the path
     * locks the new file, which the old holders' closing leaves held.
     */
    @Test
    void aLockWhoseFileWasRemovedIsSeenAsGoneAndTheNewFileIsLockedApart() throws Exception {
        Path file = folder.resolve(".profile-bridge.lock");
        HeldFileLock first = HeldFileLock.tryTakeShared(file).orElseThrow();
        HeldFileLock second = HeldFileLock.tryTakeShared(file).orElseThrow();
        assertThat(first.stillOnDisk()).isTrue();
        Files.delete(file);
        assertThat(first.stillOnDisk()).isFalse();
        assertThat(second.stillOnDisk()).isFalse();

        HeldFileLock again = HeldFileLock.tryTakeShared(file).orElseThrow();
        assertThat(again.stillOnDisk()).isTrue();
        first.close();
        second.close();
        assertThat(HeldFileLock.tryTake(file))
                .as("the new file's lock outlives the old holders")
                .isEmpty();
        again.close();
        Optional<HeldFileLock> alone = HeldFileLock.tryTake(file);
        assertThat(alone).isPresent();
        alone.get().close();
    }
}
