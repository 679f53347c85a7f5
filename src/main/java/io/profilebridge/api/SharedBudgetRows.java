package io.profilebridge.api;

import io.profilebridge.ErrorText;
import io.profilebridge.StoreClock;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;
import javax.sql.DataSource;

/**
 * The pause and the adaptive rate of each bucket of a key, in PostgreSQL (table {@code bridge_api_budget}), so
 * every instance on one store pauses together and spends one rate. Rows are named by a hash of bucket and key,
 * like the token buckets beside them; the key itself is never stored.
 * <p>
 * On a shared store a pause's end is kept on the store's clock ({@link StoreClock}) and read back as this process's
 * time, by what is left of it: instances whose own clocks differ still pause together (cluster audit: an instance 8 s
 * ahead called inside windows its peers' 429s had opened, and its own pauses held the others 8 s too long). The
 * embedded store, one process's own, keeps this process's times. The time of a rate's last change is kept the same way,
 * so an instance whose clock runs ahead does not raise a rate its peer cut a moment ago.
 */
final class SharedBudgetRows {

    /** The width of the {@code pause_cause} column. */
    private static final int MAX_CAUSE_CHARS = 500;

    /**
     * A pause's cause as the {@code pause_cause} column keeps it, on either store: within its width (room for the "..."
     * a shortened one ends with) and without U+0000, which PostgreSQL's text refuses (answers audit: a 402 whose details
     * held a NUL, or ran past the width, could not be shared, and its request failed instead of being held).
     */
    static String storableCause(String cause) {
        return cause == null
                ? null
                : ErrorText.shortened(cause, MAX_CAUSE_CHARS - 3).replace('\0', '\uFFFD');
    }

    /**
     * One bucket's shared state; times are epoch millis of this process's clock. {@code rateStamp} is the stored time
     * of the rate's last change, as the store keeps it: what a later change checks it still replaces.
     */
    record Row(long pausedUntil, String pauseCause, double rate, long rateChangedAt, long rateStamp) {}

    private final DataSource dataSource;
    /** True where pauses are kept on the store's clock (a shared store), false on a process's own store. */
    private final boolean storeClock;

    private SharedBudgetRows(DataSource dataSource, boolean storeClock) {
        this.dataSource = dataSource;
        this.storeClock = storeClock;
    }

    /** Rows every instance on a shared PostgreSQL store reads: pauses on the store's clock. */
    static SharedBudgetRows shared(DataSource dataSource) {
        return new SharedBudgetRows(dataSource, true);
    }

    /** Rows of a process's own embedded store: pauses on its own clock. */
    static SharedBudgetRows own(DataSource dataSource) {
        return new SharedBudgetRows(dataSource, false);
    }

    /**
     * The time now that a pause is kept and read against, in SQL: the shared store's own clock, or this process's
     * {@code now} on its own store. Every statement keeps and reads what is left of a pause relative to it, so on
     * the own store that is the pause's end as this process wrote it.
     */
    private String storeNow(long now) {
        return storeClock ? StoreClock.NOW_MS : Long.toString(now);
    }

    /** The row named {@code name} (a bucket, or a scope of one), created with the rate if no instance made it yet. */
    Row ensure(long id, String name, double rate, long now) {
        update(
                "cannot create the shared budget of " + name,
                "INSERT INTO bridge_api_budget (id, bucket, paused_until, rate, rate_changed_at) VALUES (?, ?, 0, ?, "
                        + storeNow(now) + ") ON CONFLICT (id) DO NOTHING",
                id,
                name,
                rate);
        return readAll(now).get(id);
    }

    /** Every row, its pause's end as this process's time ({@code now} is this process's time now). */
    Map<Long, Row> readAll(long now) {
        String sql = "SELECT id, paused_until - " + storeNow(now) + ", pause_cause, rate, " + storeNow(now)
                + " - rate_changed_at, rate_changed_at FROM bridge_api_budget";
        Map<Long, Row> rows = new HashMap<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql);
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                rows.put(
                        rs.getLong(1),
                        new Row(
                                now + rs.getLong(2),
                                rs.getString(3),
                                rs.getDouble(4),
                                now - rs.getLong(5),
                                rs.getLong(6)));
            }
            return rows;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the shared budgets", e);
        }
    }

    /** Until when the bucket is paused (this process's time), as another instance may just have decided. */
    long pausedUntil(long id, long now) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "SELECT paused_until - " + storeNow(now) + " FROM bridge_api_budget WHERE id = ?")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? now + rs.getLong(1) : 0;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read a shared pause", e);
        }
    }

    /**
     * Pauses the bucket until {@code until} (this process's time, {@code now} its time now); a longer pause already
     * set stays. 0 when no row took it.
     */
    int pause(long id, long until, String cause, long now) {
        return update(
                "cannot share a pause",
                "UPDATE bridge_api_budget SET paused_until = " + storeNow(now) + " + ?, pause_cause = ? WHERE id = ? "
                        + "AND paused_until < " + storeNow(now) + " + ?",
                until - now,
                storableCause(cause),
                id,
                until - now);
    }

    /**
     * Sets a new rate unless another instance changed it since the change stamped {@code seenStamp}; the new stamp
     * when this one did, empty when another was first. Rates adapt on the shared store only (PostgreSQL's
     * {@code RETURNING}).
     */
    OptionalLong changeRate(long id, long seenStamp, double rate, long now) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("UPDATE bridge_api_budget SET rate = ?, rate_changed_at = "
                        + storeNow(now) + " WHERE id = ? AND rate_changed_at = ? RETURNING rate_changed_at")) {
            ps.setDouble(1, rate);
            ps.setLong(2, id);
            ps.setLong(3, seenStamp);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? OptionalLong.of(rs.getLong(1)) : OptionalLong.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot share a rate change", e);
        }
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
