package io.profilebridge.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import io.profilebridge.Json;
import io.profilebridge.LogCapture;
import io.profilebridge.MovableClock;
import io.profilebridge.api.Api;
import io.profilebridge.api.ApiAnswer;
import io.profilebridge.api.ApiBucket;
import io.profilebridge.api.ApiBudgets;
import io.profilebridge.api.ApiCallRoutes;
import io.profilebridge.api.ApiCredentials;
import io.profilebridge.api.ApiError;
import io.profilebridge.api.ApiHolds;
import io.profilebridge.api.CallGate;
import io.profilebridge.api.KeyMask;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import java.util.function.IntUnaryOperator;
import java.util.function.Predicate;
import org.apache.camel.component.http.HttpMethods;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the dispatcher hands out, and what it notices, on the real embedded store. */
class JobDispatcherTest {

    private static final int WORKERS = 4;
    private static final long STUCK_STEP_MS = 10_000;
    private static final long MAX_AGE_MS = 30_000;

    @TempDir
    Path data;

    HikariDataSource dataSource;
    final MovableClock clock = new MovableClock();
    JobStore store;
    ApiBudgets budgets;
    JobDispatcher dispatcher;
    final InstanceLiveness liveness = InstanceLiveness.single("test");
    final ApiHolds holds = new ApiHolds(60_000);

    @BeforeEach
    void open() {
        dataSource = JobStoreDataSource.open(JobStoreDataSource.defaultUrl(data), "", "", 4);
        store = new JobStore(dataSource, liveness, clock);
        Map<ApiBucket, ApiBudgets.Limit> limits = new EnumMap<>(ApiBucket.class);
        for (ApiBucket bucket : ApiBucket.values()) {
            limits.put(bucket, ApiBudgets.Limit.fixed(1000, 1000));
        }
        budgets = ApiBudgets.local(limits, new ApiBudgets.Policy(1000, 60_000, 0.5, 0.1, 10_000), clock::millis);
        dispatcher = dispatcher(store, CallGate.unlimited());
    }

    /**
     * The store, its claims going through {@code around}: given the claim (as a function of its in-hand check) and the
     * dispatcher's in-hand check, it answers the claimed jobs.
     */
    private JobStore claimingThrough(
            java.util.function.BiFunction<
                            java.util.function.Function<java.util.function.Predicate<String>, List<Job>>,
                            java.util.function.Predicate<String>,
                            List<Job>>
                    around) {
        return new JobStore(dataSource, liveness, clock) {
            @Override
            public List<Job> claimDue(
                    WorkQueue queue,
                    int max,
                    java.util.function.IntUnaryOperator permits,
                    java.util.function.Predicate<String> inHand,
                    java.util.Collection<String> inHandIds) {
                return around.apply(check -> super.claimDue(queue, max, permits, check, inHandIds), inHand);
            }
        };
    }

    private JobDispatcher dispatcher(JobStore from, CallGate gate) {
        return new JobDispatcher(from, budgets, gate, liveness, holds, WORKERS, STUCK_STEP_MS, 30_000, MAX_AGE_MS);
    }

    /**
     * A dispatcher whose holds probe every 10 s: shorter than the jobs' maximum age, so that no job is claimed to be
     * given up meanwhile.
     */
    private JobDispatcher probingEvery10s(ApiHolds holds) {
        return new JobDispatcher(
                store, budgets, CallGate.unlimited(), liveness, holds, WORKERS, 60_000, 30_000, MAX_AGE_MS);
    }

    @AfterEach
    void close() {
        dataSource.close();
    }

    private void register(Api api, int count) {
        register(api, JobState.RECEIVED, count);
    }

    private void register(Api api, JobState state, int count) {
        for (int i = 0; i < count; i++) {
            Job job = new Job(
                    UUID.randomUUID().toString(),
                    api,
                    api + "-" + UUID.randomUUID(),
                    state,
                    "{}",
                    "h",
                    RequestSource.file("f" + i + ".json"),
                    clock.millis());
            job.nextAttemptAt(clock.millis());
            store.register(job);
        }
    }

    /**
     * A claim whose later query fails hands back the jobs its earlier queries took: they were in hand with no worker
     * until the stuck-step check gave them up (constrained-host audit, out of file descriptors).
     */
    @Test
    void aClaimThatFailsPartWayHandsBackWhatItTook() {
        register(Api.OPENPROSPECT, 2);
        register(Api.ORBIT, 2);
        AtomicInteger queries = new AtomicInteger();
        JobStore failingSecond = claimingThrough((claim, inHand) -> {
            List<Job> due = claim.apply(inHand);
            if (!due.isEmpty() && queries.incrementAndGet() == 2) {
                throw new JobStoreException("Too many open files", new java.sql.SQLException("Too many open files"));
            }
            return due;
        });
        JobDispatcher failing = dispatcher(failingSecond, CallGate.unlimited());

        assertThat(failing.claimDueJobs(false))
                .as("the failure reported, nothing handed out")
                .isEmpty();
        assertThat(failing.inHand()).as("nothing left in hand without a worker").isZero();
        assertThat(failing.claimDueJobs(false)).as("all due again").hasSize(4);
    }

