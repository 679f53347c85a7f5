package io.profilebridge.job;

import io.profilebridge.StartupFailure;
import io.profilebridge.StoreClock;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.LongSupplier;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether this instance still owns the jobs it claimed. On the embedded store one process owns everything, always.
 * On a shared PostgreSQL store claims belong to a live instance: each process runs a session that heartbeats in
 * {@code bridge_instance}; another instance takes over the claims of a session whose heartbeat is older than
 * {@code takeoverMs}. A process that could not heartbeat for most of that time (paused, stalled, cut off from the
 * store) must assume its claims are gone: it stops working the jobs in hand before anyone can have taken them, and
 * claims afresh once its heartbeat is back.
 */
public final class InstanceLiveness {

    private static final Logger LOG = LoggerFactory.getLogger(InstanceLiveness.class);

    /** The contract's bound on taking over a dead instance's jobs; a longer takeover time is allowed, with a word. */
    static final long CONTRACT_TAKEOVER_MS = 10_000;

    /**
     * A session's row, naming the schema it was made for: a release before that one cannot write it, so an instance
     * of it paused across the migration cannot come back (V14__result_name_claims.sql).
     */
    private static final String REGISTER = "INSERT INTO bridge_instance (session_id, instance_id, key_fingerprint,"
            + " started_at, heartbeat_at, schema_version) VALUES (?, ?, ?, " + StoreClock.NOW_MS + ", "
            + StoreClock.NOW_MS + ", " + JobStoreSchema.schemaVersion() + ")";

    /** Sessions silent for this long are forgotten (their claims were taken over long ago). */
    private static final long FORGET_AFTER_MS = 86_400_000;

    private final DataSource dataSource;
    private final String instanceId;
    private final String session;
    private final long heartbeatMs;
    private final long takeoverMs;
    private volatile long lastBeatNanos = System.nanoTime();
    /** The setup this session published ({@link #publishSetup}), as stored; null before. */
    private volatile String setup;

    private volatile int epoch;
    /**
     * A heartbeat went out since start-up, or a claim was made (before either, the process only starts: a gap there
     * is no lapse to report). TakeoverTest: an instance paused after its first claims but before its first timer
     * beat lost them, as it should, without the line that says why.
     */
    private volatile boolean beating;

    /** The last heartbeat's failure while they fail; null once one is stored. */
    private volatile String lastBeatFailure;
    /** Set by {@link #stop()}, under the same lock as a beat. */
    private boolean stopped;
    /**
     * The beat whose lapse was reported last ({@code lastBeatNanos} as it stood after it): a beat stored late leaves
     * the instance still lapsed until the next beat, which would report the same lapse again (store-failure audit: two
     * lines for one stall), while a later lapse, after beats that failed, has a beat of its own behind it (review).
     */
    private volatile long lapseReportedAt = Long.MIN_VALUE;
    /** The other sessions this one has named as gone silent, while their rows remain (beat() runs one at a time). */
    private final Set<String> silentNamed = new HashSet<>();

    /** The store's clock, read at every heartbeat; null on the embedded store. */
    private final SharedStoreClock storeClock;

    private InstanceLiveness(
            DataSource dataSource, String instanceId, long heartbeatMs, long takeoverMs, SharedStoreClock storeClock) {
        this.dataSource = dataSource;
        this.storeClock = storeClock;
        this.instanceId = instanceId;
        this.session = instanceId + "#" + UUID.randomUUID().toString().substring(0, 8);
        this.heartbeatMs = heartbeatMs;
        this.takeoverMs = takeoverMs;
    }

    /** The embedded store: this process is the only one, its claims need no record and never lapse. */
    public static InstanceLiveness single(String instanceId) {
        return new InstanceLiveness(null, instanceId, 0, 0, null);
    }

    /** A shared store: claims belong to this process's session while it heartbeats. */
    public static InstanceLiveness shared(DataSource dataSource, String instanceId, long heartbeatMs, long takeoverMs) {
        return shared(dataSource, instanceId, heartbeatMs, takeoverMs, new SharedStoreClock());
    }

