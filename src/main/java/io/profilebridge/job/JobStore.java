package io.profilebridge.job;

import io.profilebridge.ErrorText;
import io.profilebridge.Json;
import io.profilebridge.Sha256;
import io.profilebridge.StoreClock;
import io.profilebridge.api.Api;
import io.profilebridge.api.ApiAnswer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntUnaryOperator;
import java.util.function.LongConsumer;
import java.util.function.Predicate;
import javax.sql.DataSource;

/**
 * The durable record of every logical request (table {@code bridge_job}).
 * Rows are unique on (api, idempotency key), so a redelivered or re-dropped request finds its job instead of
 * starting a second one. Due rows are claimed per {@link WorkQueue}. On the embedded H2 store one
 * process owns every row, so a claim writes nothing (the dispatcher remembers what it holds). On a shared PostgreSQL store a claim
 * names this instance's session in {@code claimed_by} and bumps the row's version; other instances skip rows
 * claimed by a live session and take over those of a session whose heartbeat stopped ({@link InstanceLiveness}).
 */
public class JobStore {

    /** The most waiting deliveries one {@link #wakeWaitingDeliveries} makes due; the rest keep their backoff. */
    static final int WAKE_LIMIT = 1000;

    /** How many of the newest failed jobs {@link #lastFailed} orders by when they failed. */
    static final int FAILURE_CANDIDATES = 50;

    /** Every column of a job's own row, in the order {@link #insert} writes them. */
    private static final String JOB_COLUMNS = "id, api, idempotency_key, state, body_hash, remote_id, attempts, "
            + "polls, key_generation, next_attempt_at, last_status, last_error, result, outcome, source, created_at, updated_at, "
            + "finished_at, version, previous_attempts, work_queue, accepted_at, trace_parent, trace_state";

    /** What {@link #read} takes, in its order: the job's row, then its request body (V13: a row of its own). */
    private static final String COLUMNS = JOB_COLUMNS + ", request_body";

    private static final int BODY_COLUMN = COLUMNS.split(",").length;

    /**
     * A job's row without its bulky texts (its last status, its result document, its request body): what a listing
     * shows. With requests near bridge.request.max-bytes, 500 whole jobs were more than the heap (/jobs?size=500 ended
     * a bridge of 512 MB).
     */
    private static final String SUMMARY_COLUMNS =
            JOB_COLUMNS.replace("last_status,", "NULL AS last_status,").replace(" result,", " NULL AS result,")
                    + ", NULL AS request_body";

    /** Jobs with their request bodies; no column name is in both tables, so the queries name them unqualified. */
    private static final String JOBS = "bridge_job j LEFT JOIN bridge_job_request r ON r.job_id = j.id";

    private static final String INSERT = "INSERT INTO bridge_job (" + JOB_COLUMNS + ", key_hash) VALUES ("
            + String.join(",", Collections.nCopies(JOB_COLUMNS.split(",").length + 1, "?")) + ")";

    private static final String INSERT_BODY = "INSERT INTO bridge_job_request (job_id, request_body) VALUES (?, ?)";

    private final DataSource dataSource;
    private final GroupCommit writes;
    /** The jobs whose insert runs now: seen by a claim once committed, on disk once their recording returns. */
    private final Set<String> recording = ConcurrentHashMap.newKeySet();

    private final InstanceLiveness liveness;
    private final Clock clock;
    private final LongConsumer newJobs;

    public JobStore(DataSource dataSource, InstanceLiveness liveness, Clock clock) {
        this(dataSource, liveness, clock, createdAt -> {});
    }

    /**
     * @param liveness whose claims this store's claims are: shared, PostgreSQL, where several instances may share the
     *                 table; single, the embedded H2 store, which one process owns
     * @param newJobs   told each new job's creation time once its row is on disk (the embedded store's {@link StoreNote})
     */
    public JobStore(DataSource dataSource, InstanceLiveness liveness, Clock clock, LongConsumer newJobs) {
        this.dataSource = dataSource;
        // no connection here: the store may still be opening in the background (AwaitedDataSource)
        this.writes = new GroupCommit(dataSource, liveness.isShared() ? StoreEngine.POSTGRES : StoreEngine.H2);
        this.liveness = liveness;
        this.clock = clock;
        this.newJobs = newJobs;
    }

    public long now() {
        return clock.millis();
    }

