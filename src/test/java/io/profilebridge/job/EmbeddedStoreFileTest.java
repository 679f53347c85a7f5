package io.profilebridge.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import io.profilebridge.StartupFailure;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The default store in the data folder, as an operator's copies and restores leave it. Before: a store file cut to
 * 0 bytes (or to H2's 8 KB of headers) started as a new, empty store, and every pending job was lost (upgrade audit).
 */
class EmbeddedStoreFileTest {

    @TempDir
    Path data;

    @Test
    void aStoreThatWasEmptiedOrRemovedIsRefusedNamingTheFileAndTheWayOut() throws Exception {
        JobStoreDataSource.openInDataFolder(data, 2).close();
        Path file = data.resolve("jobstore.mv.db");
        Files.write(file, new byte[0], StandardOpenOption.TRUNCATE_EXISTING);
        assertThatThrownBy(() -> JobStoreDataSource.openInDataFolder(data, 2))
                .isInstanceOf(StartupFailure.class)
                .hasMessageContaining(file.toAbsolutePath().toString())
                .hasMessageContaining("is empty or missing")
                .hasMessageContaining("Restore it from a backup");
        Files.delete(file);
        assertThatThrownBy(() -> JobStoreDataSource.openInDataFolder(data, 2))
                .as("removed")
                .hasMessageContaining("is empty or missing");
    }

    @Test
    void aNewFolderGetsItsStoreAndAKeptOneOpensAgain() throws Exception {
        JobStoreDataSource.openInDataFolder(data, 2).close();
        try (HikariDataSource again = JobStoreDataSource.openInDataFolder(data, 2)) {
            assertThat(again.getConnection().isValid(1)).isTrue();
        }
        assertThat(data.resolve(JobStoreDataSource.CREATED)).exists();
    }

    @Test
    void aDamagedStoreNamesItsFileAndWhatToDo() throws Exception {
        JobStoreDataSource.openInDataFolder(data, 2).close();
        Path file = data.resolve("jobstore.mv.db");
        Files.write(file, new byte[4096], StandardOpenOption.TRUNCATE_EXISTING);
        assertThatThrownBy(() -> JobStoreDataSource.openInDataFolder(data, 2))
                .isInstanceOf(StartupFailure.class)
                .hasMessageContaining(file.toAbsolutePath().toString())
                .hasMessageContaining("If it is damaged, restore it from a backup");
    }
}
