import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.locks.ReentrantLock;

import com.sun.management.OperatingSystemMXBean;

/**
 * A one-off comparison (not in bench/all.sh): the job store's writes of one request, done by several threads at once on each
 * embedded store candidate, with the durability the bridge promises (README "Durability"): a new job and a final
 * state on disk (fsynced) before the caller goes on, the two steps between committed but not synced. Writes of
 * concurrent callers share one transaction and one flush (group commit), as the bridge's job store does.
 * Per request: insert (durable), save after the submit (status JSON), save after the poll that sees it end (result
 * JSON), save of the delivered state (durable), and one claim query of the due index. Prints, per candidate, the
 * wall time, the CPU time of this process per request, and the flushes it took.
 * Run: java -cp target/profile-bridge.jar bench/StoreCandidates.java FOLDER [REQUESTS] [THREADS] [CANDIDATES]
 * CANDIDATES: comma-separated, of h2 (the embedded store as it was: H2 file, CHECKPOINT SYNC for durable groups),
 * h2-fewest-writes (the same, with only the two durable writes per job), sqlite (SQLite in WAL mode: synchronous
 * NORMAL, FULL for durable groups; the bridge no longer ships its driver, so add org.xerial:sqlite-jdbc to -cp).
 */
public class StoreCandidates {

    private static final String STATUS = "{\"profile_creation_id\":\"%s\",\"status\":\"RUNNING\",\"created_at\":"
            + "\"2026-11-30T12:00:00Z\",\"updated_at\":\"2026-11-30T12:00:01Z\",\"progress\":{\"step\":\"searching\"}}";
    private static final String RESULT = "{\"api\":\"openprospect\",\"outcome\":\"succeeded\",\"idempotencyKey\":\"%s\","
            + "\"remoteId\":\"%s\",\"status\":{\"status\":\"SUCCEEDED\",\"profile_id\":\"p-1\",\"created_at\":"
            + "\"2026-11-30T12:00:00Z\"},\"error\":null,\"request\":{\"profile_name\":\"Buyers\",\"ideal_customer_profile\""
            + ":\"B2B SaaS companies in Germany with 50 to 500 employees\",\"target_countries\":[\"DE\"]},\"source\":"
            + "{\"channel\":\"file\",\"folder\":\"openprospect\",\"file\":\"op-1.json\"},\"profileId\":\"p-1\","
            + "\"attempts\":[],\"jobId\":\"%s\"}";

    /** One candidate: how to open it, its table, and what makes a committed group durable. */
    interface Candidate {
        String name();

        Connection open(Path folder) throws SQLException;

        String createTable();

        String limit(int n);

        /** Before the group's transaction; {@code durable} when one of its writes must be on disk at commit. */
        void beforeGroup(Connection c, boolean durable) throws SQLException;

        /** After the group's commit. */
        void afterGroup(Connection c, boolean durable) throws SQLException;

        /** Whether the two steps between the durable writes are saved (a design with fewer writes skips them). */
        default boolean intermediateSaves() {
            return true;
        }
    }

    static class H2 implements Candidate {
        /** More of H2's URL settings, e.g. ";RETENTION_TIME=0" (candidate "h2;RETENTION_TIME=0"). */
        private final String settings;

        H2() {
            this("");
        }

        H2(String settings) {
            this.settings = settings;
        }

        public String name() {
            return "h2 (CHECKPOINT SYNC)" + settings;
        }

        public Connection open(Path folder) throws SQLException {
            return DriverManager.getConnection("jdbc:h2:file:" + folder.toAbsolutePath().resolve("jobstore")
                    + ";DB_CLOSE_ON_EXIT=FALSE" + settings);
        }

        public String createTable() {
            return TABLE.replace("${text}", "CHARACTER VARYING");
        }

        public String limit(int n) {
            return " FETCH FIRST " + n + " ROWS ONLY";
        }

        public void beforeGroup(Connection c, boolean durable) {
        }

        public void afterGroup(Connection c, boolean durable) throws SQLException {
            if (durable) {
                try (Statement s = c.createStatement()) {
                    s.execute("CHECKPOINT SYNC");
                }
            }
        }
    }

    /** H2 with the fewest writes a durable job could take: its insert and its final state, both synced. */
    static final class H2FewestWrites extends H2 {
        @Override
        public String name() {
            return "h2 (CHECKPOINT SYNC), insert and final save only";
        }

        @Override
        public boolean intermediateSaves() {
            return false;
        }
    }

