package io.profilebridge.job;

import java.nio.file.Path;

/**
 * The same job store tests on a SQLite file in WAL mode, the embedded option a {@code jdbc:sqlite:} URL in
 * {@code bridge.store.url} selects.
 */
class SqliteJobStoreTest extends JobStoreTest {

    @Override
    protected String newStoreUrl(Path folder) {
        return "jdbc:sqlite:" + folder.toAbsolutePath().resolve("jobstore.db");
    }
}