    /**
     * Returns once the jobs recorded so far are on disk, when one of {@code claimed} is still being recorded: a
     * claim sees a job's row once its insert commits, before the sync of that commit ends (slow-disk audit: with a
     * stalled sync an Orbit start went out 0.8 s into it, its key not yet recorded durably as CONTRACT section 3 asks).
     */
    public void awaitRecorded(List<Job> claimed) {
        if (claimed.stream().noneMatch(job -> recording.contains(job.id()))) {
            return; // none is being recorded now: each was on disk before its recording returned
        }
        try {
            writes.awaitSynced();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new JobStoreException("interrupted while the jobs just recorded were synced to disk", e);
        }
    }

    /** How long the store's current commit has taken so far, 0 while none is under way ({@link GroupCommit}). */
    public long writeHeldMs() {
        return writes.committingMs();
    }

    /** For the store's other tables (JobCallers): their writes share this store's commits. */
    GroupCommit writes() {
        return writes;
    }

    DataSource dataSource() {
        return dataSource;
    }

    /** What registering a request found: the new job, or the one already recorded under the same key. */
    public record Registration(Job job, boolean created) {}

    /**
     * Records a new job (write-ahead: committed before any remote call). When the (api, key) pair exists already,
     * returns the existing job and creates nothing.
     */
    public Registration register(Job job) {
        for (int attempt = 1; ; attempt++) {
            try {
                record(job, c -> insert(c, INSERT, job));
                newJobs.accept(job.createdAt());
                return new Registration(job, true);
            } catch (SQLException e) {
                if (!StoreEngine.isUniqueViolation(e)) {
                    throw new JobStoreException("cannot record " + job, e);
                }
                Optional<Job> holder = find(job.api(), job.requestKey());
                if (holder.isPresent()) {
                    return new Registration(holder.get(), false);
                }
                // the holder went between the insert and the look (retention removed it): insert again, once
                if (attempt == 2) {
                    throw new JobStoreException("job vanished after a key conflict: " + job, e);
                }
            }
        }
    }

    /**
     * A durable write that inserts {@code job}: while it runs the job counts as being recorded ({@link
     * #awaitRecorded}); it is on disk once this returns.
     */
    private <T> T record(Job job, GroupCommit.Write<T> write) throws SQLException {
        recording.add(job.id());
        try {
            return writes.run(write, true);
        } finally {
            recording.remove(job.id());
        }
    }

