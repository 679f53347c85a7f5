package io.profilebridge.api;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import javax.sql.DataSource;

/**
 * The pause and the adaptive rate of each bucket of a key, in PostgreSQL (table {@code bridge_api_budget}), so
 * every instance on one store pauses together and spends one rate. Rows are named by a hash of bucket and key,
 * like the token buckets beside them; the key itself is never stored.
 */
final class SharedBudgetRows {

    /** One bucket's shared state; times are epoch millis. */
    record Row(long pausedUntil, String pauseCause, double rate, long rateChangedAt) {}

    private final DataSource dataSource;

    SharedBudgetRows(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** The bucket's row, created with the configured rate if no instance made it yet. */
    Row ensure(long id, ApiBucket bucket, double rate, long now) {
        update(
                "cannot create the shared budget of " + bucket,
                "INSERT INTO bridge_api_budget (id, bucket, paused_until, "
                        + "rate, rate_changed_at) VALUES (?, ?, 0, ?, ?) ON CONFLICT (id) DO NOTHING",
                id,
                bucket.id(),
                rate,
                now);
        return readAll().get(id);
    }

    Map<Long, Row> readAll() {
        String sql = "SELECT id, paused_until, pause_cause, rate, rate_changed_at FROM bridge_api_budget";
        Map<Long, Row> rows = new HashMap<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql);
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                rows.put(rs.getLong(1), new Row(rs.getLong(2), rs.getString(3), rs.getDouble(4), rs.getLong(5)));
            }
            return rows;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the shared budgets", e);
        }
    }

    /** Until when the bucket is paused, as another instance may just have decided. */
    long pausedUntil(long id) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT paused_until FROM bridge_api_budget WHERE id = ?")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read a shared pause", e);
        }
    }

    /** Pauses the bucket until {@code until}; a longer pause already set stays. 0 when no row took it. */
    int pause(long id, long until, String cause) {
        return update(
                "cannot share a pause",
                "UPDATE bridge_api_budget SET paused_until = ?, pause_cause = ? " + "WHERE id = ? AND paused_until < ?",
                until,
                cause,
                id,
                until);
    }

    /** Sets a new rate unless another instance changed it since {@code seenChangedAt}; true when this one did. */
    boolean changeRate(long id, long seenChangedAt, double rate, long now) {
        return update(
                        "cannot share a rate change",
                        "UPDATE bridge_api_budget SET rate = ?, rate_changed_at = ? "
                                + "WHERE id = ? AND rate_changed_at = ?",
                        rate,
                        now,
                        id,
                        seenChangedAt)
                == 1;
    }

    private int update(String failure, String sql, Object... args) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(failure, e);
        }
    }
}
