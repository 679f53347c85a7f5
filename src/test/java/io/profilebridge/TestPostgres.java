package io.profilebridge;

import com.zaxxer.hikari.HikariDataSource;
import io.profilebridge.job.JobStoreDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/** A real PostgreSQL for a test class (embedded, on loopback), and a fresh job store in it for each test. */
public final class TestPostgres implements AutoCloseable {

    private final EmbeddedPostgres postgres;
    private int databases;

    private TestPostgres(EmbeddedPostgres postgres) {
        this.postgres = postgres;
    }

    public static TestPostgres start() throws IOException {
        return new TestPostgres(EmbeddedPostgres.builder().start());
    }

    /** A new, empty database named {@code prefix_N}, opened (and migrated) as the bridge opens its store. */
    public HikariDataSource newStore(String prefix) throws SQLException {
        String name = prefix + "_" + (++databases);
        try (Connection c = postgres.getPostgresDatabase().getConnection();
                Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        }
        return JobStoreDataSource.open(postgres.getJdbcUrl("postgres", name), "postgres", "postgres", 4);
    }

    /** The JDBC URL of the server's {@code postgres} database, naming no user. */
    public String url() {
        return "jdbc:postgresql://localhost:" + postgres.getPort() + "/postgres";
    }

    @Override
    public void close() throws IOException {
        postgres.close();
    }
}
