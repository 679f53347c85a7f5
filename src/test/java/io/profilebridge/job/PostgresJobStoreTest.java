package io.profilebridge.job;

import java.io.IOException;
import java.nio.file.Path;

import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The same job store tests on a real PostgreSQL (started from a jar), with the same schema migrations. */
class PostgresJobStoreTest extends JobStoreTest {

    private static EmbeddedPostgres postgres;
    private static int database;

    @BeforeAll
    static void startPostgres() throws IOException {
        postgres = EmbeddedPostgres.builder().start();
    }

    @AfterAll
    static void stopPostgres() throws IOException {
        postgres.close();
    }

    @Override
    protected HikariDataSource openDataSource(Path data) {
        // a fresh database per test, so each starts from an empty, freshly migrated store
        String name = "jobs_" + (++database);
        try (var connection = postgres.getPostgresDatabase().getConnection(); var statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
        return JobStoreDataSource.open(postgres.getJdbcUrl("postgres", name), "postgres", "postgres", 4);
    }
}