    /** As {@link #shared(DataSource, String, long, long)}, reading the store's clock into {@code storeClock}. */
    static InstanceLiveness shared(
            DataSource dataSource, String instanceId, long heartbeatMs, long takeoverMs, SharedStoreClock storeClock) {
        if (heartbeatMs <= 0 || takeoverMs < 3 * heartbeatMs) {
            throw new IllegalArgumentException("bridge.cluster.takeover-ms (" + takeoverMs + ") must be at least three "
                    + "times bridge.cluster.heartbeat-ms (" + heartbeatMs + ")");
        }
        if (takeoverMs + heartbeatMs > CONTRACT_TAKEOVER_MS) {
            // cluster audit: 60000 was taken without a word, while the README promises a takeover within 10 s
            LOG.warn(
                    "bridge.cluster.takeover-ms={} (with a heartbeat of {} ms): the jobs of an instance that dies wait"
                            + " up to {} ms before another takes them over, beyond the 10 s the README promises",
                    takeoverMs,
                    heartbeatMs,
                    takeoverMs + heartbeatMs);
        }
        return new InstanceLiveness(dataSource, instanceId, heartbeatMs, takeoverMs, storeClock);
    }

    /** Why the last heartbeat failed, while the heartbeats fail: the health check's cause of a lapse. */
    public Optional<String> lastBeatFailure() {
        return Optional.ofNullable(lastBeatFailure);
    }

    public boolean isShared() {
        return dataSource != null;
    }

    /**
     * The clock the jobs' times are kept by: the shared store's, as read at every heartbeat, so that instances whose
     * own clocks disagree judge the same jobs due; this process's own on the embedded store.
     */
    public Clock clock() {
        return isShared() ? storeClock : Clock.systemUTC();
    }

    /** The shared store's clock in ns since the epoch, for the shared token buckets; only on a shared store. */
    public LongSupplier storeNanos() {
        return storeClock::nanos;
    }

    /** What {@code claimed_by} holds for this process's claims. */
    public String owner() {
        return session;
    }

    public long heartbeatMs() {
        return heartbeatMs;
    }

    /** A session whose heartbeat is older than this is dead to the others. */
    public long takeoverMs() {
        return takeoverMs;
    }

    /** The current epoch: jobs claimed in it stay ours while {@link #holds(int)} says so. */
    public int epoch() {
        return epoch;
    }

    /** The epoch of claims about to be made: from now on a lapse is one to report. */
    public int claimEpoch() {
        beating = true;
        return epoch;
    }

    /** True while nobody can have taken over the claims made in {@code claimEpoch}. */
    public boolean holds(int claimEpoch) {
        return isLive() && epoch == claimEpoch;
    }

    /** Live while the last heartbeat is recent enough that no other instance can count this one dead. */
    public boolean isLive() {
        // one heartbeat interval of margin: for the check-to-send time of a call, and clocks that drift
        return !isShared() || System.nanoTime() - lastBeatNanos < (takeoverMs - heartbeatMs) * 1_000_000L;
    }