    /**
     * Constrained-host audit (the fix had no test, mutation audit): a claim that read a job's row before its worker
     * saved it, and looked it up after the worker gave it back, found it neither in hand nor given back and worked it
     * a second time from its old state. A job given back during a claim is not handed out by that claim.
     */
    @Test
    void aJobGivenBackWhileAClaimReadsItsOldRowIsNotHandedOutAgain() {
        register(Api.OPENPROSPECT, 1);
        AtomicReference<Runnable> betweenReadAndCheck = new AtomicReference<>();
        // the rows are read before the in-hand check: the worker finishes in between
        JobStore racing = claimingThrough((claim, inHand) -> claim.apply(id -> {
            Runnable worker = betweenReadAndCheck.getAndSet(null);
            if (worker != null) {
                worker.run();
            }
            return inHand.test(id);
        }));
        JobDispatcher racingDispatcher = dispatcher(racing, CallGate.unlimited());
        Job job = racingDispatcher.claimDueJobs(false).get(0);

        job.state(JobState.SUBMITTED);
        job.nextAttemptAt(clock.millis() + 60_000);
        betweenReadAndCheck.set(() -> {
            store.save(job, false);
            racingDispatcher.finished(job, true);
        });
        assertThat(racingDispatcher.claimDueJobs(false)).as("the old row's job").isEmpty();
        assertThat(betweenReadAndCheck.get())
                .as("the worker finished during the claim")
                .isNull();
        assertThat(racingDispatcher.inHand()).isZero();
    }

    /**
     * Answers audit: a job whose failed step could not be saved either (a value its store refuses) stayed due as stored
     * and was claimed again at once, its create sent 18 times a second. It is held off here for its backoff.
     */
    @Test
    void aJobHeldOffIsNotClaimedAgainBeforeItsDelay() {
        register(Api.OPENPROSPECT, 1);
        Job job = dispatcher.claimDueJobs(false).get(0);
        dispatcher.holdOff(job, 60_000);
        dispatcher.finished(job, false);
        assertThat(dispatcher.claimDueJobs(false)).as("held off for a minute").isEmpty();

        Job again = store.findById(job.id()).orElseThrow();
        dispatcher.holdOff(again, 0);
        assertThat(dispatcher.claimDueJobs(false))
                .as("a shorter hold-off keeps the longer")
                .isEmpty();
    }

    /**
     * Review: a job held off at the head of its queue took the one row a claim of one call place reads, so the due
     * jobs behind it waited out its hold-off (73 s measured) with the API idle.
     */
    @Test
    void aJobHeldOffLetsTheDueJobsBehindItBeClaimed() {
        JobDispatcher gated = dispatcher(store, onePlacePerBucket());
        register(Api.OPENPROSPECT, 1);
        Job heldOff = gated.claimDueJobs(false).get(0);
        gated.holdOff(heldOff, 60_000);
        gated.finished(heldOff, false);
        clock.move(1);
        register(Api.OPENPROSPECT, 1);

        assertThat(gated.claimDueJobs(false))
                .as("the job due behind the one held off")
                .hasSize(1)
                .noneMatch(job -> job.id().equals(heldOff.id()));
    }

    @Test
    void aWorkerFailureShowsWhileWorkIsLeftAndNoLongerOnceNoneIs() {
        // cluster audit: after a store outage an idle instance said DOWN on job-workers for more than a minute, with
        // the store fine and nothing pending: only a later step cleared it, and none came
        register(Api.OPENPROSPECT, 1);
        Job job = dispatcher.claimDueJobs(false).get(0);
        dispatcher.workerFailed(job, new IllegalStateException("Connection is not available"));
        job.nextAttemptAt(clock.millis() + 60_000);
        store.save(job, false);
        dispatcher.finished(job, false);
        assertThat(dispatcher.claimDueJobs(false)).isEmpty();
        assertThat(dispatcher.problem())
                .as("its job is still pending")
                .hasValueSatisfying(problem -> assertThat(problem).contains("a job worker failed"));

        job.state(JobState.DELIVERED);
        store.save(job, false);
        assertThat(dispatcher.claimDueJobs(false)).isEmpty();
        assertThat(dispatcher.problem()).as("nothing left that could fail").isEmpty();
    }