    static class Sqlite implements Candidate {
        public String name() {
            return "sqlite (WAL, synchronous NORMAL, FULL for durable groups)";
        }

        public Connection open(Path folder) throws SQLException {
            Connection c = DriverManager.getConnection("jdbc:sqlite:" + folder.toAbsolutePath().resolve("jobstore.db"));
            try (Statement s = c.createStatement()) {
                s.execute("PRAGMA journal_mode = WAL");
                s.execute("PRAGMA synchronous = NORMAL");
                s.execute("PRAGMA busy_timeout = 10000");
            }
            return c;
        }

        public String createTable() {
            return TABLE.replace("${text}", "TEXT");
        }

        public String limit(int n) {
            return " LIMIT " + n;
        }

        public void beforeGroup(Connection c, boolean durable) throws SQLException {
            try (Statement s = c.createStatement()) {
                s.execute(durable ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL");
            }
        }

        public void afterGroup(Connection c, boolean durable) {
        }
    }

    private static final String TABLE = "CREATE TABLE bridge_job (id VARCHAR(36) NOT NULL PRIMARY KEY, api VARCHAR(32), "
            + "idempotency_key VARCHAR(200), state VARCHAR(16) NOT NULL, request_body ${text}, body_hash VARCHAR(64), "
            + "remote_id VARCHAR(200), attempts INTEGER NOT NULL DEFAULT 0, polls INTEGER NOT NULL DEFAULT 0, "
            + "key_generation INTEGER NOT NULL DEFAULT 0, next_attempt_at BIGINT, claimed_by VARCHAR(500), "
            + "last_status ${text}, last_error ${text}, result ${text}, outcome VARCHAR(16), source ${text} NOT NULL, "
            + "created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL, finished_at BIGINT, version INTEGER NOT NULL DEFAULT 0, "
            + "previous_attempts ${text}, work_queue VARCHAR(32), accepted_at BIGINT, "
            + "CONSTRAINT bridge_job_api_key UNIQUE (api, idempotency_key))";

    /** Leader/follower group commit on one connection, as the bridge's job store does. */
    static final class Writes {
        interface Write {
            void apply(Connection c) throws SQLException;
        }

        private record Queued(Write write, boolean durable, boolean[] done) {
        }

        private final Connection connection;
        private final Candidate candidate;
        private final ConcurrentLinkedQueue<Queued> queue = new ConcurrentLinkedQueue<>();
        private final ReentrantLock leader = new ReentrantLock();
        int groups;
        int flushes;

        Writes(Connection connection, Candidate candidate) {
            this.connection = connection;
            this.candidate = candidate;
        }

        void run(Write write, boolean durable) throws SQLException {
            Queued mine = new Queued(write, durable, new boolean[1]);
            queue.add(mine);
            leader.lock();
            try {
                if (mine.done()[0]) {
                    return;
                }
                List<Queued> group = new ArrayList<>();
                for (Queued next; (next = queue.poll()) != null; ) {
                    group.add(next);
                }
                boolean anyDurable = group.stream().anyMatch(Queued::durable);
                candidate.beforeGroup(connection, anyDurable);
                connection.setAutoCommit(false);
                for (Queued q : group) {
                    q.write().apply(connection);
                }
                connection.commit();
                connection.setAutoCommit(true);
                candidate.afterGroup(connection, anyDurable);
                groups++;
                flushes += anyDurable ? 1 : 0;
                group.forEach(q -> q.done()[0] = true);
            } finally {
                leader.unlock();
            }
        }
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[0]);
        int requests = args.length > 1 ? Integer.parseInt(args[1]) : 5000;
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : 16;
        String names = args.length > 3 ? args[3] : "h2,h2-fewest-writes";
        for (String name : names.split(",")) {
            Candidate candidate = switch (name) {
                case "h2" -> new H2();
                case "h2-fewest-writes" -> new H2FewestWrites();
                case "sqlite" -> new Sqlite();
                default -> {
                    if (!name.startsWith("h2;")) {
                        throw new IllegalArgumentException("unknown candidate " + name);
                    }
                    yield new H2(name.substring(2));
                }
            };
            String folderName = name.replaceAll("[^A-Za-z0-9-]", "_");
            Path folder = Files.createDirectories(root.resolve(folderName));
            run(candidate, folder, 500, threads, false);
            run(candidate, Files.createDirectories(root.resolve(folderName + "-measured")), requests, threads, true);
        }
    }

