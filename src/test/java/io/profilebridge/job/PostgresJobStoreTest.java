package io.profilebridge.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import io.profilebridge.LogCapture;
import io.profilebridge.api.Api;
import io.profilebridge.api.ApiBucket;
import io.profilebridge.api.ApiBudgets;
import io.profilebridge.api.ApiHolds;
import io.profilebridge.api.CallGate;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The same job store tests on a real PostgreSQL (started from a jar), with the same schema migrations; and what
 * only a shared store has: instances (sessions here) that claim side by side and take over each other's claims.
 */
class PostgresJobStoreTest extends JobStoreTest {

    private static EmbeddedPostgres postgres;
    private static int database;

    @BeforeAll
    static void startPostgres() throws IOException {
        postgres = EmbeddedPostgres.builder().start();
    }

    @AfterAll
    static void stopPostgres() throws IOException {
        postgres.close();
    }

    @Override
    protected String newStoreUrl(Path folder) {
        // a fresh database each time, so each test starts from an empty store
        String name = "jobs_" + (++database);
        try (var connection = postgres.getPostgresDatabase().getConnection();
                var statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
        return postgres.getJdbcUrl("postgres", name);
    }

    @Override
    protected String login() {
        return "postgres";
    }

    private void register(int count) {
        for (int i = 0; i < count; i++) {
            registerDueNow(store, "k" + i);
        }
    }

    /** An OpenProspect job due now by {@code in}'s clock, registered there. */
    private static Job registerDueNow(JobStore in, String key) {
        Job job = new Job(
                UUID.randomUUID().toString(),
                Api.OPENPROSPECT,
                key,
                JobState.RECEIVED,
                "{}",
                "h",
                RequestSource.file(key + ".json"),
                in.now());
        job.nextAttemptAt(in.now());
        in.register(job);
        return job;
    }

    private static List<Job> claimAll(JobStore from, int max) {
        return from.claimDue(WorkQueue.OPENPROSPECT_STARTS, max, wanted -> wanted, id -> false, List.of());
    }

    /**
     * Upgrade audit: a start of a later release migrated the shared store while an instance of the earlier one went on
     * beside it, without a word; the two claim result names and inbox files their own ways. A start waits for such
     * instances to stop, and refuses once its wait is over, naming them; one whose heartbeat has lapsed is no reason.
     */
    @Test
    void aLaterReleaseDoesNotMigrateAStoreAnEarlierOneStillRunsOn() throws Exception {
        String url = previousReleaseStoreWithALiveInstance();
        try (var c = java.sql.DriverManager.getConnection(url, login(), login());
                var s = c.createStatement()) {
            assertThatThrownBy(() -> JobStoreSchema.migrate(url, login(), login(), false, 0))
                    .isInstanceOf(io.profilebridge.StartupFailure.class)
                    .hasMessageContaining("is used by 1 live instance(s) of an earlier release (bridge-old)");
            s.execute("UPDATE bridge_instance SET heartbeat_at = heartbeat_at - 60000");
            assertThat(JobStoreSchema.migrate(url, login(), login(), false, 0)).isEqualTo(1);

            // black-box audit: an instance of the earlier release that was only paused came back beside this one; its
            // session went with the migration, and its registering again is refused
            try (var rs = s.executeQuery("SELECT COUNT(*) FROM bridge_instance")) {
                assertThat(rs.next() && rs.getInt(1) == 0).isTrue();
            }
            assertThatThrownBy(() -> s.execute(
                            "INSERT INTO bridge_instance (session_id, instance_id, started_at, heartbeat_at) VALUES"
                                    + " ('old-session', 'bridge-old', 0, 0)"))
                    .isInstanceOf(java.sql.SQLException.class);
        }
    }

    /**
     * Mutation audit: only a wait of 0 was tested, so the wait before the migration lock could go unnoticed. An
     * earlier-release instance that stops within the wait lets the start migrate the store, after it stopped.
     */
    /**
     * PgBouncer audit: the migration lock was a session's, and behind a transaction pooler the server session outlived
     * the start, so every later start waited on it until its statement timeout. It is a transaction's now, held as
     * long as the start migrates; a wait on it past its bound is named with the session holding it, and the start
     * goes on once that one lets go.
     */
    @Test
    void aStartWaitingForTheMigrationLockNamesItsHolderAndGoesOnOnceItIsFree() throws Exception {
        String url = newStoreUrl(data);
        try (var holder = java.sql.DriverManager.getConnection(url, login(), login());
                var statement = holder.createStatement();
                LogCapture log = LogCapture.start()) {
            statement.execute("SELECT pg_advisory_lock(" + 0x70726f66696c65L + ")");
            var pid = statement.executeQuery("SELECT pg_backend_pid()");
            pid.next();
            String holderPid = pid.getString(1);
            Future<Integer> start = Executors.newSingleThreadExecutor()
                    .submit(() -> JobStoreSchema.migrate(url, login(), login(), false, 0, 200));
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> log.lines().stream().anyMatch(line -> line.contains("migration lock")));
            assertThat(start).isNotDone();
            assertThat(log.lines())
                    .filteredOn(line -> line.contains("migration lock"))
                    .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
                    .contains("WARN")
                    .contains("by the database session " + holderPid)
                    .contains("RECONNECT");
            statement.execute("SELECT pg_advisory_unlock(" + 0x70726f66696c65L + ")");
            assertThat(start.get(30, TimeUnit.SECONDS)).as("scripts applied").isPositive();
        }
        try (var check = java.sql.DriverManager.getConnection(url, login(), login());
                var locks = check.createStatement()
                        .executeQuery("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'")) {
            locks.next();
            assertThat(locks.getInt(1)).as("no lock outlives the start").isZero();
        }
    }

