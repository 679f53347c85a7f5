package io.profilebridge;

import static org.assertj.core.api.Assertions.assertThat;

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
}
