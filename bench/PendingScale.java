import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import com.zaxxer.hikari.HikariDataSource;
import io.profilebridge.job.InstanceLiveness;
import io.profilebridge.job.Job;
import io.profilebridge.job.JobStore;
import io.profilebridge.job.JobStoreDataSource;
import io.profilebridge.job.WorkQueue;

/**
 * Part of bench/pending.sh: fills a job store with PENDING jobs that are due later (default 100,000) plus DUE jobs
 * due now (default 1,000, RECEIVED: their next step is a submit), then times the poll tick's claim query with
 * nothing due, and the claims of the due ones, 16 at a time (one per free worker) with the 16 before them still in
 * hand. Run: java -cp target/profile-bridge.jar bench/PendingScale.java DATA_FOLDER [PENDING] [DUE]
 */
public class PendingScale {
    public static void main(String[] args) throws Exception {
        Path data = Path.of(args[0]);
        int pending = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
        int due = args.length > 2 ? Integer.parseInt(args[2]) : 1_000;
        try (HikariDataSource dataSource = JobStoreDataSource.open(JobStoreDataSource.defaultUrl(data), "", "", 2)) {
            long now = System.currentTimeMillis();
            insert(dataSource, pending, now + 3_600_000, "POLLING");
            JobStore store = new JobStore(dataSource, false, InstanceLiveness.single("bench"), Clock.systemUTC());
            long[] ticks = new long[200];
            for (int i = 0; i < ticks.length; i++) {
                long start = System.nanoTime();
                for (WorkQueue queue : WorkQueue.values()) {
                    if (!store.claimDue(queue, 16, wanted -> wanted, id -> false, 0).isEmpty()) {
                        throw new IllegalStateException("nothing should be due");
                    }
                }
                ticks[i] = System.nanoTime() - start;
            }
            Arrays.sort(ticks);
            System.out.printf("idle poll tick (a claim query per work queue, %d pending, none due): median %.2f ms, p95 %.2f ms%n",
                    pending, ticks[ticks.length / 2] / 1e6, ticks[(int) (ticks.length * 0.95)] / 1e6);
            insert(dataSource, due, now, "RECEIVED");
            // claims of the due jobs as the bridge takes them: one per free worker, the previous ones still in hand;
            // an embedded-store claim writes nothing, so the bridge finds the same jobs due when it starts
            Set<String> inHand = new HashSet<>();
            long[] claims = new long[50];
            for (int i = 0; i < claims.length; i++) {
                long start = System.nanoTime();
                List<Job> claimed = store.claimDue(WorkQueue.OPENPROSPECT_CALLS, 16, wanted -> wanted, inHand::contains,
                        inHand.size());
                claims[i] = System.nanoTime() - start;
                inHand.clear();
                claimed.forEach(job -> inHand.add(job.id()));
            }
            Arrays.sort(claims);
            System.out.printf("claiming 16 due jobs (16 others in hand) among %d due and %d pending: median %.2f ms%n",
                    due, pending, claims[claims.length / 2] / 1e6);
            System.out.printf("store ready: %d pending later, %d due now%n", pending, due);
        }
    }

    private static void insert(HikariDataSource dataSource, int count, long nextAttemptAt, String state) throws Exception {
        String sql = "INSERT INTO bridge_job (id, api, idempotency_key, state, request_body, body_hash, attempts, polls, "
                + "key_generation, next_attempt_at, source, created_at, updated_at, version, remote_id, work_queue) "
                + "VALUES (?, 'openprospect', ?, ?, ?, 'bench', 0, 0, 0, ?, ?, ?, ?, 0, ?, 'openprospect')";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            c.setAutoCommit(false);
            for (int i = 0; i < count; i++) {
                String key = UUID.randomUUID().toString();
                ps.setString(1, UUID.randomUUID().toString());
                ps.setString(2, key);
                ps.setString(3, state);
                ps.setString(4, "{\"profile_name\":\"Bench " + i + "\",\"ideal_customer_profile\":\"x\",\"target_countries\":[\"DE\"]}");
                ps.setLong(5, nextAttemptAt);
                ps.setString(6, "{\"channel\":\"file\",\"file\":\"bench-" + key + ".json\"}");
                ps.setLong(7, System.currentTimeMillis());
                ps.setLong(8, System.currentTimeMillis());
                ps.setString(9, state.equals("POLLING") ? "remote-" + key : null);
                ps.addBatch();
                if (i % 5_000 == 4_999) {
                    ps.executeBatch();
                    c.commit();
                }
            }
            ps.executeBatch();
            c.commit();
        }
    }
}