    @Test
    void anApiRefusingOurKeyGetsOneJobPerProbeIntervalUntilItAcceptsUsAgain() {
        // before: every due job of a held API was claimed, refused and held again; on a shared store an instance
        // with a refused key so held other instances' jobs for a minute each (cluster audit)
        register(Api.ORBIT, 3);
        holds.hold(Api.ORBIT, ApiError.of("developer_api_key_invalid", "Missing or invalid API key"));
        List<Job> probe = dispatcher.claimDueJobs(false);
        assertThat(probe).as("one job finds out whether the hold has lifted").hasSize(1);
        dispatcher.finished(probe.get(0), true);
        assertThat(dispatcher.claimDueJobs(false))
                .as("within the probe interval")
                .isEmpty();
        clock.move(60_000);
        assertThat(dispatcher.claimDueJobs(false)).hasSize(1);
        holds.observe(ApiBucket.ORBIT_READS, HttpMethods.GET, new ApiAnswer(200, null, null, null, null));
        assertThat(dispatcher.claimDueJobs(false))
                .as("the key's hold lifted by any of the API's calls")
                .hasSize(2);
    }

    /**
     * Once no request waits for a held bucket (its last were given up past their age, or ended otherwise), its probe
     * finds nothing and the hold lifts: the API's health check is UP again (operations audit: it stayed DOWN, and
     * readiness with it, until a new request's call was accepted). So is a missing key's.
     */
    @Test
    void aHoldNoRequestWaitsForAnyMoreIsLiftedAMissingKeysToo() {
        register(Api.ORBIT, 1);
        holds.hold(Api.ORBIT, ApiError.of("developer_api_key_invalid", "Missing or invalid API key"));
        holds.hold(Api.OPENPROSPECT, ApiError.of(ApiAnswer.API_KEY_MISSING, "no openprospect.api-key is configured"));
        List<Job> probe = dispatcher.claimDueJobs(false);
        assertThat(probe).hasSize(1);
        // operations audit: the reads' hold lifted while a start was held, and the next refusal held them again, an
        // INFO and a WARN each probe interval; a refused key is lifted for all its buckets at once
        assertThat(holds.hold(ApiBucket.ORBIT_READS))
                .as("nothing waits for Orbit's reads, but the key is refused")
                .isPresent();
        assertThat(holds.hold(ApiBucket.ORBIT_STARTS))
                .as("the start it holds is in hand")
                .isPresent();

        // the job ends (given up past its age, say): its row leaves the queues
        Job given = probe.get(0);
        given.state(JobState.FAILED);
        store.save(given, false);
        dispatcher.finished(given, true);
        clock.move(60_000);
        assertThat(dispatcher.claimDueJobs(false)).isEmpty();
        assertThat(holds.hold(Api.ORBIT)).as("no request is held").isEmpty();
        // operations audit: a bridge run for one API, the other's key left out, was DOWN for good
        assertThat(holds.hold(Api.OPENPROSPECT))
                .as("no request waits for the API without a key")
                .isEmpty();
        register(Api.OPENPROSPECT, 1);
        assertThat(dispatcher.claimDueJobs(false))
                .as("its call is made, sends nothing, and holds the API again")
                .hasSize(1);
    }

    /**
     * Operations audit: a run's reads held by a refused key, with no start waiting, had the starts' hold lifted at each
     * probe interval ("No request waits ... the hold is lifted") and held again by the next read's refusal (a WARN): two
     * lines a minute for as long as the run waited, and the held gauge flickering to 0.
     */
    @Test
    void aRefusedKeyStaysHeldForEveryBucketWhileARequestWaitsForAny() {
        register(Api.ORBIT, JobState.POLLING, 1);
        holds.hold(Api.ORBIT, ApiError.of("developer_api_key_invalid", "Missing or invalid API key"));
        for (int interval = 0; interval < 3; interval++) {
            List<Job> probe = dispatcher.claimDueJobs(false);
            assertThat(probe).extracting(Job::state).containsExactly(JobState.POLLING);
            dispatcher.finished(probe.get(0), true);
            assertThat(holds.hold(ApiBucket.ORBIT_STARTS))
                    .as("no start waits, but a read does")
                    .isPresent();
            clock.move(60_000);
        }
    }

