package io.profilebridge.job;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.sql.DataSource;

/**
 * Brings the job store's schema up to date from the versioned scripts in {@code db/migration}, recording each
 * applied version in {@code bridge_schema_version}. It replaces Flyway, which spent 0.7-0.8 s of a 3.6 s start-up
 * scanning the fat jar for two scripts (bench/startup.sh). Scripts are listed here rather than found by scanning;
 * a test checks the list against the folder. A store created by Flyway carries its applied versions over.
 * On PostgreSQL, instances starting together take turns (an advisory lock) and each script runs in a transaction.
 */
public final class SchemaMigrations {

    /** Every migration, in order; the number after V is the version. */
    public static final List<String> SCRIPTS = List.of("V1__job_store.sql", "V2__rate_buckets.sql",
            "V3__previous_attempts.sql", "V4__rejected_requests.sql", "V5__claims_by_live_instances.sql",
            "V6__trace_context.sql");

    private static final String FOLDER = "db/migration/";
    private static final Pattern VERSION = Pattern.compile("V(\\d+)__.+\\.sql");
    /** Any fixed number: the PostgreSQL advisory lock that serialises migrations between instances. */
    private static final long LOCK_ID = 0x70726f66696c65L;

    private SchemaMigrations() {
    }

    /** Applies the scripts the store has not seen yet; returns how many. */
    public static int migrate(DataSource dataSource, boolean postgres) throws SQLException {
        Map<String, String> placeholders = postgres ? Map.of("text", "TEXT", "binary", "BYTEA")
                : Map.of("text", "CHARACTER VARYING", "binary", "VARBINARY(65536)");
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                if (postgres) {
                    try (Statement lock = c.createStatement()) {
                        lock.execute("SELECT pg_advisory_xact_lock(" + LOCK_ID + ")");
                    }
                }
                int applied = 0;
                int current = currentVersion(c);
                for (String script : SCRIPTS) {
                    int version = versionOf(script);
                    if (version > current) {
                        execute(c, substitute(read(script), placeholders));
                        record(c, version, script);
                        applied++;
                    }
                }
                c.commit();
                return applied;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    static int versionOf(String script) {
        Matcher m = VERSION.matcher(script);
        if (!m.matches()) {
            throw new IllegalArgumentException("migration " + script + " is not named V<version>__<name>.sql");
        }
        return Integer.parseInt(m.group(1));
    }

    /** The highest applied version: from our table, or from Flyway's history in a store it created; 0 if new. */
    private static int currentVersion(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS bridge_schema_version (version INTEGER NOT NULL PRIMARY KEY, "
                    + "script VARCHAR(200) NOT NULL, applied_at BIGINT NOT NULL)");
        }
        int version = maxVersion(c, "SELECT MAX(version) FROM bridge_schema_version");
        if (version == 0 && tableExists(c, "flyway_schema_history")) {
            version = maxVersion(c, "SELECT MAX(CAST(\"version\" AS INTEGER)) FROM \"flyway_schema_history\" "
                    + "WHERE \"success\" = TRUE AND \"version\" IS NOT NULL");
            for (String script : SCRIPTS) {
                if (versionOf(script) <= version) {
                    record(c, versionOf(script), script);
                }
            }
        }
        return version;
    }

    private static boolean tableExists(Connection c, String name) throws SQLException {
        DatabaseMetaData meta = c.getMetaData();
        for (String candidate : List.of(name, name.toUpperCase())) {
            try (ResultSet rs = meta.getTables(null, null, candidate, null)) {
                if (rs.next()) {
                    return true;
                }
            }
        }
        return false;
    }

    private static int maxVersion(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getInt(1) : 0;
        }
    }

    private static void record(Connection c, int version, String script) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO bridge_schema_version (version, script, applied_at) VALUES (?, ?, ?)")) {
            ps.setInt(1, version);
            ps.setString(2, script);
            ps.setLong(3, System.currentTimeMillis());
            ps.executeUpdate();
        }
    }

    private static void execute(Connection c, String script) throws SQLException {
        try (Statement s = c.createStatement()) {
            for (String statement : statements(script)) {
                s.execute(statement);
            }
        }
    }

    /** The script's statements: comment lines dropped, split at each {@code ;} (no literal in our scripts holds one). */
    static List<String> statements(String script) {
        StringBuilder code = new StringBuilder();
        for (String line : script.split("\n")) {
            if (!line.strip().startsWith("--")) {
                code.append(line).append('\n');
            }
        }
        List<String> statements = new ArrayList<>();
        for (String statement : code.toString().split(";")) {
            if (!statement.isBlank()) {
                statements.add(statement.strip());
            }
        }
        return statements;
    }

    private static String substitute(String script, Map<String, String> placeholders) {
        String result = script;
        for (Map.Entry<String, String> p : placeholders.entrySet()) {
            result = result.replace("${" + p.getKey() + "}", p.getValue());
        }
        return result;
    }

    private static String read(String script) {
        try (InputStream in = SchemaMigrations.class.getClassLoader().getResourceAsStream(FOLDER + script)) {
            if (in == null) {
                throw new IllegalStateException("migration " + FOLDER + script + " is missing from the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read migration " + script, e);
        }
    }
}
