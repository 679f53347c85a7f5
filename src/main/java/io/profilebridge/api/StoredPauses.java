package io.profilebridge.api;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import javax.sql.DataSource;

/**
 * The pauses of a process's own buckets, kept in its embedded store (table {@code bridge_api_budget}, one row per
 * bucket and key, named as {@link SharedBudgetRows} names them), so that a restart honours a {@code Retry-After}
 * window that is still running. Read once at start and written at each pause: the process is the store's only user,
 * where {@link SharedBudgetRows} reads the rows before every call for the instances it shares them with.
 */
final class StoredPauses {

    /** What a 429 or 503 asked for: no call of the bucket before {@code until} (epoch millis). */
    record Pause(long until, String cause) {}

    /** The column's width. */
    private static final int MAX_CAUSE_CHARS = 500;

    private final DataSource dataSource;

    StoredPauses(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Every row's pause, by row id; one that ended long ago is there too. */
    Map<Long, Pause> read() {
        Map<Long, Pause> pauses = new HashMap<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps =
                        c.prepareStatement("SELECT id, paused_until, pause_cause FROM bridge_api_budget");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                pauses.put(rs.getLong(1), new Pause(rs.getLong(2), rs.getString(3)));
            }
            return pauses;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the stored pauses", e);
        }
    }

    /** Keeps the bucket's pause until {@code until}; a longer one stored already stays. */
    void pause(long id, ApiBucket bucket, Pause pause, double rate) {
        String cause = pause.cause() == null || pause.cause().length() <= MAX_CAUSE_CHARS
                ? pause.cause()
                : pause.cause().substring(0, MAX_CAUSE_CHARS);
        try (Connection c = dataSource.getConnection()) {
            if (update(
                            c,
                            "UPDATE bridge_api_budget SET paused_until = ?, pause_cause = ? WHERE id = ?"
                                    + " AND paused_until < ?",
                            pause.until(),
                            cause,
                            id,
                            pause.until())
                    == 0) {
                // no row yet (or a longer pause in it): one process alone writes these rows, so no insert can race
                update(
                        c,
                        "INSERT INTO bridge_api_budget (id, bucket, paused_until, pause_cause, rate, rate_changed_at)"
                                + " SELECT ?, ?, ?, ?, ?, ? FROM (VALUES (0)) AS one (n)"
                                + " WHERE NOT EXISTS (SELECT 1 FROM bridge_api_budget WHERE id = ?)",
                        id,
                        bucket.id(),
                        pause.until(),
                        cause,
                        rate,
                        0L,
                        id);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot store the pause of " + bucket, e);
        }
    }

    private static int update(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            return ps.executeUpdate();
        }
    }
}
