package io.profilebridge.job;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.Optional;

/**
 * The databases a job store can live in, and what each needs to make a committed write survive a power loss.
 * H2 (the embedded default) writes commits in the background, so a durable group ends with {@code CHECKPOINT SYNC}.
 * A PostgreSQL commit is durable by itself (fsync, synchronous_commit).
 */
public enum StoreEngine {
    H2("jdbc:h2:", "org.h2.Driver"),
    POSTGRES("jdbc:postgresql:", "org.postgresql.Driver");

    /** SQLSTATE of a unique-constraint violation, on H2 and PostgreSQL alike. */
    private static final String UNIQUE_VIOLATION = "23505";

    private final String urlPrefix;
    private final String driverClass;

    StoreEngine(String urlPrefix, String driverClass) {
        this.urlPrefix = urlPrefix;
        this.driverClass = driverClass;
    }

    /** The engine of a JDBC URL; anything not H2 is taken for PostgreSQL, the one shared store. */
    public static StoreEngine of(String url) {
        return find(url).orElse(POSTGRES);
    }

    /** The engine whose URLs start like this one; empty for a URL of no engine the bridge has. */
    public static Optional<StoreEngine> find(String url) {
        return Arrays.stream(values())
                .filter(engine -> url.startsWith(engine.urlPrefix))
                .findFirst();
    }

    public String driverClass() {
        return driverClass;
    }

    /** Several instances may share the store (their claims must say whose they are). */
    public boolean isShared() {
        return this == POSTGRES;
    }

    /** After a group of writes was committed: H2 writes its changes to the file and fsyncs it. */
    void afterCommit(Connection c, boolean durable) throws SQLException {
        if (this == H2 && durable) {
            try (Statement s = c.createStatement()) {
                s.execute("CHECKPOINT SYNC");
            }
        }
    }

    /** A failed statement aborts the whole transaction (PostgreSQL); H2 undoes only the statement. */
    boolean abortsTransactionOnError() {
        return this == POSTGRES;
    }

    /** The write failed because the row's key (or its API and idempotency key) exists already. */
    static boolean isUniqueViolation(SQLException e) {
        return UNIQUE_VIOLATION.equals(e.getSQLState());
    }
}