    private static boolean insert(Connection c, String sql, Job job) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            int i = 0;
            ps.setString(++i, job.id());
            ps.setString(++i, job.api() == null ? null : job.api().id());
            ps.setString(++i, job.requestKey());
            ps.setString(++i, job.state().name());
            ps.setString(++i, job.bodyHash());
            ps.setString(++i, job.remoteId());
            ps.setInt(++i, job.attempts());
            ps.setInt(++i, job.polls());
            ps.setInt(++i, job.keyGeneration());
            setLong(ps, ++i, job.nextAttemptAt());
            ps.setString(++i, storableText(job.lastStatus()));
            ps.setString(++i, storableText(job.lastError()));
            ps.setString(++i, storableText(job.result()));
            ps.setString(++i, job.outcome());
            ps.setString(++i, job.source().toJson().toString());
            ps.setLong(++i, job.createdAt());
            ps.setLong(++i, job.updatedAt());
            setLong(ps, ++i, job.finishedAt());
            ps.setInt(++i, job.version());
            ps.setString(++i, job.previousAttempts());
            ps.setString(++i, queueOf(job));
            setLong(ps, ++i, job.acceptedAt());
            TraceContext trace = job.traceContext();
            ps.setString(++i, trace == null ? null : trace.traceParent());
            ps.setString(++i, trace == null ? null : trace.traceState());
            ps.setString(++i, keyHash(job.requestKey()));
            if (ps.executeUpdate() != 1) {
                return false;
            }
        }
        if (job.requestBody() != null) {
            try (PreparedStatement ps = c.prepareStatement(INSERT_BODY)) {
                ps.setString(1, job.id());
                ps.setString(2, job.requestBody());
                ps.executeUpdate();
            }
        }
        return true;
    }

    /**
     * Records a request rejected at intake ({@link Job#rejectedAtIntake}), durably, as its failed result goes out.
     * Its id is derived from that result, so the same rejection seen again (the same file dropped twice, a JMS
     * redelivery) is one row; returns false when it was recorded already.
     */
    public boolean recordRejection(Job rejected) {
        try {
            return writes.run(c -> insert(c, INSERT, rejected), true);
        } catch (SQLException e) {
            if (StoreEngine.isUniqueViolation(e)) {
                return false;
            }
            throw new JobStoreException("cannot record " + rejected, e);
        }
    }

    /**
     * Gives the key of {@code holder}, a job that failed without a run ({@link Job#failedWithoutARun}), to {@code job},
     * another body's request, in one transaction: the key is never free in between, so a request of either body racing
     * this one finds one holder or the other (takeover audit: the first body sent again in that gap became a new job
     * and was sent again). The holder keeps its row, found by its id, and by {@link #findReleased} for its own body;
     * its version is left alone, so its worker, delivering its failed result, saves as before (a save never writes
     * the key). False, and nothing written, when the holder no longer qualifies or another request took its key first.
     * On H2 a write in a group gets no savepoint (GroupCommit): should the insert fail after the release (a disk's
     * error, which fails the group's commit as a rule), the key stays free until this request, told by the throw, is
     * taken again and registers.
     */
    public boolean takeOver(Job holder, Job job) {
        String release = "UPDATE bridge_job SET key_hash = NULL WHERE id = ? AND key_hash IS NOT NULL"
                + " AND remote_id IS NULL AND accepted_at IS NULL AND key_generation = 0 AND previous_attempts IS NULL"
                + " AND outcome = ? AND state IN (?, ?)";
        try {
            boolean taken = record(job, c -> {
                try (PreparedStatement ps = c.prepareStatement(release)) {
                    ps.setString(1, holder.id());
                    ps.setString(2, ResultDocument.FAILED);
                    ps.setString(3, JobState.DELIVERING.name());
                    ps.setString(4, JobState.FAILED.name());
                    if (ps.executeUpdate() != 1) {
                        return false;
                    }
                }
                return insert(c, INSERT, job);
            });
            if (taken) {
                newJobs.accept(job.createdAt());
            }
            return taken;
        } catch (SQLException e) {
            throw new JobStoreException("cannot give the key of " + holder + " to " + job, e);
        }
    }

    /**
     * The newest job of this API, key and body whose key another body took over ({@link #takeOver}): its request,
     * dropped again, is still that job's. Read only when a key's holder has another body, so it may scan the rows
     * without a key (no index serves it).
     */
    public Optional<Job> findReleased(Api api, String idempotencyKey, String bodyHash) {
        return queryOne(
                "SELECT " + COLUMNS + " FROM " + JOBS + " WHERE key_hash IS NULL AND api = ? AND idempotency_key = ?"
                        + " AND body_hash = ? ORDER BY created_at DESC LIMIT 1",
                api.id(),
                idempotencyKey,
                bodyHash);
    }

    public Optional<Job> find(Api api, String idempotencyKey) {
        return queryOne(
                "SELECT " + COLUMNS + " FROM " + JOBS + " WHERE key_hash = ? AND api = ? AND idempotency_key = ?",
                keyHash(idempotencyKey),
                api.id(),
                idempotencyKey);
    }

    /** The newest job with this key, whatever its API (keys are UUIDs or the caller's own, so a clash is unlikely). */
    public Optional<Job> findByKey(String idempotencyKey) {
        return queryOne(
                "SELECT " + COLUMNS + " FROM " + JOBS
                        + " WHERE key_hash = ? AND idempotency_key = ? ORDER BY created_at DESC LIMIT 1",
                keyHash(idempotencyKey),
                idempotencyKey);
    }

    public Optional<Job> findById(String id) {
        return queryOne("SELECT " + COLUMNS + " FROM " + JOBS + " WHERE id = ?", id);
    }

    /** A job by its job id, else by the key it was accepted under: an operator may hold either. */
    public Optional<Job> findByIdOrKey(String idOrKey) {
        return findById(idOrKey).or(() -> findByKey(idOrKey));
    }

    /**
     * Claims due jobs of one queue, the longest due first: selects up to {@code max} (skipping what
     * {@code inHand} says this process works on already), asks {@code permits} how many of those may go now (the
     * API budget), and claims that many. On PostgreSQL the rows are locked while this decides ({@code FOR UPDATE
     * SKIP LOCKED}: another instance claiming at the same moment gets other rows; {@code inHandIds}, the rows this
     * process works on, are left out unlocked, for their saves), and rows claimed by a live session are not due; the embedded store is not asked to lock (H2 would lock every due row, not just the batch),
     * as one process owns it anyway.
     */
    public List<Job> claimDue(
            WorkQueue queue,
            int max,
            IntUnaryOperator permits,
            Predicate<String> inHand,
            Collection<String> inHandIds) {
        return claimDue(queue, max, null, permits, inHand, inHandIds);
    }

    /** Whether any job waits in the queue, due or not, claimed or not: the queue's index answers it from its first row. */
    public boolean anyWaiting(WorkQueue queue) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT 1 FROM bridge_job WHERE work_queue = ? LIMIT 1")) {
            ps.setString(1, queue.id());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        } catch (SQLException e) {
            throw new JobStoreException("cannot look for jobs waiting in " + queue.id(), e);
        }
    }

    /** The condition that {@code column} is one of {@code states}, one parameter each; none when null. */
    private static String inStates(String column, Set<JobState> states) {
        return states == null
                ? ""
                : " AND " + column + " IN (" + String.join(", ", Collections.nCopies(states.size(), "?")) + ")";
    }

    /** Binds {@code states} ({@link #inStates}) from {@code parameter} on; returns the next parameter's index. */
    private static int setStates(PreparedStatement ps, int parameter, Set<JobState> states) throws SQLException {
        int next = parameter;
        if (states != null) {
            for (JobState state : states) {
                ps.setString(next++, state.name());
            }
        }
        return next;
    }

    /**
     * Claims due jobs of one queue created before {@code createdBefore}, as {@link #claimDue} does: the jobs past
     * their age, given up without a call while their API refuses us. Not indexed: it reads the queue's due rows in
     * order until it has {@code max}, so it is asked now and then, not on every tick.
     */
    public List<Job> claimCreatedBefore(
            WorkQueue queue, int max, long createdBefore, Predicate<String> inHand, Collection<String> inHandIds) {
        return claimDue(queue, max, createdBefore, IntUnaryOperator.identity(), inHand, inHandIds);
    }

    private List<Job> claimDue(
            WorkQueue queue,
            int max,
            Long createdBefore,
            IntUnaryOperator permits,
            Predicate<String> inHand,
            Collection<String> inHandIds) {
        if (max <= 0) {
            return List.of();
        }
        String select = "SELECT " + COLUMNS + " FROM " + JOBS + " WHERE j.work_queue = ? AND j.next_attempt_at <= ?"
                + (createdBefore != null ? " AND j.created_at < ?" : "")
                // a row of this session that is not in hand (the inHand test below) is this process's to take again:
                // its worker dropped it after a lapse, or its hand-back met a save that had committed unseen (cluster
                // audit: after a store outage such rows sat claimed by their own live instance for good)
                + (liveness.isShared()
                        ? " AND (j.claimed_by IS NULL OR j.claimed_by = ? OR NOT EXISTS (SELECT 1 FROM bridge_instance i "
                                + "WHERE i.session_id = j.claimed_by AND i.heartbeat_at >= "
                                + StoreClock.NOW_MS + " - ?))"
                                // the rows in hand are not locked: their workers' saves would wait for this claim,
                                // which waits
                                // for a connection of the pool to take its places, while those saves hold the pool's
                                // other
                                // connections (PostgreSQL audit: with a pool of 2, claims and saves stalled each other
                                // for
                                // the pool's 5 s, heartbeats lapsed and health said the store was away)
                                + " AND NOT (j.id = ANY(?))"
                        : "")
                // work_queue is fixed here, but naming it lets H2 read the index in order and stop at the limit
                // instead of reading and sorting every due row
                + " ORDER BY j.work_queue, j.next_attempt_at LIMIT " + (max + inHandIds.size())
                + (liveness.isShared() ? " FOR UPDATE OF j SKIP LOCKED" : "");
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                List<Job> due = new ArrayList<>();
                try (PreparedStatement ps = c.prepareStatement(select)) {
                    int parameter = 1;
                    ps.setString(parameter++, queue.id());
                    ps.setLong(parameter++, now());
                    if (createdBefore != null) {
                        ps.setLong(parameter++, createdBefore);
                    }
                    if (liveness.isShared()) {
                        ps.setString(parameter++, liveness.owner());
                        ps.setLong(parameter++, liveness.takeoverMs());
                        ps.setArray(parameter, c.createArrayOf("VARCHAR", inHandIds.toArray()));
                    }
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next() && due.size() < max) {
                            // a job in hand is skipped before its row is parsed (request, source, trace context)
                            if (!inHand.test(rs.getString(1))) {
                                due.add(read(rs));
                            }
                        }
                    }
                }
                List<Job> granted =
                        due.subList(0, Math.min(due.size(), due.isEmpty() ? 0 : permits.applyAsInt(due.size())));
                List<Job> claimed = liveness.isShared() ? markClaimed(c, granted) : new ArrayList<>(granted);
                c.commit();
                return claimed;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new JobStoreException("cannot claim due jobs of " + queue.id(), e);
        }
    }

    private List<Job> markClaimed(Connection c, List<Job> jobs) throws SQLException {
        List<Job> claimed = new ArrayList<>();
        if (jobs.isEmpty()) {
            return claimed;
        }
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE bridge_job SET claimed_by = ?, version = version + 1 WHERE id = ? AND version = ?")) {
            for (Job job : jobs) {
                ps.setString(1, liveness.owner());
                ps.setString(2, job.id());
                ps.setInt(3, job.version());
                ps.addBatch();
            }
            int[] updated = ps.executeBatch();
            for (int i = 0; i < updated.length; i++) {
                if (updated[i] == 1) {
                    Job job = jobs.get(i);
                    job.version(job.version() + 1);
                    claimed.add(job);
                }
            }
        }
        return claimed;
    }

    /**
     * Writes the job back if nobody else changed it since it was read (its version), handing its claim back unless
     * {@code keepClaim} (its next step follows at once, in this process). Returns false when another instance took
     * the job over meanwhile; the caller then drops its copy.
     */
    public boolean save(Job job, boolean keepClaim) {
        long now = now();
        // not the key (Job#requestKey never changes): a job whose key another body took over keeps it released
        String sql = "UPDATE bridge_job SET state = ?, remote_id = ?, attempts = ?, "
                + "polls = ?, key_generation = ?, next_attempt_at = ?, last_status = ?, last_error = ?, result = ?, outcome = ?, "
                + "updated_at = ?, finished_at = ?, claimed_by = ?, work_queue = ?, accepted_at = ?, previous_attempts = ?, "
                + "version = version + 1 WHERE id = ? AND version = ?";
        String claimedBy = keepClaim && liveness.isShared() && !job.state().isFinal() ? liveness.owner() : null;
        try {
            // durable where losing the write would show: a final state (the result is out); any other step lost to a
            // crash is taken again from the last durable state, under the same idempotency key
            boolean saved = writes.run(
                    c -> update(c, sql, job, now, claimedBy), job.state().isFinal());
            if (saved) {
                job.version(job.version() + 1);
                job.updatedAt(now);
                job.requestBodySaved();
            }
            return saved;
        } catch (SQLException e) {
            throw new JobStoreException("cannot save " + job, e);
        }
    }

    /**
     * What makes a key unique in the store (V11__unbounded_keys.sql): a key may be longer than an index can hold.
     * Null for a request rejected before it had a key.
     */
    static String keyHash(String key) {
        return key == null ? null : Sha256.hex(key);
    }

    private static boolean update(Connection c, String sql, Job job, long now, String claimedBy) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            int i = 0;
            ps.setString(++i, job.state().name());
            ps.setString(++i, job.remoteId());
            ps.setInt(++i, job.attempts());
            ps.setInt(++i, job.polls());
            ps.setInt(++i, job.keyGeneration());
            setLong(ps, ++i, job.state().isFinal() ? null : job.nextAttemptAt());
            ps.setString(++i, storableText(job.lastStatus()));
            ps.setString(++i, storableText(job.lastError()));
            ps.setString(++i, storableText(job.result()));
            ps.setString(++i, job.outcome());
            ps.setLong(++i, now);
            setLong(ps, ++i, job.finishedAt());
            ps.setString(++i, claimedBy);
            ps.setString(++i, queueOf(job));
            setLong(ps, ++i, job.acceptedAt());
            ps.setString(++i, job.previousAttempts());
            ps.setString(++i, job.id());
            ps.setInt(++i, job.version());
            if (ps.executeUpdate() != 1) {
                return false;
            }
        }
        // the body changes only when the request is retried under a derived key; each step rewrote it otherwise
        if (job.requestBodyChanged()) {
            try (PreparedStatement ps =
                    c.prepareStatement("UPDATE bridge_job_request SET request_body = ? WHERE job_id = ?")) {
                ps.setString(1, job.requestBody());
                ps.setString(2, job.id());
                ps.executeUpdate();
            }
        }
        return true;
    }

    /**
     * Makes the results waiting to be delivered again due now: a place that refused them took one (crash audit: after
     * a read-only outbox was fixed, its waiting results went out over the next minute, each at its backoff's cap).
     * The version stays, so a job in hand saves over it; one another instance claimed is left to it. Returns how many.
     */
    public int wakeWaitingDeliveries() {
        long now = now();
        // one row per statement, each its own transaction: a statement over many rows would lock them in its own order,
        // against group commits holding several (review: a deadlock on PostgreSQL)
        String due = "SELECT id FROM bridge_job WHERE state = ? AND claimed_by IS NULL AND next_attempt_at > ? LIMIT "
                + WAKE_LIMIT;
        String wake = "UPDATE bridge_job SET next_attempt_at = ? WHERE id = ? AND state = ? AND claimed_by IS NULL"
                + " AND next_attempt_at > ?";
        try (Connection c = dataSource.getConnection()) {
            List<String> ids = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(due)) {
                ps.setString(1, JobState.DELIVERING.name());
                ps.setLong(2, now);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getString(1));
                    }
                }
            }
            int woken = 0;
            try (PreparedStatement ps = c.prepareStatement(wake)) {
                for (String id : ids) {
                    ps.setLong(1, now);
                    ps.setString(2, id);
                    ps.setString(3, JobState.DELIVERING.name());
                    ps.setLong(4, now);
                    woken += ps.executeUpdate();
                }
            }
            return woken;
        } catch (SQLException e) {
            throw new JobStoreException("cannot make the waiting deliveries due", e);
        }
    }

    /**
     * Makes the pending jobs of {@code api} whose last call was held, for want of a key or by the API's refusal of it
     * (401, 402, 403), due now: a start that has a key need not wait out {@code bridge.retry.hold-interval-ms} for them
     * (contract audit: a minute after the key was given; key-rotation audit: after a restart with a new key, the jobs
     * the old one was refused for waited up to the hold interval). If the API still refuses, the first answer holds
     * the rest again. Jobs claimed by an instance are left to it. Returns how many.
     */
    public int dueNowOnceKeyed(Api api) {
        // through the state index: a start reads the pending jobs, never the store's history
        String sql = "UPDATE bridge_job SET next_attempt_at = ?, version = version + 1 WHERE state IN ("
                + String.join(", ", Collections.nCopies(JobState.PENDING.size(), "?"))
                + ") AND api = ? AND claimed_by IS NULL AND next_attempt_at > ? AND (last_error LIKE ?"
                + " OR last_error LIKE ? OR last_error LIKE ? OR last_error LIKE ?)";
        long now = now();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            int i = 0;
            ps.setLong(++i, now);
            for (JobState state : JobState.PENDING) {
                ps.setString(++i, state.name());
            }
            ps.setString(++i, api.id());
            ps.setLong(++i, now);
            ps.setString(++i, "%\"code\":\"" + ApiAnswer.API_KEY_MISSING + "\"%");
            for (int refused : new int[] {401, 402, 403}) {
                ps.setString(++i, "%\"httpStatus\":" + refused + "%");
            }
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw new JobStoreException("cannot make the held " + api + " jobs due", e);
        }
    }

    /**
     * Hands back the claim on a job this process will not work on after all (it could not be sure it still owned
     * it). Unchanged if another instance took the job over meanwhile. Nothing to do on the embedded store.
     */
    public void releaseClaim(Job job) {
        if (!liveness.isShared()) {
            return;
        }
        String sql =
                "UPDATE bridge_job SET claimed_by = NULL, version = version + 1 WHERE id = ? AND version = ? AND claimed_by = ?";
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, job.id());
            ps.setInt(2, job.version());
            ps.setString(3, liveness.owner());
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new JobStoreException("cannot hand back the claim on " + job, e);
        }
    }

    /**
     * JSON text the bridge made of an API's words, with each unpaired surrogate as the escape it came as: PostgreSQL's
     * driver writes one as "?" (answers audit: /jobs showed a 401's message so on a shared store alone; review: a status
     * answer's, and the result delivered from it, too).
     */
    private static String storableText(String json) {
        return json == null ? null : Json.escapeUnpairedSurrogates(json);
    }

    private static String queueOf(Job job) {
        WorkQueue queue = WorkQueue.of(job);
        return queue == null ? null : queue.id();
    }

    /** A query the store must answer, for the health check; it reads no rows. */
    public void ping() {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT 1");
                ResultSet rs = ps.executeQuery()) {
            rs.next();
        } catch (SQLException e) {
            // the driver's words and their cause, once (a pool's "Connection is not available" says nothing of the
            // refused connection behind it): the job-store check printed "job store unreachable: job store
            // unreachable: ..." and no cause
            JobStoreException unreachable = new JobStoreException(ErrorText.withRootCause(e));
            unreachable.initCause(e);
            throw unreachable;
        }
    }

    /** Jobs not yet final, over all APIs, read through the state index. */
    public long countPending() {
        return countByApiAndState(JobState.PENDING).values().stream()
                .flatMap(perState -> perState.values().stream())
                .mapToLong(Long::longValue)
                .sum();
    }

    /** Jobs per API and state, for metrics, progress lines and the status page. */
    public Map<Api, Map<JobState, Long>> countByApiAndState() {
        return countByApiAndState(null);
    }

    /**
     * Jobs per API in {@code states} (null: every state); the others' counts are 0. The pending states are read
     * through the state index, whatever the store's history: {@link JobCounts} counts the final ones seldom.
     */
    public Map<Api, Map<JobState, Long>> countByApiAndState(Set<JobState> states) {
        Map<Api, Map<JobState, Long>> counts = new TreeMap<>();
        for (Api api : Api.values()) {
            Map<JobState, Long> perState = new EnumMap<>(JobState.class);
            for (JobState state : JobState.values()) {
                perState.put(state, 0L);
            }
            counts.put(api, perState);
        }
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(countSql(states))) {
            setStates(ps, 1, states);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Optional<Api> api = Api.of(rs.getString(1));
                    if (api.isPresent()) {
                        counts.get(api.get()).put(JobState.valueOf(rs.getString(2)), rs.getLong(3));
                    }
                }
            }
            return counts;
        } catch (SQLException e) {
            throw new JobStoreException("cannot count jobs", e);
        }
    }

    /** The count of {@link #countByApiAndState(Set)}, its states bound from the first parameter on. */
    static String countSql(Set<JobState> states) {
        return "SELECT api, state, COUNT(*) FROM bridge_job WHERE api IS NOT NULL" + inStates("state", states)
                + " GROUP BY api, state";
    }

    /** Requests rejected at intake that named no API: they are failed, so the state index finds them. */
    static final String COUNT_REJECTED_WITHOUT_API =
            "SELECT COUNT(*) FROM bridge_job WHERE state = 'FAILED' AND api IS NULL";

    /** Requests rejected at intake that named no API we know (they count as failed, outside any API). */
    public long countRejectedWithoutApi() {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(COUNT_REJECTED_WITHOUT_API);
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new JobStoreException("cannot count jobs", e);
        }
    }

    /** The newest requests rejected at intake, at most {@code limit}, without their bulky texts. */
    public List<Job> listRejected(int limit) {
        return query(
                "SELECT " + SUMMARY_COLUMNS + " FROM bridge_job WHERE state = ? AND idempotency_key IS NULL "
                        + "ORDER BY created_at DESC, id LIMIT " + limit,
                JobState.FAILED.name());
    }

    /**
     * The jobs that failed last, the latest first, at most {@code limit}: of the newest {@link #FAILURE_CANDIDATES}
     * failed by creation (read from the creation index, so the page reads little history), those that finished last
     * (operations audit: ordered by creation, a run polled for hours that failed just now sat below older failures).
     */
    public List<Job> lastFailed(int limit) {
        // the requests rejected at intake have their own list (listRejected): a burst of them would push out the rest
        return list("idempotency_key IS NOT NULL", null, JobState.FAILED, 0, Math.max(limit, FAILURE_CANDIDATES))
                .stream()
                .sorted(Comparator.comparing(Job::finishedAt, Comparator.nullsLast(Comparator.reverseOrder())))
                .limit(limit)
                .toList();
    }

    /**
     * Every job of one API, newest first, at most {@code limit}, without their bulky texts (no last status, result or
     * request body: {@link #findById} reads a whole job); for the status API and page.
     */
    public List<Job> list(Api api, JobState state, long offset, int limit) {
        return list(api == null ? null : "api = ?", api == null ? null : api.id(), state, offset, limit);
    }

    /** Requests rejected at intake that named no API we know (shown as api "unknown"), newest first. */
    public List<Job> listWithoutApi(JobState state, long offset, int limit) {
        return list("api IS NULL", null, state, offset, limit);
    }

    private List<Job> list(String apiCondition, String apiId, JobState state, long offset, int limit) {
        StringBuilder sql = new StringBuilder("SELECT " + SUMMARY_COLUMNS + " FROM bridge_job WHERE 1 = 1");
        List<Object> args = new ArrayList<>();
        if (apiCondition != null) {
            sql.append(" AND ").append(apiCondition);
        }
        if (apiId != null) {
            args.add(apiId);
        }
        if (state != null) {
            sql.append(" AND state = ?");
            args.add(state.name());
        }
        sql.append(" ORDER BY created_at DESC, id LIMIT ")
                .append(limit)
                .append(" OFFSET ")
                .append(offset);
        return query(sql.toString(), args.toArray());
    }

    private Optional<Job> queryOne(String sql, Object... args) {
        List<Job> jobs = query(sql, args);
        return jobs.isEmpty() ? Optional.empty() : Optional.of(jobs.get(0));
    }

    private List<Job> query(String sql, Object... args) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            List<Job> jobs = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    jobs.add(read(rs));
                }
            }
            return jobs;
        } catch (SQLException e) {
            throw new JobStoreException("cannot read jobs", e);
        }
    }

    /**
     * The job of a row selected as {@link #COLUMNS}, read by position in that order: by name, H2 upper-cases and
     * looks up every column label of every row.
     */
    private static Job read(ResultSet rs) throws SQLException {
        int i = 0;
        String id = rs.getString(++i);
        Api api = Api.of(rs.getString(++i)).orElse(null);
        String idempotencyKey = rs.getString(++i);
        JobState state = JobState.valueOf(rs.getString(++i));
        String bodyHash = rs.getString(++i);
        String remoteId = rs.getString(++i);
        int attempts = rs.getInt(++i);
        int polls = rs.getInt(++i);
        int keyGeneration = rs.getInt(++i);
        Long nextAttemptAt = getLong(rs, ++i);
        String lastStatus = rs.getString(++i);
        String lastError = rs.getString(++i);
        String result = rs.getString(++i);
        String outcome = rs.getString(++i);
        RequestSource source = RequestSource.fromJson(rs.getString(++i));
        long createdAt = rs.getLong(++i);
        // the body comes last (COLUMNS); JDBC reads a row's columns in any order
        String requestBody = rs.getString(BODY_COLUMN);
        Job job = new Job(id, api, idempotencyKey, state, requestBody, bodyHash, source, createdAt);
        job.remoteId(remoteId);
        job.attempts(attempts);
        job.polls(polls);
        job.keyGeneration(keyGeneration);
        job.nextAttemptAt(nextAttemptAt);
        job.lastStatus(lastStatus);
        job.lastError(lastError);
        job.result(result);
        job.outcome(outcome);
        job.updatedAt(rs.getLong(++i));
        job.finishedAt(getLong(rs, ++i));
        job.version(rs.getInt(++i));
        job.previousAttempts(rs.getString(++i));
        ++i; // work_queue: derived from the state, written for the claim query's index
        job.acceptedAt(getLong(rs, ++i));
        job.traceContext(TraceContext.stored(rs.getString(++i), rs.getString(++i)));
        return job;
    }

    private static Long getLong(ResultSet rs, int column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? null : value;
    }

    private static void setLong(PreparedStatement ps, int index, Long value) throws SQLException {
        if (value == null) {
            ps.setNull(index, Types.BIGINT);
        } else {
            ps.setLong(index, value);
        }
    }
}
