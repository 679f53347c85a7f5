import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.UUID;

import com.zaxxer.hikari.HikariDataSource;
import io.profilebridge.job.JobStoreDataSource;

/**
 * Part of bench/pending.sh: fills a new job store with PENDING OpenProspect jobs that are due later (default 100,000,
 * polling a run, next read in an hour) and DUE jobs due now (default 10,000, RECEIVED: their next step is a submit),
 * as the bridge's own store would hold them; the bridge then starts on it.
 * Run: java -cp target/profile-bridge.jar bench/PendingScale.java DATA_FOLDER [PENDING] [DUE]
 */
public class PendingScale {
    public static void main(String[] args) throws Exception {
        Path data = Path.of(args[0]);
        int pending = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
        int due = args.length > 2 ? Integer.parseInt(args[2]) : 10_000;
        try (HikariDataSource dataSource = JobStoreDataSource.open(JobStoreDataSource.defaultUrl(data), "", "", 2)) {
            long now = System.currentTimeMillis();
            insert(dataSource, pending, now + 3_600_000, "POLLING");
            insert(dataSource, due, now, "RECEIVED");
            System.out.printf("store ready: %d pending later, %d due now%n", pending, due);
        }
    }

    private static void insert(HikariDataSource dataSource, int count, long nextAttemptAt, String state) throws Exception {
        String sql = "INSERT INTO bridge_job (id, api, idempotency_key, state, body_hash, attempts, polls, "
                + "key_generation, next_attempt_at, source, created_at, updated_at, version, remote_id, work_queue) "
                + "VALUES (?, 'openprospect', ?, ?, 'bench', 0, 0, 0, ?, ?, ?, ?, 0, ?, ?)";
        String bodies = "INSERT INTO bridge_job_request (job_id, request_body) VALUES (?, ?)";
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql);
                PreparedStatement body = c.prepareStatement(bodies)) {
            c.setAutoCommit(false);
            for (int i = 0; i < count; i++) {
                String id = UUID.randomUUID().toString();
                String key = UUID.randomUUID().toString();
                ps.setString(1, id);
                ps.setString(2, key);
                ps.setString(3, state);
                ps.setLong(4, nextAttemptAt);
                ps.setString(5, "{\"channel\":\"file\",\"file\":\"bench-" + key + ".json\"}");
                ps.setLong(6, System.currentTimeMillis());
                ps.setLong(7, System.currentTimeMillis());
                ps.setString(8, state.equals("POLLING") ? "remote-" + key : null);
                // the queue the bridge gives a job in that state (WorkQueue: creations and status reads apart)
                ps.setString(9, state.equals("POLLING") ? "openprospect" : "openprospect-starts");
                ps.addBatch();
                body.setString(1, id);
                body.setString(2, "{\"profile_name\":\"Bench " + i + "\",\"ideal_customer_profile\":\"x\",\"target_countries\":[\"DE\"]}");
                body.addBatch();
                if (i % 5_000 == 4_999) {
                    ps.executeBatch();
                    body.executeBatch();
                    c.commit();
                }
            }
            ps.executeBatch();
            body.executeBatch();
            c.commit();
        }
    }
}
