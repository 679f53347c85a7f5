package io.profilebridge.job;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * JMS messages that asked for a job while it ran, other than the message it came from (an ESB's retry after its own
 * timeout, often to a new reply queue): each is answered with the job's result once the job is done
 * (delivery.LaterCallersRoute). A message cannot wait in its queue for that without using up its redeliveries, so it
 * is recorded here (V7__later_callers.sql) and acknowledged.
 */
public class JobCallers {

    /** A message waiting for a job's result; {@code callerId} names it within the job. */
    public record Caller(String jobId, String callerId, RequestSource source, int attempts) {}

    /** Completed by the limit; parameters: now, and the two final states. */
    static final String DUE_OF_DONE_JOBS = "SELECT c.job_id, c.caller_id, c.caller_source, c.attempts "
            + "FROM bridge_job_caller c WHERE c.due_at <= ? AND EXISTS (SELECT 1 FROM bridge_job j "
            + "WHERE j.id = c.job_id AND j.state IN (?, ?)) ORDER BY c.due_at LIMIT ";

    private final JobStore store;

    public JobCallers(JobStore store) {
        this.store = store;
    }

    /**
     * Records that the message waits for the job, on disk before the message is acknowledged; false when a message to
     * the same reply destination under the same correlation id waits already (the broker redelivered it, or the caller
     * retried once more to the same place): one result, still to come, answers them all, as for the job's own
     * destination (JMS audit: every retry to a second reply queue got a result of its own).
     */
    public boolean add(String jobId, RequestSource message) {
        try {
            return store.writes()
                    .run(
                            c -> update(
                                            c,
                                            "INSERT INTO bridge_job_caller (job_id, caller_id, caller_source, attempts, "
                                                    + "due_at) VALUES (?, ?, ?, 0, ?)",
                                            jobId,
                                            callerId(message),
                                            message.toJson().toString(),
                                            store.now())
                                    == 1,
                            true);
        } catch (SQLException e) {
            if (StoreEngine.isUniqueViolation(e)) {
                return false;
            }
            throw new JobStoreException("cannot record " + message.displayName() + " as waiting for job " + jobId, e);
        }
    }

    /**
     * The callers whose next attempt is due and whose job is done, oldest first, at most {@code limit}. The callers
     * lead: a join let H2 start from the jobs' state index and read every finished job once a second, for a table of
     * callers that is nearly always empty (5,000 finished jobs: 1.7-18 ms a sweep, against 0.06 ms).
     */
    public List<Caller> dueOfDoneJobs(int limit) {
        try (Connection c = store.dataSource().getConnection();
                PreparedStatement ps = c.prepareStatement(DUE_OF_DONE_JOBS + limit)) {
            ps.setLong(1, store.now());
            ps.setString(2, JobState.DELIVERED.name());
            ps.setString(3, JobState.FAILED.name());
            List<Caller> callers = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    callers.add(new Caller(
                            rs.getString(1), rs.getString(2), RequestSource.fromJson(rs.getString(3)), rs.getInt(4)));
                }
            }
            return callers;
        } catch (SQLException e) {
            throw new JobStoreException("cannot read the callers waiting for done jobs", e);
        }
    }

    /**
     * The caller got its result (or was given up). Not forced to disk: should the row come back after a power loss, the result is sent
     * again under the same duplicate id, which the broker drops.
     */
    public void remove(Caller caller) {
        write(
                caller,
                "DELETE FROM bridge_job_caller WHERE job_id = ? AND caller_id = ?",
                caller.jobId(),
                caller.callerId());
    }

    /** The caller {@link #add} recorded for {@code message}, taken back. */
    public void remove(String jobId, RequestSource message) {
        remove(new Caller(jobId, callerId(message), message, 0));
    }

    /** Its reply destination refused the result: try again at {@code dueAt}. */
    public void retryAt(Caller caller, long dueAt) {
        write(
                caller,
                "UPDATE bridge_job_caller SET attempts = attempts + 1, due_at = ? WHERE job_id = ? AND caller_id = ?",
                dueAt,
                caller.jobId(),
                caller.callerId());
    }

    private void write(Caller caller, String sql, Object... args) {
        try {
            store.writes().run(c -> update(c, sql, args), false);
        } catch (SQLException e) {
            throw new JobStoreException(
                    "cannot update the caller " + caller.source().displayName(), e);
        }
    }

    /**
     * Where the result goes and under which correlation id names the caller; both may be long and are another party's
     * data: the row is keyed by a UUID derived from them.
     */
    private static String callerId(RequestSource message) {
        return IdempotencyKeys.uuidOf("caller:" + message.replyTo() + "\u0000" + message.resultCorrelationId());
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