    @Test
    void aWantOfCreditsHoldsTheStartsOnlyAndTheRunsAlreadyPaidForAreStillRead() throws Exception {
        // black-box audit: a 402 on an Orbit start held every Orbit call, so the runs already started (and paid for)
        // were not read while the balance was short; Orbit's docs: "Status polling (GET) is free"
        ApiHolds holds = new ApiHolds(10_000);
        JobDispatcher dispatcher = probingEvery10s(holds);
        register(Api.ORBIT, JobState.RECEIVED, 2);
        register(Api.ORBIT, JobState.POLLING, 2);
        ApiAnswer creditsShort = new ApiAnswer(
                402,
                Json.parse("{\"error\": {\"code\": \"developer_api_credits_insufficient\", \"message\": \"low\","
                        + " \"requiredCredits\": 10, \"remainingCredits\": 3}}"),
                null,
                null,
                null);
        holds.observe(ApiBucket.ORBIT_STARTS, HttpMethods.POST, creditsShort);
        assertThat(holds.hold(Api.ORBIT))
                .hasValueSatisfying(error -> assertThat(error.code()).isEqualTo("developer_api_credits_insufficient"));
        List<Job> claimed = dispatcher.claimDueJobs(false);
        assertThat(claimed)
                .as("both reads; no start, the 402 being the hold's latest probe")
                .extracting(Job::state)
                .containsExactlyInAnyOrder(JobState.POLLING, JobState.POLLING);
        clock.move(10_000);
        List<Job> probe = dispatcher.claimDueJobs(false);
        assertThat(probe)
                .as("one start as the hold's probe, a probe interval later")
                .extracting(Job::state)
                .containsExactly(JobState.RECEIVED);
        probe.forEach(job -> dispatcher.finished(job, true));
        holds.observe(ApiBucket.ORBIT_READS, HttpMethods.GET, new ApiAnswer(200, null, null, null, null));
        clock.move(1000);
        assertThat(dispatcher.claimDueJobs(false))
                .as("a free read says nothing of the credits: the starts wait for the next probe")
                .isEmpty();
        holds.observe(ApiBucket.ORBIT_STARTS, HttpMethods.POST, new ApiAnswer(202, null, null, null, null));
        assertThat(dispatcher.claimDueJobs(false)).as("a start went through").hasSize(2);
        assertThat(holds.hold(Api.ORBIT)).isEmpty();
    }

    @Test
    void anOpenProspectKeyWithoutTheWriteScopeHoldsItsCreationsAndItsRunsAreStillRead() throws Exception {
        // audit: a 403 on a creation (orders:write missing) held the status reads (orders:read) too
        ApiHolds holds = new ApiHolds(10_000);
        JobDispatcher dispatcher = probingEvery10s(holds);
        register(Api.OPENPROSPECT, JobState.RECEIVED, 2);
        register(Api.OPENPROSPECT, JobState.POLLING, 2);
        holds.observe(
                ApiBucket.OPENPROSPECT,
                HttpMethods.POST,
                new ApiAnswer(403, Json.parse("{\"detail\": \"Missing orders:write\"}"), null, null, null));
        assertThat(dispatcher.claimDueJobs(false))
                .as("both reads; no creation, the 403 being the hold's latest probe")
                .extracting(Job::state)
                .containsExactlyInAnyOrder(JobState.POLLING, JobState.POLLING);
        clock.move(10_000);
        assertThat(dispatcher.claimDueJobs(false))
                .as("one creation as the hold's probe")
                .extracting(Job::state)
                .containsExactly(JobState.RECEIVED);
    }

    @Test
    void whileAnApiRefusesOurKeyItsJobsPastTheirAgeAreStillClaimedToBeGivenUp() {
        // before: only the hold's probe was claimed, one job per interval, so a held API's jobs outlived
        // bridge.retry.max-age-ms by as many intervals as there were jobs before them
        register(Api.ORBIT, 3);
        holds.hold(Api.ORBIT, ApiError.of("insufficient_credits", "No credits left"));
        Job probe = dispatcher.claimDueJobs(false).get(0);
        dispatcher.finished(probe, true);
        clock.move(1000);
        register(Api.ORBIT, 1);
        clock.move(MAX_AGE_MS - 999);
        List<Job> pastAge = dispatcher.claimDueJobs(false);
        assertThat(pastAge)
                .as("the three past their age, within the probe interval; not the younger one")
                .hasSize(3)
                .allSatisfy(job -> assertThat(job.createdAt()).isLessThan(clock.millis() - MAX_AGE_MS));
        pastAge.forEach(job -> dispatcher.finished(job, true));
        clock.move(1001);
        assertThat(dispatcher.claimDueJobs(false))
                .as("the younger one is past its age now too, but they are looked for once per probe interval")
                .isEmpty();
    }

    @Test
    void itClaimsNoMoreThanTheFreeWorkersAndSaysWhenWorkWasLeft() {
        register(Api.OPENPROSPECT, 6);
        List<Job> first = dispatcher.claimDueJobs(false);
        assertThat(first).hasSize(WORKERS);
        assertThat(dispatcher.workLeft()).isTrue();
        assertThat(dispatcher.claimDueJobs(false)).as("no worker free").isEmpty();
        dispatcher.finished(first.get(0), true);
        List<Job> next = dispatcher.claimDueJobs(false);
        assertThat(next).hasSize(1).doesNotContainAnyElementsOf(first);
        assertThat(dispatcher.claimDueJobs(true)).as("while stopping").isEmpty();
    }