    private static void run(Candidate candidate, Path folder, int requests, int threads, boolean print) throws Exception {
        OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        try (Connection write = candidate.open(folder); Connection read = candidate.open(folder)) {
            try (Statement s = write.createStatement()) {
                s.execute(candidate.createTable());
                s.execute("CREATE INDEX bridge_job_queue_due ON bridge_job (work_queue, next_attempt_at)");
                s.execute("CREATE INDEX bridge_job_state ON bridge_job (state, api)");
            }
            Writes writes = new Writes(write, candidate);
            ReentrantLock reading = new ReentrantLock();
            String claim = "SELECT id, state, request_body, last_status FROM bridge_job WHERE work_queue = ? AND "
                    + "next_attempt_at <= ? ORDER BY work_queue, next_attempt_at" + candidate.limit(16);
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            long cpu0 = os.getProcessCpuTime();
            long t0 = System.nanoTime();
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < requests; i++) {
                int n = i;
                done.add(pool.submit(() -> {
                    oneRequest(writes, n, candidate.intermediateSaves());
                    reading.lock(); // one claim at a time, as the poll tick makes them
                    try (PreparedStatement ps = read.prepareStatement(claim)) {
                        ps.setString(1, "openprospect");
                        ps.setLong(2, System.currentTimeMillis());
                        try (ResultSet rs = ps.executeQuery()) {
                            while (rs.next()) {
                                rs.getString(3);
                            }
                        }
                    } finally {
                        reading.unlock();
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            double cpuMs = (os.getProcessCpuTime() - cpu0) / 1e6;
            pool.shutdown();
            if (print) {
                System.out.printf("%s: %d requests (%d writes and a claim each) on %d threads in %.2f s = %.0f requests/s; "
                        + "CPU %.3f ms per request; %d transactions, %d flushes%n", candidate.name(), requests,
                        candidate.intermediateSaves() ? 4 : 2, threads,
                        seconds, requests / seconds, cpuMs / requests, writes.groups, writes.flushes);
            }
        }
    }

    private static void oneRequest(Writes writes, int n, boolean intermediateSaves) throws SQLException {
        String id = UUID.randomUUID().toString();
        String key = UUID.randomUUID().toString();
        long now = System.currentTimeMillis();
        writes.run(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO bridge_job (id, api, idempotency_key, state, "
                    + "request_body, body_hash, next_attempt_at, source, created_at, updated_at, work_queue) "
                    + "VALUES (?, 'openprospect', ?, 'RECEIVED', ?, ?, ?, ?, ?, ?, 'openprospect')")) {
                ps.setString(1, id);
                ps.setString(2, key);
                ps.setString(3, "{\"profile_name\":\"Buyers " + n + "\",\"ideal_customer_profile\":\"B2B SaaS\","
                        + "\"target_countries\":[\"DE\"]}");
                ps.setString(4, "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
                ps.setLong(5, now);
                ps.setString(6, "{\"channel\":\"file\",\"folder\":\"openprospect\",\"file\":\"op-" + n + ".json\"}");
                ps.setLong(7, now);
                ps.setLong(8, now);
                ps.executeUpdate();
            }
        }, true);
        if (intermediateSaves) {
            save(writes, id, "SUBMITTED", String.format(STATUS, id), null, now + 2000, false);
            save(writes, id, "DELIVERING", String.format(STATUS, id), String.format(RESULT, key, id, id), now, false);
        }
        save(writes, id, "DELIVERED", String.format(STATUS, id), String.format(RESULT, key, id, id), null, true);
    }

    private static void save(Writes writes, String id, String state, String status, String result, Long next,
            boolean durable) throws SQLException {
        writes.run(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE bridge_job SET state = ?, last_status = ?, result = ?, "
                    + "next_attempt_at = ?, work_queue = ?, updated_at = ?, version = version + 1 WHERE id = ?")) {
                ps.setString(1, state);
                ps.setString(2, status);
                ps.setString(3, result);
                if (next == null) {
                    ps.setNull(4, java.sql.Types.BIGINT);
                    ps.setNull(5, java.sql.Types.VARCHAR);
                } else {
                    ps.setLong(4, next);
                    ps.setString(5, state.equals("DELIVERING") ? "deliveries" : "openprospect");
                }
                ps.setLong(6, System.currentTimeMillis());
                ps.setString(7, id);
                ps.executeUpdate();
            }
        }, durable);
    }
}
