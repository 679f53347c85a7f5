package io.profilebridge.job;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.camel.builder.RouteBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes the jobs that finished longer ago than {@code bridge.store.keep-finished-days}, so a store that runs for
 * years does not grow for ever. A job some JMS caller still waits for (a repeat of it whose result the later callers'
 * sweep sends, {@link JobCallers}) stays until that caller is answered or given up (retention audit: the sweep removed
 * such callers, acknowledged repeats that were then never answered). Off by default (0): the contract promises
 * a file dropped again its stored result with no remote call, and once its job is removed such a file is a new
 * request under the same key, which the API's own idempotency judges. Every instance of a shared store sweeps; a
 * row is removed once, whoever does it.
 */
public class FinishedJobsRetention extends RouteBuilder {

    private static final Logger LOG = LoggerFactory.getLogger(FinishedJobsRetention.class);
    /** Rows removed per transaction: no long lock, no large undo log; the sweep goes on until none is left. */
    static final int BATCH = 1000;

    private static final long DAY_MS = Duration.ofDays(1).toMillis();

    private final JobStore store;
    private final long keepDays;

    /** @param keepDays how long a finished job stays; 0 keeps every job */
    public FinishedJobsRetention(JobStore store, long keepDays) {
        this.store = store;
        this.keepDays = keepDays;
    }

    @Override
    public void configure() {
        if (keepDays <= 0) {
            return;
        }
        // hourly, and a minute after start-up: days are kept, so an hour late is nothing
        from("timer:remove-finished-jobs?delay=60000&period=3600000")
                .routeId("remove-finished-jobs")
                .process(exchange -> removeFinishedBefore(keptSince(store.now())));
    }

    /**
     * Jobs finished before this are removed. Days beyond what a long holds in ms keep every job: multiplied as they
     * were, such a count wrapped round (to 0 days, removing every finished job at once, or to a negative).
     */
    long keptSince(long now) {
        return keepDays >= Long.MAX_VALUE / DAY_MS ? Long.MIN_VALUE : now - keepDays * DAY_MS;
    }

    /** Removes the jobs finished before {@code before} (epoch ms); answers how many. */
    public int removeFinishedBefore(long before) {
        int removed = 0;
        Batch batch;
        do {
            batch = removeBatch(before);
            removed += batch.removed();
            // a full batch of ids means more may follow, whatever of it was removed
        } while (batch.selected() == BATCH);
        if (removed > 0) {
            LOG.info(
                    "Removed {} jobs finished more than {} days ago (bridge.store.keep-finished-days)",
                    removed,
                    keepDays);
        }
        return removed;
    }

    /** One batch: the jobs found finished long enough ago, and those of them removed (not made due meanwhile). */
    private record Batch(int selected, int removed) {}

    private Batch removeBatch(long before) {
        try (Connection c = store.dataSource().getConnection()) {
            c.setAutoCommit(false);
            try {
                List<String> ids = finishedBefore(c, before);
                // counted as deleted, not as selected: the log line said 2,010 where 2,005 went (growth audit)
                int removed = delete(c, "DELETE FROM bridge_job WHERE id = ? AND next_attempt_at IS NULL", ids);
                // the body goes with its job, and stays with one that became due again meanwhile
                delete(
                        c,
                        "DELETE FROM bridge_job_request r WHERE r.job_id = ? AND NOT EXISTS "
                                + "(SELECT 1 FROM bridge_job j WHERE j.id = r.job_id)",
                        ids);
                c.commit();
                return new Batch(ids.size(), removed);
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new JobStoreException("cannot remove the jobs finished before " + before, e);
        }
    }

    private static List<String> finishedBefore(Connection c, long before) throws SQLException {
        // the newest job stays, whatever its age: the data folder's note records its creation, and a store without
        // it would look like a short copy at the next start (StoreNote)
        try (PreparedStatement ps = c.prepareStatement("SELECT id FROM bridge_job WHERE state IN (?, ?) AND "
                + "next_attempt_at IS NULL AND finished_at < ? "
                + "AND created_at < (SELECT MAX(created_at) FROM bridge_job) "
                + "AND NOT EXISTS (SELECT 1 FROM bridge_job_caller c WHERE c.job_id = bridge_job.id) LIMIT " + BATCH)) {
            ps.setString(1, JobState.DELIVERED.name());
            ps.setString(2, JobState.FAILED.name());
            ps.setLong(3, before);
            List<String> ids = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getString(1));
                }
            }
            return ids;
        }
    }

    /** Rows deleted, where the driver counts them (a batch may answer SUCCESS_NO_INFO, counted as one). */
    private static int delete(Connection c, String sql, List<String> ids) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (String id : ids) {
                ps.setString(1, id);
                ps.addBatch();
            }
            int removed = 0;
            for (int rows : ps.executeBatch()) {
                removed += rows == Statement.SUCCESS_NO_INFO ? 1 : Math.max(rows, 0);
            }
            return removed;
        }
    }
}