    /** The real store, telling each claim's queue and row limit to {@code seen} first. */
    private JobStore claimsSeenBy(BiConsumer<WorkQueue, Integer> seen) {
        return new JobStore(dataSource, liveness, clock) {
            @Override
            public List<Job> claimDue(
                    WorkQueue queue,
                    int max,
                    IntUnaryOperator permits,
                    Predicate<String> inHand,
                    java.util.Collection<String> inHandIds) {
                seen.accept(queue, max);
                return super.claimDue(queue, max, permits, inHand, inHandIds);
            }
        };
    }

    private static CallGate onePlacePerBucket() {
        Map<ApiBucket, Integer> onePlace = new EnumMap<>(ApiBucket.class);
        for (ApiBucket bucket : ApiBucket.values()) {
            onePlace.put(bucket, 1);
        }
        return new CallGate(onePlace, Map.of());
    }

    @Test
    void aClaimReadsNoMoreRowsOfABucketThanItsPlacesInTheCallGate() {
        // every row a claim reads is parsed (request, source, trace context): with one call in flight per bucket,
        // reading a row per free worker parsed rows only to drop all but one
        Map<WorkQueue, Integer> rowsAskedFor = new EnumMap<>(WorkQueue.class);
        JobDispatcher gated = dispatcher(claimsSeenBy(rowsAskedFor::put), onePlacePerBucket());
        register(Api.OPENPROSPECT, 6);
        assertThat(gated.claimDueJobs(false)).hasSize(1);
        assertThat(rowsAskedFor).containsEntry(WorkQueue.DELIVERIES, WORKERS);
        assertThat(rowsAskedFor).containsEntry(WorkQueue.OPENPROSPECT_STARTS, 1);
    }

    @Test
    void aClaimThatFailsAfterTakingItsPlacesGivesThemBack() {
        // cluster audit: a connection dropped between the places taken and the claim's commit left the bucket full
        // for good, nothing in flight, and the bridge idle with health UP
        boolean[] failing = {true};
        JobStore flaky = new JobStore(dataSource, liveness, clock) {
            @Override
            public List<Job> claimDue(
                    WorkQueue queue,
                    int max,
                    IntUnaryOperator permits,
                    Predicate<String> inHand,
                    java.util.Collection<String> inHandIds) {
                if (failing[0] && queue == WorkQueue.OPENPROSPECT_STARTS) {
                    permits.applyAsInt(max);
                    throw new JobStoreException(
                            "cannot claim due jobs of openprospect",
                            new java.sql.SQLException("Connection to 127.0.0.1:5432 refused"));
                }
                return super.claimDue(queue, max, permits, inHand, inHandIds);
            }
        };
        CallGate gate = onePlacePerBucket();
        JobDispatcher gated = dispatcher(flaky, gate);
        register(Api.OPENPROSPECT, 2);

        try (LogCapture logs = LogCapture.start()) {
            assertThat(gated.claimDueJobs(false)).isEmpty();
            assertThat(gated.problem())
                    .hasValueSatisfying(problem -> assertThat(problem).contains("claiming"));
            assertThat(gate.inFlight(ApiBucket.OPENPROSPECT)).isZero();
            failing[0] = false;
            assertThat(gated.claimDueJobs(false)).hasSize(1);
            // store-failure audit: the line named no refused connection, and nothing said when claims worked again
            assertThat(logs.lines())
                    .anySatisfy(line -> assertThat(line)
                            .contains("Claiming due jobs failed")
                            .contains("Connection to 127.0.0.1:5432 refused"))
                    .anySatisfy(line -> assertThat(line).contains("Claiming due jobs works again"));
        }
    }

    @Test
    void aPlaceGivenBackIsHandedOnWithOneQueryOfItsBucketsQueues() {
        // with one call in flight per bucket every answered call hands its place on; that claim queried all five
        // queues (and read the shared budgets) as a tick does, for the one bucket whose place was free
        List<WorkQueue> queried = new ArrayList<>();
        JobDispatcher gated = dispatcher(claimsSeenBy((queue, max) -> queried.add(queue)), onePlacePerBucket());
        register(Api.OPENPROSPECT, 3);
        register(Api.ORBIT, 2);
        List<Job> first = gated.claimDueJobs(false);
        assertThat(first).extracting(Job::api).containsExactlyInAnyOrder(Api.OPENPROSPECT, Api.ORBIT);
        Job call = first.stream()
                .filter(job -> job.api() == Api.OPENPROSPECT)
                .findFirst()
                .orElseThrow();

        queried.clear();
        assertThat(gated.claimForPlacesGivenBack(false))
                .as("no place given back")
                .isEmpty();
        assertThat(queried).isEmpty();
        assertThat(gated.callsDone(call)).as("a job of the bucket waits").isTrue();
        List<Job> next = gated.claimForPlacesGivenBack(false);
        assertThat(next).hasSize(1).allSatisfy(job -> assertThat(job.api()).isEqualTo(Api.OPENPROSPECT));
        assertThat(next.get(0).id()).isNotEqualTo(call.id());
        assertThat(queried)
                .as("the bucket's queues, its reads' (none due) and its creations'")
                .containsExactlyInAnyOrder(WorkQueue.OPENPROSPECT_READS, WorkQueue.OPENPROSPECT_STARTS);
        assertThat(gated.claimForPlacesGivenBack(true)).as("while stopping").isEmpty();
    }

