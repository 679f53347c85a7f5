package io.profilebridge.job;

import java.nio.file.Path;

/**
 * The same job store tests on an H2 file: the sandbox's in-memory store is H2, a data folder holding the H2 store of
 * an earlier release keeps using it, and a {@code jdbc:h2:} URL in {@code bridge.store.url} still works.
 */
class H2JobStoreTest extends JobStoreTest {

    @Override
    protected String newStoreUrl(Path folder) {
        return "jdbc:h2:file:" + folder.toAbsolutePath().resolve("jobstore") + ";DB_CLOSE_ON_EXIT=FALSE";
    }
}