    /**
     * At start-up: registers this session and hands back the claims of this installation's earlier sessions whose
     * heartbeat has lapsed (they died with their process). Returns how many jobs that freed. An earlier session that
     * beat less than the takeover time ago is left to the takeover, which frees its claims once it has lapsed: it may
     * be another running instance given the same id (cluster audit: its claims were freed while its call was out, and
     * the same creation went out twice), or one stalled for a moment. One that beats again while this start watches
     * it is such an instance, and the start is refused.
     */
    public int start() {
        if (!isShared()) {
            return 0;
        }
        refuseALiveNamesake();
        String lapsed = "NOT " + beatWithinTakeover();
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            int released = update(
                    c,
                    "UPDATE bridge_job SET claimed_by = NULL, version = version + 1 WHERE claimed_by IN (SELECT"
                            + " session_id FROM bridge_instance WHERE instance_id = ? AND session_id <> ? AND " + lapsed
                            + ")",
                    instanceId,
                    session);
            update(
                    c,
                    "DELETE FROM bridge_instance WHERE (instance_id = ? AND session_id <> ? AND " + lapsed + ") OR"
                            + " heartbeat_at < " + StoreClock.NOW_MS + " - " + FORGET_AFTER_MS,
                    instanceId,
                    session);
            update(c, REGISTER, session, instanceId, setup);
            readStoreClock(c);
            c.commit();
            lastBeatNanos = System.nanoTime();
            return released;
        } catch (SQLException e) {
            throw new JobStoreException("cannot register instance " + instanceId + " in the job store", e);
        }
    }

    /**
     * Watches the sessions of this instance id that beat within the takeover time for two heartbeats: one that beats
     * meanwhile is another running instance under this id, and this start stops, naming it. One that does not is this
     * id's last run, which died a moment ago.
     */
    private void refuseALiveNamesake() {
        Map<String, Long> seen = namesakes();
        long until = System.nanoTime() + 2 * heartbeatMs * 1_000_000;
        while (!seen.isEmpty() && System.nanoTime() - until < 0) {
            try {
                Thread.sleep(Math.max(1, heartbeatMs / 4));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            for (Map.Entry<String, Long> now : namesakes().entrySet()) {
                Long before = seen.get(now.getKey());
                if (before != null && now.getValue() > before) {
                    throw new StartupFailure("bridge.instance-id " + instanceId + " is in use by a running instance"
                            + " (its session " + now.getKey() + " beats in the job store): give each instance an id"
                            + " of its own (bridge.instance-id, BRIDGE_INSTANCE_ID; by default the host name and"
                            + " bridge.data)");
                }
            }
        }
        if (!seen.isEmpty()) {
            LOG.info(
                    "{} ran until a moment ago (session {}); its jobs in flight are taken over once its heartbeat is"
                            + " {} ms old",
                    instanceId,
                    String.join(", ", seen.keySet()),
                    takeoverMs);
        }
    }

    /** SQL: the session's heartbeat is younger than the takeover time, by the store's clock (a live session). */
    private String beatWithinTakeover() {
        return "heartbeat_at >= " + StoreClock.NOW_MS + " - " + takeoverMs;
    }

    /** The sessions of this instance id that beat within the takeover time, with their last heartbeat's time. */
    private Map<String, Long> namesakes() {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT session_id, heartbeat_at FROM bridge_instance WHERE"
                        + " instance_id = ? AND session_id <> ? AND " + beatWithinTakeover())) {
            ps.setString(1, instanceId);
            ps.setString(2, session);
            Map<String, Long> sessions = new TreeMap<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    sessions.put(rs.getString(1), rs.getLong(2));
                }
            }
            return sessions;
        } catch (SQLException e) {
            throw new JobStoreException("cannot register instance " + instanceId + " in the job store", e);
        }
    }

    /**
     * Publishes this session's setup (its API keys' and JMS broker's fingerprints) and answers the setups of the other
     * live instances that published theirs, by instance id: the instances on one store are meant to share their keys
     * and their broker. Each publishes (committed) before it reads, so of two starting at once at least the later
     * reader sees the other.
     */
    public Map<String, InstanceSetup> publishSetup(InstanceSetup setup) {
        if (!isShared()) {
            return Map.of();
        }
        try (Connection c = dataSource.getConnection()) {
            this.setup = setup.stored();
            update(c, "UPDATE bridge_instance SET key_fingerprint = ? WHERE session_id = ?", this.setup, session);
            try (PreparedStatement ps = c.prepareStatement("SELECT instance_id, key_fingerprint FROM bridge_instance "
                    + "WHERE session_id <> ? AND key_fingerprint IS NOT NULL AND " + beatWithinTakeover()
                    + " ORDER BY instance_id")) {
                ps.setString(1, session);
                Map<String, InstanceSetup> others = new TreeMap<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        others.put(rs.getString(1), InstanceSetup.parse(rs.getString(2)));
                    }
                }
                return others;
            }
        } catch (SQLException e) {
            throw new JobStoreException("cannot compare the setup of the instances on the job store", e);
        }
    }

    /**
     * Called every {@link #heartbeatMs()}: tells the others this instance lives. Not once it has stopped: a beat still
     * under way as the stop removed the session would register it again (review).
     */
    public synchronized void beat() {
        if (!isShared() || stopped) {
            return;
        }
        long sent = System.nanoTime();
        try (Connection c = dataSource.getConnection()) {
            if (update(
                            c,
                            "UPDATE bridge_instance SET heartbeat_at = " + StoreClock.NOW_MS + " WHERE session_id = ?",
                            session)
                    == 0) {
                // with the setup it published: registered again without it, it would escape the others' comparison
                // (review)
                update(c, REGISTER, session, instanceId, setup);
            }
            readStoreClock(c);
            nameSilentInstances(c);
        } catch (SQLException e) {
            // once per cause, not once a second while it lasts (PostgreSQL audit: 57 lines a minute for a read-only
            // database); the job-workers health check names it meanwhile
            String failure = e.getMessage();
            if (!failure.equals(lastBeatFailure)) {
                LOG.warn(
                        "Heartbeat of {} failed ({}); its claims lapse after {} ms without one",
                        session,
                        failure,
                        takeoverMs - heartbeatMs);
            }
            lastBeatFailure = failure;
            return;
        }
        lastBeatFailure = null;
        // judged once the beat is stored, not when it was sent: a round trip that outlasted the lapse (a pool
        // exhausted, a stall) may have let another instance take the claims over meanwhile (cluster audit: they
        // were kept, and deliveries worked twice)
        boolean wasLive = isLive();
        if (!wasLive) {
            epoch++;
        }
        boolean reported = !wasLive && beating && lastBeatNanos != lapseReportedAt;
        if (reported) {
            LOG.warn(
                    "{} had no heartbeat for {} ms (paused, stalled or cut off from the store): other instances may "
                            + "have taken over its jobs, so it drops the ones in hand and claims afresh",
                    session,
                    (System.nanoTime() - lastBeatNanos) / 1_000_000);
            lapseReportedAt = sent;
        }
        lastBeatNanos = sent;
        beating = true;
    }

    /** On a clean stop: hands this session's claims back at once and leaves the store. */
    public synchronized void stop() {
        if (!isShared()) {
            return;
        }
        stopped = true;
        try (Connection c = dataSource.getConnection()) {
            update(c, "UPDATE bridge_job SET claimed_by = NULL, version = version + 1 WHERE claimed_by = ?", session);
            update(c, "DELETE FROM bridge_instance WHERE session_id = ?", session);
        } catch (SQLException e) {
            LOG.warn(
                    "Could not hand back the claims of {} ({}); others take them over after {} ms",
                    session,
                    e.getMessage(),
                    takeoverMs);
        }
    }

    /**
     * Names once each other instance whose heartbeat has lapsed: from then on its claims are anyone's to take (takeover
     * audit: four SIGKILLed instances' jobs were taken over without a line anywhere to say so or when). One that stops
     * cleanly leaves the store and is not named, nor is one that went silent before this session started.
     */
    private void nameSilentInstances(Connection c) {
        Set<String> silent = new HashSet<>();
        // only those that went silent while this session lived: the rows of sessions that died before it started stay
        // for a day, and each start named them all again (re-check audit)
        try (PreparedStatement ps = c.prepareStatement("SELECT session_id, instance_id, " + StoreClock.NOW_MS
                + " - heartbeat_at FROM bridge_instance WHERE session_id <> ? AND NOT " + beatWithinTakeover()
                + " AND heartbeat_at >= (SELECT started_at FROM bridge_instance WHERE session_id = ?) - "
                + takeoverMs)) {
            ps.setString(1, session);
            ps.setString(2, session);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String other = rs.getString(1);
                    silent.add(other);
                    if (silentNamed.add(other)) {
                        LOG.warn(
                                "Instance {} (session {}) is taken for dead, its heartbeat silent for {} ms: the jobs"
                                        + " it held are taken over by the instances that claim them next",
                                rs.getString(2),
                                other,
                                rs.getLong(3));
                    }
                }
            }
        } catch (SQLException e) {
            // the beat itself is stored: a failed look at the others must not count as a failed heartbeat
            LOG.debug("Cannot look for silent instances: {}", e.toString());
            return;
        }
        silentNamed.retainAll(silent);
    }

    /** Reads the store's clock for {@link SharedStoreClock}, taken as its time halfway through the round trip. */
    private void readStoreClock(Connection c) throws SQLException {
        long sent = System.nanoTime();
        try (PreparedStatement ps = c.prepareStatement("SELECT " + StoreClock.NOW_MS);
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            storeClock.read(rs.getLong(1), sent, System.nanoTime());
        }
    }

    private static int update(Connection c, String sql, String... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setString(i + 1, args[i]);
            }
            return ps.executeUpdate();
        }
    }
}