    @Test
    void orbitsOnePlaceGivenBackByAReadGoesToADueStartFirst() {
        // cluster audit: handed on from read to read, Orbit's one place (bridge.orbit.max-in-flight) never reached a
        // start while reads were due; a dead instance's start, taken over, waited 9.6 s behind a chain of reads
        JobDispatcher gated = dispatcher(store, new CallGate(Map.of(), Map.of(Api.ORBIT, 1)));
        register(Api.ORBIT, JobState.POLLING, 2);
        List<Job> first = gated.claimDueJobs(false);
        assertThat(first).extracting(Job::state).containsExactly(JobState.POLLING);
        register(Api.ORBIT, JobState.RECEIVED, 1);
        assertThat(gated.claimDueJobs(false)).as("Orbit's place is taken").isEmpty();

        assertThat(gated.callsDone(first.get(0))).as("Orbit jobs wait").isTrue();
        assertThat(gated.claimForPlacesGivenBack(false))
                .as("the start, before the other read")
                .extracting(Job::state)
                .containsExactly(JobState.RECEIVED);
    }

    private static final long SLOW_CALL_MS = 2000;

    /** A dispatcher whose gate lets one OpenProspect call out at a time, slow after {@link #SLOW_CALL_MS}. */
    private JobDispatcher oneCallOfOpenProspectAtATime() {
        return dispatcher(store, new CallGate(Map.of(ApiBucket.OPENPROSPECT, 1), Map.of(), SLOW_CALL_MS));
    }

    /**
     * Inbox-flood audit: with 28,000 files waiting, every OpenProspect creation (due from its arrival) went before any
     * run's first read (due 2 s after its start): 20,000 runs started and unread, results minutes after their runs
     * ended. Creations and reads share the bucket's one place by turns.
     */
    @Test
    void aBacklogOfCreationsLeavesTheRunsStartedTheirTurnsToBeRead() {
        JobDispatcher gated = oneCallOfOpenProspectAtATime();
        register(Api.OPENPROSPECT, JobState.RECEIVED, 10);
        clock.move(2_000);
        register(Api.OPENPROSPECT, JobState.POLLING, 1);

        List<JobState> claimed = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Job job = gated.claimDueJobs(false).get(0);
            claimed.add(job.state());
            gated.callsDone(job);
            gated.finished(job, true);
        }

