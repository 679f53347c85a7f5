package io.profilebridge.job;

import java.nio.file.Path;

import com.zaxxer.hikari.HikariDataSource;

/**
 * The same job store tests on an H2 file: the sandbox's in-memory store is H2, and a data folder holding the H2
 * store of an earlier release keeps using it.
 */
class H2JobStoreTest extends JobStoreTest {

    @Override
    protected HikariDataSource openDataSource(Path data) {
        return JobStoreDataSource.open("jdbc:h2:file:" + data.toAbsolutePath().resolve("jobstore")
                + ";DB_CLOSE_ON_EXIT=FALSE", "", "", 4);
    }
}
