package io.profilebridge.api;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.stream.Collectors;
import javax.sql.DataSource;

/**
 * The pauses of a process's own buckets, kept in its embedded store (table {@code bridge_api_budget}, one row per
 * bucket and key, read and paused as {@link SharedBudgetRows} does), so that a restart honours a {@code Retry-After}
 * window that is still running. Read once at start and written at each pause: the process is the store's only user,
 * where the shared rows are read before every call for the instances that share them. Only a row's first insert
 * differs: the embedded store has no {@code ON CONFLICT}.
 */
final class StoredPauses {

    /** What a 429 or 503 asked for: no call of the bucket before {@code until} (epoch millis). */
    record Pause(long until, String cause) {}

    private final DataSource dataSource;
    private final SharedBudgetRows rows;

    StoredPauses(DataSource dataSource) {
        this.dataSource = dataSource;
        this.rows = SharedBudgetRows.own(dataSource);
    }

    /** Every row's pause, by row id; one that ended long ago is there too. {@code now}: this process's time. */
    Map<Long, Pause> read(long now) {
        return rows.readAll(now).entrySet().stream()
                .collect(Collectors.toMap(
                        Map.Entry::getKey,
                        row -> new Pause(
                                row.getValue().pausedUntil(), row.getValue().pauseCause())));
    }

    /** Keeps the bucket's pause until {@code until}; a longer one stored already stays. {@code now}: as for read. */
    void pause(long id, ApiBucket bucket, Pause pause, double rate, long now) {
        String cause = SharedBudgetRows.storableCause(pause.cause());
        if (rows.pause(id, pause.until(), cause, now) == 0) {
            insert(id, bucket, pause, cause, rate);
        }
        writeToFile(bucket);
    }

    private void insert(long id, ApiBucket bucket, Pause pause, String cause, double rate) {
        // no row yet (or a longer pause in it): one process alone writes these rows, so no insert can race
        String insert = "INSERT INTO bridge_api_budget (id, bucket, paused_until, pause_cause, rate, rate_changed_at)"
                + " SELECT ?, ?, ?, ?, ?, 0 FROM (VALUES (0)) AS one (n)"
                + " WHERE NOT EXISTS (SELECT 1 FROM bridge_api_budget WHERE id = ?)";
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(insert)) {
            ps.setLong(1, id);
            ps.setString(2, bucket.id());
            ps.setLong(3, pause.until());
            ps.setString(4, cause);
            ps.setDouble(5, rate);
            ps.setLong(6, id);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot store the pause of " + bucket, e);
        }
    }

    /**
     * H2 writes its commits to the file in the background, up to a second later, while the job store's pool keeps the
     * database open: a bridge SIGKILLed a few hundred milliseconds after a 429 left no pause, and its next run called
     * inside the window (chaos benchmark). Pauses are rare (a 429 or 503), so each is flushed and synced at once.
     */
    private void writeToFile(ApiBucket bucket) {
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement()) {
            s.execute("CHECKPOINT SYNC");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot write the pause of " + bucket + " to the store's file", e);
        }
    }
}
