package io.profilebridge.job;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * The databases a job store can live in, and what each needs to make a committed write survive a power loss.
 * SQLite (an option for the embedded store) in WAL mode appends every commit to its log, which survives a crash of the process;
 * a commit under {@code synchronous = FULL} also fsyncs the log. H2 writes commits in the background, so a durable
 * group ends with {@code CHECKPOINT SYNC} (H2 is the embedded default). A PostgreSQL commit is durable by itself (fsync, synchronous_commit).
 */
public enum StoreEngine {
    SQLITE("jdbc:sqlite:", "org.sqlite.JDBC", "SQLite"),
    H2("jdbc:h2:", "org.h2.Driver", "H2"),
    POSTGRES("jdbc:postgresql:", "org.postgresql.Driver", "PostgreSQL");

    /** SQLSTATE of a unique-constraint violation, on H2 and PostgreSQL alike. */
    private static final String UNIQUE_VIOLATION = "23505";

    private final String urlPrefix;
    private final String driverClass;
    private final String productName;

    StoreEngine(String urlPrefix, String driverClass, String productName) {
        this.urlPrefix = urlPrefix;
        this.driverClass = driverClass;
        this.productName = productName;
    }

    /** The engine of a JDBC URL; anything not SQLite or H2 is taken for PostgreSQL, the one shared store. */
    public static StoreEngine of(String url) {
        for (StoreEngine engine : values()) {
            if (url.startsWith(engine.urlPrefix)) {
                return engine;
            }
        }
        return POSTGRES;
    }

    /** The engine behind an open connection. */
    public static StoreEngine of(Connection connection) throws SQLException {
        String product = connection.getMetaData().getDatabaseProductName();
        for (StoreEngine engine : values()) {
            if (engine.productName.equalsIgnoreCase(product)) {
                return engine;
            }
        }
        return POSTGRES;
    }

    public String driverClass() {
        return driverClass;
    }

    /** Several instances may share the store (their claims must say whose they are). */
    public boolean isShared() {
        return this == POSTGRES;
    }

    /** Before a group of writes is committed: SQLite syncs its log at commit only when told to. */
    void beforeCommit(Connection c, boolean durable) throws SQLException {
        if (this == SQLITE) {
            try (Statement s = c.createStatement()) {
                s.execute(durable ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL");
            }
        }
    }

    /** After a group of writes was committed: H2 writes its changes to the file and fsyncs it. */
    void afterCommit(Connection c, boolean durable) throws SQLException {
        if (this == H2 && durable) {
            try (Statement s = c.createStatement()) {
                s.execute("CHECKPOINT SYNC");
            }
        }
    }

    /** The write failed because the row's key (or its API and idempotency key) exists already. */
    static boolean isUniqueViolation(SQLException e) {
        if (e instanceof SQLiteException sqlite) {
            SQLiteErrorCode code = sqlite.getResultCode();
            return code == SQLiteErrorCode.SQLITE_CONSTRAINT_UNIQUE
                    || code == SQLiteErrorCode.SQLITE_CONSTRAINT_PRIMARYKEY;
        }
        return UNIQUE_VIOLATION.equals(e.getSQLState());
    }
}