        assertThat(claimed).as("the read among the first two claims").contains(JobState.POLLING);
        assertThat(claimed.subList(0, 2)).contains(JobState.POLLING);
    }

    @Test
    void aCallUnansweredPastTheSlowCallTimeGivesItsPlaceToTheNextJobOfItsBucket() {
        JobDispatcher gated = oneCallOfOpenProspectAtATime();
        register(Api.OPENPROSPECT, 3);
        Job slow = gated.claimDueJobs(false).get(0);
        clock.move(SLOW_CALL_MS);
        assertThat(gated.claimDueJobs(false))
                .as("the first call is not slow yet")
                .isEmpty();
        clock.move(1);
        List<Job> next = gated.claimDueJobs(false);
        assertThat(next).hasSize(1).extracting(Job::id).doesNotContain(slow.id());
        // the slow call's answer comes at last: its place was given back already, the next job's is still held
        gated.callsDone(slow);
        gated.finished(slow, true);
        assertThat(gated.claimDueJobs(false))
                .as("one place, held by the next job")
                .isEmpty();
    }

    @Test
    void aStepThatFollowsAtOnceCountsTheSlowCallTimeFromItsOwnStart() {
        JobDispatcher gated = oneCallOfOpenProspectAtATime();
        register(Api.OPENPROSPECT, 2);
        Job started = gated.claimDueJobs(false).get(0);
        clock.move(SLOW_CALL_MS - 500); // the start, answered
        started.state(JobState.SUBMITTED);
        assertThat(gated.placeForNextStep(started))
                .as("the status read follows at once")
                .isTrue();
        clock.move(SLOW_CALL_MS - 500); // the status read's call is out: 1.5 s of its own, 3 s since the claim
        assertThat(gated.claimDueJobs(false))
                .as("the status read's call is not slow: its place is still its own")
                .isEmpty();
        clock.move(501);
        assertThat(gated.claimDueJobs(false)).as("slow now").hasSize(1);
    }

    @Test
    void aCallHeldUpPastTheSlowCallTimeBeforeItsSendIsWithdrawnWhenItsPlaceWentToAnotherCall() {
        // before: the call went out anyway, beside the next job's (CI run 68, on the shared store's places)
        JobDispatcher gated = oneCallOfOpenProspectAtATime();
        register(Api.OPENPROSPECT, 2);
        Job late = gated.claimDueJobs(false).get(0);
        clock.move(SLOW_CALL_MS + 1); // its worker was held up: the place goes to the next job
        Job next = gated.claimDueJobs(false).get(0);
        assertThat(gated.mayCall(next)).isTrue();
        assertThat(gated.mayCall(late)).as("its place is the next job's").isFalse();
        gated.callsDone(next);
        gated.finished(next, true);
        assertThat(gated.mayCall(late)).as("a free place is taken again").isTrue();
        assertThat(gated.claimDueJobs(false)).as("and held").isEmpty();
    }

    @Test
    void aWithdrawnCallCountsNoAttemptAndItsStepIsDueAgainAtOnce() {
        JobLifecycle lifecycle = new JobLifecycle(
                new JobSchedule(2000, 2000, 1000, 60000, 10, 60000, 86_400_000, 60, 3_600_000),
                new JobLifecycle.RemoteFailureRetries(1, 1),
                store,
                event -> {},
                new RunTimes(false),
                new KeyMask(new ApiCredentials()));
        register(Api.OPENPROSPECT, 2);
        List<Job> jobs = dispatcher.claimDueJobs(false);
        Job withdrawn = jobs.get(0);
        Job unanswered = jobs.get(1);
        lifecycle.fault(
                withdrawn,
                new ApiAnswer(0, null, null, null, new ApiCallRoutes.CallWithdrawn()),
                JobLifecycle.KeyRenewal.HEADER_ONLY);
        lifecycle.fault(
                unanswered,
                new ApiAnswer(0, null, null, null, new java.net.SocketTimeoutException("read timed out")),
                JobLifecycle.KeyRenewal.HEADER_ONLY);

        assertThat(withdrawn.attempts()).isZero();
        assertThat(withdrawn.lastError()).isNull();
        assertThat(withdrawn.nextAttemptAt()).isEqualTo(clock.millis());
        assertThat(unanswered.attempts()).as("a call that went out counts").isEqualTo(1);
        assertThat(unanswered.nextAttemptAt()).isGreaterThan(clock.millis());
    }

    @Test
    void aCallsSlowCallTimeCountsFromItsSend() {
        JobDispatcher gated = oneCallOfOpenProspectAtATime();
        register(Api.OPENPROSPECT, 2);
        Job job = gated.claimDueJobs(false).get(0);
        clock.move(SLOW_CALL_MS - 500); // claim to send
        assertThat(gated.mayCall(job)).isTrue();
        clock.move(SLOW_CALL_MS - 500); // the call is out: 1.5 s of its own, 3 s since the claim
        assertThat(gated.claimDueJobs(false)).as("the call is not slow yet").isEmpty();
        clock.move(501);
        assertThat(gated.claimDueJobs(false)).as("slow now").hasSize(1);
    }

    @Test
    void aPausedBucketGivesNoWorkWhileTheOthersDo() {
        register(Api.OPENPROSPECT, 2);
        register(Api.ORBIT, 2);
        budgets.answered(ApiBucket.OPENPROSPECT, 429, Duration.ofSeconds(5), "429 Too Many Requests");
        assertThat(dispatcher.claimDueJobs(false))
                .hasSize(2)
                .allSatisfy(job -> assertThat(job.api()).isEqualTo(Api.ORBIT));
        assertThat(dispatcher.claimDueJobs(false)).isEmpty();
    }

    @Test
    void aStepThatOutlivesEveryCallDeadlineIsHandedOutAgainAndShows() {
        register(Api.OPENPROSPECT, 1);
        Job claimed = dispatcher.claimDueJobs(false).get(0);
        assertThat(dispatcher.problem()).isEmpty();
        clock.move(STUCK_STEP_MS + 1);
        assertThat(dispatcher.problem())
                .hasValueSatisfying(p -> assertThat(p).contains("1 job steps running for more than 10 s"));
        assertThat(dispatcher.claimDueJobs(false)).extracting(Job::id).containsExactly(claimed.id());
        assertThat(dispatcher.problem())
                .hasValueSatisfying(
                        p -> assertThat(p).contains("a job worker failed").contains("its step ran for more than 10 s"));
    }

    @Test
    void aStepWhoseWorkerDiedIsHandedOutAgain() throws Exception {
        register(Api.OPENPROSPECT, 1);
        Job claimed = dispatcher.claimDueJobs(false).get(0);
        Thread worker = new Thread(() -> dispatcher.stepStarts(claimed), "job-worker-that-dies");
        worker.start();
        worker.join();
        clock.move(STUCK_STEP_MS + 1);
        assertThat(dispatcher.claimDueJobs(false)).extracting(Job::id).containsExactly(claimed.id());
    }

    @Test
    void aLateCopyOfAStepHandedOutAgainLeavesTheNewClaimAlone() {
        // review: a step claimed but not yet taken up by a worker when the process paused is handed out again at the
        // resume, and the same tick may claim it anew; the first copy's worker, coming at last, must not run it too
        register(Api.OPENPROSPECT, 1);
        Job first = dispatcher.claimDueJobs(false).get(0);
        clock.move(STUCK_STEP_MS + 1);
        Job again = dispatcher.claimDueJobs(false).get(0);
        assertThat(again.id()).isEqualTo(first.id());
        dispatcher.stepStarts(again);

        dispatcher.stepStarts(first);
        assertThat(dispatcher.holds(first)).as("the late copy").isFalse();
        assertThat(dispatcher.claimedAgain(first)).isTrue();
        assertThat(dispatcher.mayCall(first)).isFalse();
        dispatcher.finished(first, false);

        assertThat(dispatcher.inHand()).isEqualTo(1);
        assertThat(dispatcher.holds(again)).isTrue();
        assertThat(dispatcher.mayCall(again)).isTrue();
    }

    /** Slow-disk audit: a stalled store sync held the step, and the warning named three other causes. */
    @Test
    void aStepHeldBehindAStalledStoreCommitNamesTheStore() throws Exception {
        register(Api.OPENPROSPECT, 1);
        Job claimed = dispatcher.claimDueJobs(false).get(0);
        dispatcher.stepStarts(claimed);
        CountDownLatch diskAnswers = new CountDownLatch(1);
        Thread writer = new Thread(() -> {
            try {
                store.writes()
                        .run(
                                c -> {
                                    try {
                                        diskAnswers.await(); // a commit the disk holds
                                    } catch (InterruptedException e) {
                                        Thread.currentThread().interrupt();
                                    }
                                    return null;
                                },
                                false);
            } catch (java.sql.SQLException e) {
                throw new IllegalStateException(e);
            }
        });
        writer.start();
        try (LogCapture log = LogCapture.start()) {
            await().atMost(Duration.ofSeconds(10)).until(() -> store.writeHeldMs() >= 1000);
            clock.move(STUCK_STEP_MS + 1);
            dispatcher.claimDueJobs(false);
            assertThat(log.lines().stream().filter(line -> line.contains("is still at it")))
                    .singleElement()
                    .asString()
                    .contains("a write to the job store has waited 1 s for its commit");
        } finally {
            diskAnswers.countDown();
            writer.join(10_000);
        }
        dispatcher.finished(claimed, true);
    }

    @Test
    void aStepWhoseWorkerIsStillAtItStaysWithItAndShows() {
        // concurrency audit: after a 155 s SIGSTOP the steps in hand were handed out again while their workers went
        // on; 13 calls went out again for 7 jobs, and one result came out under a derived key
        register(Api.OPENPROSPECT, 1);
        Job claimed = dispatcher.claimDueJobs(false).get(0);
        dispatcher.stepStarts(claimed);
        clock.move(STUCK_STEP_MS + 1);
        try (LogCapture log = LogCapture.start()) {
            assertThat(dispatcher.claimDueJobs(false))
                    .as("its worker still has it")
                    .isEmpty();
            assertThat(dispatcher.claimDueJobs(false)).isEmpty();
            assertThat(log.lines().stream().filter(line -> line.contains("is still at it")))
                    .as("named once")
                    .singleElement()
                    .asString()
                    .contains("WARN")
                    .contains(Thread.currentThread().getName());
        }
        assertThat(dispatcher.problem())
                .hasValueSatisfying(p -> assertThat(p).isEqualTo("1 job steps running for more than 10 s"));
        dispatcher.finished(claimed, true);
        assertThat(dispatcher.problem()).isEmpty();
    }

    @Test
    void aWorkerFailureShowsUntilALaterStepSucceeds() {
        register(Api.OPENPROSPECT, 2);
        List<Job> jobs = dispatcher.claimDueJobs(false);
        dispatcher.workerFailed(jobs.get(0), new IllegalStateException("the store said no"));
        dispatcher.finished(jobs.get(0), false);
        assertThat(dispatcher.problem()).hasValueSatisfying(p -> assertThat(p).contains("the store said no"));
        clock.move(10);
        dispatcher.finished(jobs.get(1), true);
        assertThat(dispatcher.problem()).isEmpty();
    }

    @Test
    void aTickThatStopsComingShows() {
        dispatcher.claimDueJobs(false);
        clock.move(31_000);
        assertThat(dispatcher.problem()).hasValueSatisfying(p -> assertThat(p).contains("the poll trigger stopped"));
        dispatcher.claimDueJobs(false);
        assertThat(dispatcher.problem()).isEmpty();
    }
}