    @Test
    void aLaterReleaseMigratesOnceTheEarlierInstancesStopWithinItsWait() throws Exception {
        String url = previousReleaseStoreWithALiveInstance();
        java.util.concurrent.ScheduledExecutorService stopper =
                java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
        try (var c = java.sql.DriverManager.getConnection(url, login(), login());
                var s = c.createStatement()) {
            // it stops beating 2 s into the wait
            stopper.schedule(
                    () -> {
                        s.execute("UPDATE bridge_instance SET heartbeat_at = heartbeat_at - 60000");
                        return null;
                    },
                    2,
                    TimeUnit.SECONDS);
            long started = System.nanoTime();
            assertThat(JobStoreSchema.migrate(url, login(), login(), false, 20_000))
                    .isEqualTo(1);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(1_500));
        } finally {
            stopper.shutdownNow();
        }
    }

    /** A new store as the previous release made it, with one of its instances beating in it ("bridge-old"). */
    private String previousReleaseStoreWithALiveInstance() throws Exception {
        String url = newStoreUrl(java.nio.file.Files.createTempDirectory(data, "rolling"));
        java.util.List<String> previousRelease =
                new java.util.ArrayList<>(JobStoreSchema.SCRIPTS.subList(0, JobStoreSchema.SCRIPTS.size() - 1));
        previousRelease.add("B13__baseline.sql");
        JobStoreSchema.flyway(url, login(), login(), previousRelease).load().migrate();
        try (var c = java.sql.DriverManager.getConnection(url, login(), login());
                var s = c.createStatement()) {
            s.execute("INSERT INTO bridge_instance (session_id, instance_id, started_at, heartbeat_at) VALUES"
                    + " ('old-session', 'bridge-old', 0, " + io.profilebridge.StoreClock.NOW_MS + ")");
        }
        return url;
    }

    @Test
    void aHeartbeatStoredOnlyAfterTheLapseDropsTheClaimsOfBefore() throws Exception {
        AtomicReference<InstanceLiveness> self = new AtomicReference<>();
        AtomicBoolean slow = new AtomicBoolean();
        AtomicBoolean away = new AtomicBoolean();
        DataSource stalling = (DataSource) Proxy.newProxyInstance(
                DataSource.class.getClassLoader(), new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
                    if (method.getName().equals("getConnection") && away.get()) {
                        throw new SQLException("the store is away");
                    }
                    if (method.getName().equals("getConnection") && slow.get()) {
                        await().atMost(Duration.ofSeconds(5))
                                .until(() -> !self.get().isLive());
                    }
                    try {
                        return method.invoke(dataSource, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        InstanceLiveness liveness = InstanceLiveness.shared(stalling, "stalled", 100, 400);
        self.set(liveness);
        liveness.start();
        int claimedIn = liveness.claimEpoch();
        assertThat(liveness.holds(claimedIn)).isTrue();

        try (LogCapture log = LogCapture.start()) {
            slow.set(true);
            liveness.beat();

            assertThat(liveness.holds(claimedIn))
                    .as("the claims made before the lapse")
                    .isFalse();
            slow.set(false);
            liveness.beat();
            liveness.beat();
            assertThat(log.lines().stream().filter(line -> line.contains("had no heartbeat")))
                    .as("one stall, one line (store-failure audit: the beat after a late one reported it again)")
                    .hasSize(1);

            // review: a later lapse, its beats failing meanwhile, has a line of its own
            away.set(true);
            await().atMost(Duration.ofSeconds(5)).until(() -> {
                liveness.beat();
                return !liveness.isLive();
            });
            liveness.beat();
            // PostgreSQL audit: the cause was in a warning a second, and the health check named none
            assertThat(liveness.lastBeatFailure()).hasValue("the store is away");
            assertThat(log.lines().stream().filter(line -> line.contains("Heartbeat of")))
                    .as("one line per cause, not one per beat")
                    .hasSize(1);
            away.set(false);
            liveness.beat();
            assertThat(log.lines().stream().filter(line -> line.contains("had no heartbeat")))
                    .hasSize(2);
            assertThat(liveness.lastBeatFailure()).isEmpty();
        }
        assertThat(liveness.isLive()).as("beating again").isTrue();
        assertThat(liveness.holds(liveness.claimEpoch()))
                .as("claims made from now on")
                .isTrue();
        assertThat(liveness.holds(claimedIn)).isFalse();
        liveness.stop();
    }

    @Test
    void instancesStartingTogetherOnAnEarlierStoreTakeItOverOnce() throws Exception {
        String url = earlierStore(4, true, true);
        ExecutorService pool = Executors.newFixedThreadPool(3);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<HikariDataSource>> opened = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            opened.add(pool.submit(() -> {
                start.await();
                return JobStoreDataSource.open(url, login(), login(), 4);
            }));
        }
        start.countDown();
        for (Future<HikariDataSource> instance : opened) {
            try (HikariDataSource store = instance.get()) {
                assertThat(flywayHistory(store))
                        .containsExactly("4", "5", "6", "7", "8", "9", "10", "11", "12", "13", "14");
            }
        }
        pool.shutdown();
    }

    @Test
    void concurrentInstancesSplitTheWorkWithoutOverlap() throws Exception {
        register(200);
        Set<String> seen = ConcurrentHashMap.newKeySet();
        List<String> duplicates = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            JobStore instance = storeOf(session("node-" + t));
            futures.add(pool.submit(() -> {
                start.await();
                // what each instance holds, as its dispatcher keeps it: its own live claims are otherwise its to take
                Set<String> inHand = new HashSet<>();
                List<Job> batch;
                while (!(batch = instance.claimDue(
                                WorkQueue.OPENPROSPECT_STARTS, 7, wanted -> wanted, inHand::contains, inHand))
                        .isEmpty()) {
                    for (Job job : batch) {
                        inHand.add(job.id());
                        if (!seen.add(job.id())) {
                            synchronized (duplicates) {
                                duplicates.add(job.id());
                            }
                        }
                    }
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> f : futures) {
            f.get();
        }
        pool.shutdown();
        assertThat(duplicates).isEmpty();
        assertThat(seen).hasSize(200);
    }

    /**
     * Skew audit: the jobs' due times were written on each instance's own clock, so an instance ten minutes ahead made
     * the jobs it touched due ten minutes late for the others (taken over only then after it died), and one behind saw
     * the others' due jobs as not due. They are kept on the store's clock, read at every heartbeat; each instance's
     * own clock is left out.
     */
    @Test
    void instancesWhoseClocksDisagreeJudgeTheSameJobsDue() throws Exception {
        long tenMinutes = 600_000;
        JobStore ahead = storeWithItsClock(
                new SharedStoreClock(() -> System.currentTimeMillis() + tenMinutes, System::nanoTime));
        JobStore behind = storeWithItsClock(
                new SharedStoreClock(() -> System.currentTimeMillis() - tenMinutes, System::nanoTime));
        for (JobStore instance : List.of(ahead, behind)) {
            assertThat(Math.abs(instance.now() - System.currentTimeMillis()))
                    .as("the store's time, not the host's")
                    .isLessThan(5_000);
        }
        Job job = registerDueNow(ahead, "written-ahead");
        // due for the instance behind it within the clock readings' round trips (ms), not ten minutes on (CI: a
        // claim the same millisecond found it a moment ahead)
        List<Job> claimed = new ArrayList<>();
        await().atMost(Duration.ofSeconds(2)).until(() -> claimed.addAll(claimAll(behind, 10)));
        assertThat(claimed)
                .as("due now for an instance behind it too")
                .extracting(Job::id)
                .containsExactly(job.id());
    }

    private JobStore storeWithItsClock(SharedStoreClock clock) {
        InstanceLiveness liveness = InstanceLiveness.shared(dataSource, "skewed", 100, 5_000, clock);
        liveness.start();
        return new JobStore(dataSource, liveness, liveness.clock());
    }

    @Test
    void theClaimsOfAnInstanceThatStoppedHeartbeatingAreTakenOverAfterTheTakeoverTime() throws Exception {
        register(3);
        InstanceLiveness dying = lapsingSession("dying");
        assertThat(claimAll(storeOf(dying), 10)).hasSize(3);
        InstanceLiveness alive = lapsingSession("alive");
        JobStore other = storeOf(alive);
        assertThat(claimAll(other, 10)).as("claimed by a live instance").isEmpty();
        long since = System.nanoTime();
        try (LogCapture logs = LogCapture.start()) {
            // "dying" never beats again; "alive" does
            await().atMost(Duration.ofSeconds(5))
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> {
                        alive.beat();
                        return claimAll(other, 10).size() == 3;
                    });
            alive.beat();
            // takeover audit: the jobs of four killed instances were taken over without a line to say so
            assertThat(logs.lines())
                    .filteredOn(line -> line.contains("Instance dying (session "))
                    .singleElement()
                    .satisfies(line -> assertThat(line).contains("is taken for dead"));
        }
        try (LogCapture logs = LogCapture.start()) {
            InstanceLiveness startedLater = lapsingSession("started-later");
            startedLater.beat();
            assertThat(logs.lines())
                    .as("re-check audit: each start named every session silent for a day again")
                    .noneMatch(line -> line.contains("is taken for dead"));
        }
        assertThat((System.nanoTime() - since) / 1_000_000)
                .as("not before the takeover time")
                .isGreaterThanOrEqualTo(300);
        assertThat(dying.isLive())
                .as("the silent instance knows its claims may be gone")
                .isFalse();
    }

    @Test
    void aJobWhoseStepAndSaveFailedIsHandedBackByTheNextTickNotKeptByItsLiveInstance() throws Exception {
        // cluster audit: after a long store outage two jobs stayed claimed by their own, live instance, not in hand:
        // no claim of a live session takes such a row, so they sat idle with health UP
        register(1);
        InstanceLiveness node = session("node-a");
        JobStore store = storeOf(node);
        Map<ApiBucket, ApiBudgets.Limit> limits = new EnumMap<>(ApiBucket.class);
        for (ApiBucket bucket : ApiBucket.values()) {
            limits.put(bucket, ApiBudgets.Limit.fixed(1000, 1000));
        }
        JobDispatcher dispatcher = new JobDispatcher(
                store,
                ApiBudgets.local(
                        limits, new ApiBudgets.Policy(1000, 60_000, 0.5, 0.1, 10_000), System::currentTimeMillis),
                CallGate.unlimited(),
                node,
                new ApiHolds(60_000),
                4,
                60_000,
                60_000,
                86_400_000);
        List<Job> claimed = dispatcher.claimDueJobs(false);
        assertThat(claimed).hasSize(1);
        // its step failed, and its save with it: the row still names node-a
        dispatcher.handBackLater(claimed.get(0));
        dispatcher.finished(claimed.get(0), false);

        assertThat(dispatcher.claimDueJobs(false))
                .extracting(Job::id)
                .containsExactly(claimed.get(0).id());
    }

    /**
     * Review: a claim reads another instance's scope refusal again once it holds its call place; when that read failed
     * (a connection reset), the place was kept for good, and OpenProspect stopped on this instance with health UP.
     */
    @Test
    void aClaimWhoseSharedRefusalReadFailsGivesItsCallPlaceBack() throws Exception {
        register(1);
        AtomicBoolean inClaim = new AtomicBoolean();
        AtomicBoolean failing = new AtomicBoolean(true);
        DataSource failingRefusalReads = (DataSource) Proxy.newProxyInstance(
                DataSource.class.getClassLoader(), new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
                    Object result = invoke(dataSource, method, args);
                    return method.getName().equals("getConnection")
                            ? failingRefusalReadsIn((java.sql.Connection) result, inClaim, failing)
                            : result;
                });
        InstanceLiveness node = session("node-a");
        Map<ApiBucket, ApiBudgets.Limit> limits = new EnumMap<>(ApiBucket.class);
        for (ApiBucket bucket : ApiBucket.values()) {
            limits.put(bucket, ApiBudgets.Limit.fixed(1000, 1000));
        }
        ApiBudgets budgets = ApiBudgets.shared(
                failingRefusalReads,
                new io.profilebridge.api.ApiCredentials().with(Api.OPENPROSPECT, "op-key-read-fails"),
                limits,
                new ApiBudgets.Policy(1000, 60_000, 0.5, 0.1, 10_000),
                System::currentTimeMillis,
                () -> System.currentTimeMillis() * 1_000_000);
        CallGate gate = new CallGate(Map.of(ApiBucket.OPENPROSPECT, 1), Map.of());
        JobDispatcher dispatcher = new JobDispatcher(
                new JobStore(failingRefusalReads, node, java.time.Clock.systemUTC()),
                budgets,
                gate,
                node,
                new ApiHolds(60_000),
                4,
                60_000,
                60_000,
                86_400_000);

        assertThat(dispatcher.claimDueJobs(false)).isEmpty();
        assertThat(dispatcher.problem())
                .hasValueSatisfying(problem -> assertThat(problem).contains("cannot read a shared pause"));
        assertThat(gate.inFlight(ApiBucket.OPENPROSPECT))
                .as("the place given back")
                .isZero();
        failing.set(false);
        assertThat(dispatcher.claimDueJobs(false)).hasSize(1);
    }

    /** A connection whose reads of a shared pause fail while a claim's query is open on another one. */
    private static java.sql.Connection failingRefusalReadsIn(
            java.sql.Connection connection, AtomicBoolean inClaim, AtomicBoolean failing) {
        return (java.sql.Connection) Proxy.newProxyInstance(
                java.sql.Connection.class.getClassLoader(),
                new Class<?>[] {java.sql.Connection.class},
                (proxy, method, args) -> {
                    String name = method.getName();
                    if (name.equals("prepareStatement") && args[0] instanceof String sql) {
                        if (sql.contains("SKIP LOCKED")) {
                            inClaim.set(true);
                        } else if (sql.contains("paused_until -") && inClaim.get() && failing.get()) {
                            throw new SQLException("An I/O error occurred while sending to the backend.");
                        }
                    }
                    if (name.equals("commit") || name.equals("rollback") || name.equals("close")) {
                        inClaim.set(false);
                    }
                    return invoke(connection, method, args);
                });
    }

    private static Object invoke(Object target, java.lang.reflect.Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /**
     * PostgreSQL audit: a claim locked the rows of the jobs in hand while it asked for its places, which takes another
     * connection of the pool; those jobs' saves waited for the claim while holding the pool's other connections, so
     * with a small pool claims, saves and heartbeats stalled each other for the pool's timeout. A row in hand is left
     * unlocked: its save goes through while a claim is open.
     */
    @Test
    void aJobInHandIsSavedWhileAClaimAsksForItsPlaces() throws Exception {
        register(2);
        JobStore store = storeOf(session("node-a"));
        Job held = claimAll(store, 1).get(0);
        AtomicBoolean savedDuringTheClaim = new AtomicBoolean();
        List<Job> claimed = store.claimDue(
                WorkQueue.OPENPROSPECT_STARTS,
                10,
                wanted -> {
                    held.attempts(1);
                    try {
                        savedDuringTheClaim.set(CompletableFuture.supplyAsync(() -> store.save(held, true))
                                .get(5, TimeUnit.SECONDS));
                    } catch (Exception waitedForTheClaim) {
                        savedDuringTheClaim.set(false);
                    }
                    return wanted;
                },
                held.id()::equals,
                List.of(held.id()));
        assertThat(savedDuringTheClaim).isTrue();
        assertThat(claimed).extracting(Job::id).hasSize(1).doesNotContain(held.id());
    }

    @Test
    void aRowItsOwnLiveSessionClaimedButDoesNotHoldIsClaimedAgainWhileOneInHandIsNot() throws Exception {
        // cluster audit: after a store outage, rows claimed by their own live instance stayed so for good (a worker
        // dropped its copy after the lapse, or a hand-back met a save that had committed unseen); no live session's
        // claim took them, and the instance heartbeat on
        register(2);
        InstanceLiveness node = session("node-a");
        JobStore store = storeOf(node);
        List<Job> claimed = claimAll(store, 10);
        assertThat(claimed).hasSize(2);
        String held = claimed.get(0).id();
        assertThat(store.claimDue(WorkQueue.OPENPROSPECT_STARTS, 10, wanted -> wanted, held::equals, List.of(held)))
                .extracting(Job::id)
                .containsExactly(claimed.get(1).id());
        node.beat();
        assertThat(claimAll(storeOf(session("node-b")), 10))
                .as("another live instance still leaves them alone")
                .isEmpty();
    }

    /**
     * A claim passes over the rows another instance's claim holds locked, not waiting for them (mutation audit: a claim
     * without SKIP LOCKED passed every test, the rows' versions keeping claims apart; it waits for the other's
     * transaction, and every instance's claims queue behind the slowest).
     */
    @Test
    void aClaimPassesOverTheRowsAnotherClaimHoldsLocked() throws Exception {
        register(3);
        JobStore store = storeOf(session("node-a"));
        try (var other = dataSource.getConnection()) {
            other.setAutoCommit(false);
            try (var lock =
                    other.prepareStatement("SELECT id FROM bridge_job WHERE idempotency_key = 'k0' FOR UPDATE")) {
                lock.executeQuery().close();
            }
            try {
                List<Job> claimed =
                        CompletableFuture.supplyAsync(() -> claimAll(store, 10)).get(10, TimeUnit.SECONDS);
                assertThat(claimed).extracting(Job::idempotencyKey).containsExactlyInAnyOrder("k1", "k2");
            } finally {
                other.rollback();
            }
        }
    }

    @Test
    void aClaimOfOneQueueTakesItsOwnJobsOnly() throws Exception {
        // OpenProspect's creations and status reads are two queues of one bucket: the query runs with FOR UPDATE SKIP
        // LOCKED here
        register(2);
        JobStore store = storeOf(session("node-a"));
        assertThat(store.claimDue(WorkQueue.OPENPROSPECT_READS, 10, wanted -> wanted, id -> false, List.of()))
                .as("no read is due")
                .isEmpty();
        assertThat(store.claimDue(WorkQueue.OPENPROSPECT_STARTS, 10, wanted -> wanted, id -> false, List.of()))
                .extracting(Job::state)
                .containsExactly(JobState.RECEIVED, JobState.RECEIVED);
    }

    @Test
    void aRestartedInstanceTakesBackTheClaimsOfItsLastRunOnceThatRunsHeartbeatHasLapsed() throws Exception {
        register(2);
        assertThat(claimAll(storeOf(lapsingSession("node-a")), 10)).hasSize(2);
        long lapsed = System.nanoTime() + 500_000_000L;
        await().pollInterval(Duration.ofMillis(50)).until(() -> System.nanoTime() - lapsed > 0);
        InstanceLiveness restarted = InstanceLiveness.shared(dataSource, "node-a", 100, 400);
        assertThat(restarted.start()).as("claims freed at its start").isEqualTo(2);
        assertThat(claimAll(storeOf(restarted), 10)).hasSize(2);
    }

    /**
     * Cluster audit: a start under the id of a running instance freed that instance's claims while its call was out,
     * and the same creation went out twice. The start watches the id's live session for two heartbeats, sees it beat,
     * and stops naming the id; one that does not beat is the id's last run, whose claims wait for the takeover.
     */
    @Test
    void aStartUnderTheIdOfARunningInstanceIsRefusedAndFreesNothing() throws Exception {
        register(2);
        InstanceLiveness running = session("node-a");
        assertThat(claimAll(storeOf(running), 1)).hasSize(1);
        var beats = Executors.newSingleThreadScheduledExecutor();
        beats.scheduleAtFixedRate(running::beat, 0, 100, TimeUnit.MILLISECONDS);
        try {
            InstanceLiveness namesake = InstanceLiveness.shared(dataSource, "node-a", 100, 5_000);
            assertThatThrownBy(namesake::start)
                    .isInstanceOf(io.profilebridge.StartupFailure.class)
                    .hasMessageContaining("bridge.instance-id node-a is in use by a running instance");
        } finally {
            beats.shutdownNow();
        }
        assertThat(claimAll(storeOf(session("node-b")), 10))
                .as("the running instance's claim stays its own")
                .hasSize(1);
        InstanceLiveness restarted = InstanceLiveness.shared(dataSource, "node-b", 100, 5_000);
        assertThat(restarted.start())
                .as("a last run that beats no more: its claims wait for the takeover")
                .isZero();
    }

    @Test
    void anInstanceThatMissedItsHeartbeatsNoLongerHoldsWhatItClaimedBefore() throws Exception {
        InstanceLiveness liveness = lapsingSession("paused");
        int epoch = liveness.epoch();
        assertThat(liveness.holds(epoch)).isTrue();
        await().atMost(Duration.ofSeconds(2)).until(() -> !liveness.isLive());
        liveness.beat();
        assertThat(liveness.isLive()).isTrue();
        assertThat(liveness.holds(epoch)).as("claims of before the lapse").isFalse();
        assertThat(liveness.holds(liveness.epoch())).isTrue();
    }

    /**
     * Pause audit: an instance that stood still (SIGSTOP) inside a transaction held the locks of its uncommitted insert,
     * and another instance's intake of the same request waited with its whole group commit for as long as it stood.
     * PostgreSQL ends such a session after the takeover time.
     */
    @Test
    void aSessionStandingStillInsideATransactionIsEndedByTheServer() throws Exception {
        assertThat(setting(dataSource, "idle_in_transaction_session_timeout"))
                .isEqualTo(JobStoreDataSource.POSTGRES_IDLE_IN_TRANSACTION);
    }

    /** A setting of a session of {@code pool}, as PostgreSQL shows it. */
    private static String setting(javax.sql.DataSource pool, String name) throws Exception {
        try (var c = pool.getConnection();
                var s = c.createStatement();
                var rs = s.executeQuery("SHOW " + name)) {
            assertThat(rs.next()).isTrue();
            return rs.getString(1);
        }
    }

    /**
     * Read-only store audit: a statement queued on an operator's table lock stayed on the server after the driver gave
     * up on it at its read timeout, and the pool opened a new session: 25 sessions of a pool of 10 within two minutes.
     * The server cancels a statement before the driver gives up on it; a URL naming the setting wins.
     */
    @Test
    void theServerEndsAStatementBeforeTheDriverGivesUpOnIt() throws Exception {
        assertThat(setting(dataSource, "statement_timeout"))
                .isEqualTo(JobStoreDataSource.POSTGRES_STATEMENT_TIMEOUT)
                .isEqualTo("25s");
        String url = postgres.getJdbcUrl("postgres", "postgres") + "&options=-c%20statement_timeout%3D1s";
        try (HikariDataSource own = JobStoreDataSource.pool(url, "postgres", "", 1)) {
            assertThat(setting(own, "statement_timeout")).isEqualTo("1s");
            assertThat(setting(own, "idle_in_transaction_session_timeout"))
                    .isEqualTo(JobStoreDataSource.POSTGRES_IDLE_IN_TRANSACTION);
        }
    }

    /**
     * Mutation audit: a session whose row went (the migration removes an earlier release's, an operator may clear the
     * table) registers again at its next heartbeat, naming this release's schema, so other instances see it live.
     */
    @Test
    void aSessionWhoseRowWentRegistersAgainAtItsNextHeartbeat() throws Exception {
        InstanceLiveness liveness = session("cleared");
        try (var c = dataSource.getConnection();
                var s = c.createStatement()) {
            s.execute("DELETE FROM bridge_instance WHERE instance_id = 'cleared'");
            liveness.beat();
            try (var rs = s.executeQuery("SELECT schema_version FROM bridge_instance WHERE instance_id = 'cleared'")) {
                assertThat(rs.next()).as("registered again").isTrue();
                assertThat(rs.getInt(1)).isEqualTo(JobStoreSchema.schemaVersion());
            }
        } finally {
            liveness.stop();
        }
    }

    /**
     * PostgreSQL audit: a frozen server held every connection of the pool until it thawed, so claims, saves and
     * heartbeats waited without end. A statement left unanswered fails after the driver's read timeout, 30 s by
     * default, and a {@code socketTimeout} in the store URL wins (here 1 s, against a statement that takes 20).
     */
    @Test
    void aStatementLeftUnansweredFailsAfterTheReadTimeout() throws Exception {
        assertThat(dataSource.getDataSourceProperties()).containsEntry("socketTimeout", "30");
        String url = postgres.getJdbcUrl("postgres", "postgres") + "&socketTimeout=1";
        long started = System.nanoTime();
        try (HikariDataSource pool = JobStoreDataSource.pool(url, "postgres", "", 1);
                var c = pool.getConnection();
                var s = c.createStatement()) {
            assertThatThrownBy(() -> s.execute("SELECT pg_sleep(20)")).isInstanceOf(SQLException.class);
        }
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
    }

    /** Review: a heartbeat that comes after the stop removed the session must not register it again. */
    @Test
    void aStoppedSessionIsNotRegisteredAgainByALateHeartbeat() throws Exception {
        InstanceLiveness liveness = session("stopped");
        liveness.stop();
        liveness.beat();
        try (var c = dataSource.getConnection();
                var s = c.createStatement();
                var rs = s.executeQuery("SELECT 1 FROM bridge_instance WHERE instance_id = 'stopped'")) {
            assertThat(rs.next()).as("no session row after the stop").isFalse();
        }
    }
}
