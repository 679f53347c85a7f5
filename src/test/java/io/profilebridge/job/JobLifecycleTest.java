package io.profilebridge.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.zaxxer.hikari.HikariDataSource;
import io.profilebridge.Json;
import io.profilebridge.api.Api;
import io.profilebridge.api.ApiAnswer;
import io.profilebridge.api.ApiCredentials;
import io.profilebridge.api.ApiError;
import io.profilebridge.api.FaultClass;
import io.profilebridge.api.KeyMask;
import io.profilebridge.orbit.OrbitRequestRules;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lifecycle's rules on key renewals and the look before a give-up, step by step on a real store (review of the
 * API-doc audit's fixes: each case below ran for ever, or gave a paid run up unseen).
 */
class JobLifecycleTest {

    private static final long MAX_AGE_MS = 86_400_000;
    private static final long RETRY_MAX_DELAY_MS = 60_000;
    private static final JobLifecycle.KeyRenewal RENEWAL = (body, key) -> "{\"requestId\":\"" + key + "\"}";

    @TempDir
    Path data;

    HikariDataSource dataSource;
    JobStore store;

    @BeforeEach
    void open() {
        dataSource = JobStoreDataSource.open(JobStoreDataSource.defaultUrl(data), "", "", 2);
        store = new JobStore(dataSource, InstanceLiveness.single("test"), Clock.systemUTC());
    }

    @AfterEach
    void close() {
        dataSource.close();
    }

    private JobLifecycle lifecycle(int orbitFailedRuns) {
        return lifecycle(orbitFailedRuns, new RunTimes(false));
    }

    private JobLifecycle lifecycle(int orbitFailedRuns, RunTimes runTimes) {
        return new JobLifecycle(
                new JobSchedule(2000, 2000, 1000, RETRY_MAX_DELAY_MS, 10, 60000, MAX_AGE_MS, 3, 3_600_000),
                new JobLifecycle.RemoteFailureRetries(1, orbitFailedRuns),
                store,
                event -> {},
                runTimes,
                new KeyMask(new ApiCredentials()));
    }

    /** A job accepted {@code runningForMs} before its last save, which was a clean read or, when so, a hold. */
    private Job runSeenUntil(long runningForMs, boolean lastSaveAHold) {
        Job job = orbitJob(JobState.POLLING, store.now() - runningForMs);
        job.acceptedAt(store.now() - runningForMs);
        job.updatedAt(store.now());
        if (lastSaveAHold) {
            job.lastError(
                    new ApiError("forbidden", "missing scope", 403).toJson().toString());
        }
        return job;
    }

    /**
     * Review: a job that took over the key of one that failed without a run read a refund of that key (the earlier
     * job's rejected start) as its own completed regeneration; the refund is the earlier job's "Retry later".
     */
    @Test
    void aJobThatTookOverAKeyTakesARefundOfItForTheEarlierJobs() {
        Job holder = orbitJob(JobState.FAILED, store.now());
        holder.lastError(new ApiError("developer_deep_search_request_failed", "Retry later", 502)
                .toJson()
                .toString());
        Job taker = orbitJob(JobState.RECEIVED, store.now());
        assertThat(LastErrorNotes.turnedDown(taker)).isEmpty();
        LastErrorNotes.takesOverKeyOf(taker, holder);
        assertThat(LastErrorNotes.turnedDown(taker))
                .hasValueSatisfying(cause ->
                        assertThat(cause.get("code").asText()).isEqualTo("developer_deep_search_request_failed"));
        assertThat(LastErrorNotes.shownError(taker).get("code").asText()).isEqualTo("key_taken_over");
        assertThat(LastErrorNotes.shownError(taker).has("turnedDownBy")).isFalse();
    }

    /** Observability audit: /jobs showed {@code startMaybeSent}, with a start key, in a job's last error. */
    @Test
    void anOperatorReadsTheLastErrorWithoutTheLifecyclesBookkeeping() {
        Job job = orbitJob(JobState.RECEIVED, store.now());
        job.lastError("{\"code\": \"api_unreachable\", \"message\": \"timed out\", \"httpStatus\": 503,"
                + " \"startCause\": {\"code\": \"c\"}, \"lookedAt\": 1, \"turnedDownBy\": {},"
                + " \"startMaybeSent\": {\"key\": \"k\", \"maybe\": true}}");
        JsonNode shown = LastErrorNotes.shownError(job);
        assertThat(shown.fieldNames()).toIterable().containsExactly("code", "message", "httpStatus", "startCause");
        job.lastError(null);
        assertThat(LastErrorNotes.shownError(job)).isNull();
    }

    /**
     * The first read of a new run comes no sooner than the shortest run seen lately, measured to the last read that saw
     * it going: a hold's or a fault's save is no such read (OpenProspect audit: after an hour's 403 on reads, every new
     * run's first read came an hour late).
     */
    @Test
    void onlyReadsThatSawTheRunGoingTeachHowLongRunsTake() {
        RunTimes runTimes = new RunTimes(true);
        JobLifecycle lifecycle = lifecycle(0, runTimes);
        for (int i = 0; i < 5; i++) {
            lifecycle.succeeded(runSeenUntil(3_600_000, true), Json.object());
            lifecycle.giveUpTooOld(runSeenUntil(MAX_AGE_MS, false));
        }
        assertThat(runTimes.shortest(orbitJob(JobState.RECEIVED, store.now())))
                .as("nothing learnt from holds and give-ups")
                .isZero();

        for (int i = 0; i < 5; i++) {
            lifecycle.succeeded(runSeenUntil(10_000, false), Json.object());
        }
        Job next = orbitJob(JobState.RECEIVED, store.now());
        lifecycle.accepted(next, "run-1", null, null);
        assertThat(next.nextAttemptAt() - store.now()).isBetween(9_000L, 10_000L);
    }

    @Test
    void runTimesAreLearntPerRunShape() {
        // time audit: after five Orbit runs of about 20 s, a partial_only run already complete was first read 20 s
        // after its start
        RunTimes runTimes = new RunTimes(true, OrbitRequestRules::runShape);
        Job discovery = orbitJob("{\"runShape\":\"candidate_discovery\",\"structuredIntent\":{}}");
        Job partial = orbitJob("{\"runShape\":\"partial_only\",\"email\":\"a@example.com\"}");
        for (int i = 0; i < 5; i++) {
            runTimes.ended(discovery, 20_000);
        }
        assertThat(runTimes.shortest(discovery)).isEqualTo(20_000);
        assertThat(runTimes.shortest(partial))
                .as("no run of its shape seen yet")
                .isZero();
        assertThat(runTimes.shortest(orbitJob("{\"email\":\"a@example.com\"}")))
                .as("no shape named: the docs' default, partial_only")
                .isZero();
        Job regeneration = orbitJob("{\"profileId\":\"prof_1\"}");
        for (int i = 0; i < 5; i++) {
            runTimes.ended(regeneration, 30_000);
        }
        assertThat(runTimes.shortest(orbitJob("{\"runShape\":\"full_generation_only\",\"email\":\"a@example.com\"}")))
                .as("a profileId alone: the regeneration path defaults to full generation")
                .isEqualTo(30_000);
        assertThat(runTimes.shortest(partial)).isZero();
    }

    private Job orbitJob(String body) {
        return new Job(
                UUID.randomUUID().toString(),
                Api.ORBIT,
                UUID.randomUUID().toString(),
                JobState.RECEIVED,
                body,
                "hash",
                RequestSource.file("orbit", "a.json"),
                store.now());
    }

    private Job orbitJob(JobState state, long createdAt) {
        return new Job(
                UUID.randomUUID().toString(),
                Api.ORBIT,
                UUID.randomUUID().toString(),
                state,
                "{\"email\":\"a@example.com\"}",
                "hash",
                RequestSource.file("orbit", "a.json"),
                createdAt);
    }

    private static ApiError refund() {
        return new ApiError(FaultClass.ORBIT_KEY_REFUNDED, "refunded", 409);
    }

    @Test
    void aNewKeyRefundedWithoutAnOutageOfItsOwnIsAnOrdinaryRefund() {
        JobLifecycle lifecycle = lifecycle(0);
        Job job = orbitJob(JobState.RECEIVED, store.now());
        job.attempts(1); // the 503 under the first key
        job.lastError(new ApiError("developer_deep_search_unavailable", "Retry later", 503)
                .toJson()
                .toString());

        lifecycle.turnedDownAndRefunded(job, refund(), RENEWAL);

        assertThat(job.keyGeneration()).isEqualTo(1);
        assertThat(Json.text(Json.parseStored(job.lastError()), "code"))
                .as("the new key's last error is the refund, not the 5xx")
                .isEqualTo(FaultClass.ORBIT_KEY_REFUNDED);
        // the new key is refunded too, with no outage of its own: the refund's one retry, then a failed result
        lifecycle.remoteRunFailed(job, refund(), RENEWAL);
        assertThat(job.keyGeneration()).isEqualTo(2);
        lifecycle.remoteRunFailed(job, refund(), RENEWAL);
        assertThat(job.keyGeneration()).isEqualTo(2);
        assertThat(job.outcome()).isEqualTo("failed");
        assertThat(Json.parseStored(job.previousAttempts()))
                .extracting(attempt -> attempt.path("turnedDown").asBoolean())
                .containsExactly(true, false);
    }

    /**
     * Answers audit: a start whose answer was lost, then a refund of its key, went on under a derived key at once, a
     * second paid run beside the first, which may still run under the refunded key. The key is looked up first: a run
     * found is followed; none (404) starts over under the derived key, as any refund.
     */
    @Test
    void aRefundAfterALostStartAnswerLooksUpTheKeyBeforeStartingOver() throws Exception {
        JobLifecycle lifecycle = lifecycle(0);
        ApiAnswer lost = lostAnswer();
        ApiAnswer refunded = errorAnswer(409, FaultClass.ORBIT_KEY_REFUNDED);
        Job job = orbitJob(JobState.RECEIVED, store.now());
        String firstKey = job.idempotencyKey();
        lifecycle.fault(job, lost, RENEWAL);
        lifecycle.fault(job, refunded, RENEWAL);
        assertThat(job.startUnconfirmed()).as("looked up").isTrue();
        assertThat(job.remoteId()).isEqualTo(firstKey);
        assertThat(job.keyGeneration()).isZero();

        lifecycle.startNotFound(job, new ApiError("http_404", "not found", 404), RENEWAL);
        assertThat(job.state()).isEqualTo(JobState.RECEIVED);
        assertThat(job.keyGeneration()).as("started over").isEqualTo(1);
        assertThat(job.remoteId()).isNull();
        JsonNode attempt = Json.parseStored(job.previousAttempts()).get(0);
        assertThat(attempt.get("idempotencyKey").asText()).isEqualTo(firstKey);
        assertThat(attempt.get("remoteId").isNull()).isTrue();
        assertThat(attempt.get("error").get("code").asText()).isEqualTo(FaultClass.ORBIT_KEY_REFUNDED);

        Job refundedOnly = orbitJob(JobState.RECEIVED, store.now());
        lifecycle.fault(refundedOnly, refunded, RENEWAL);
        assertThat(refundedOnly.keyGeneration())
                .as("a refund with no lost answer before it: started over at once")
                .isEqualTo(1);
    }

    /**
     * Soak audit: a start whose answer was lost, then a 400 for the same body, is looked up under its key (a run may hide
     * behind the lost answer); none found, the job ended as gave_up, naming the API's code only as its last cause, so a
     * caller that reads error.code got another code for the same bad request by network luck. It fails with the API's
     * own code, as a 400 with no lost answer before it does.
     */
    @Test
    void aRefusalAfterALostStartAnswerFailsWithTheApisOwnCodeOnceNoRunIsFound() throws Exception {
        JobLifecycle lifecycle = lifecycle(0);
        ApiAnswer lost = lostAnswer();
        ApiAnswer invalid = errorAnswer(400, "developer_deep_search_linkedin_invalid");
        Job job = orbitJob(JobState.RECEIVED, store.now());
        lifecycle.fault(job, lost, RENEWAL);
        lifecycle.fault(job, invalid, RENEWAL);
        assertThat(job.startUnconfirmed()).as("looked up").isTrue();

        lifecycle.startNotFound(job, new ApiError("developer_deep_search_not_found", "not found", 404), RENEWAL);
        assertThat(job.outcome()).isEqualTo("failed");
        assertThat(job.remoteId()).isNull();
        JsonNode error = Json.parseStored(job.lastError());
        assertThat(error.get("code").asText()).isEqualTo("developer_deep_search_linkedin_invalid");
        assertThat(error.get("httpStatus").asInt()).isEqualTo(400);
        assertThat(error.get("statusRead").get("code").asText()).isEqualTo("developer_deep_search_not_found");

        Job timedOut = orbitJob(JobState.RECEIVED, store.now());
        lifecycle.fault(timedOut, lost, RENEWAL);
        lifecycle.startUnanswered(timedOut, timedOut.idempotencyKey(), ApiError.of("http_503", "unavailable"));
        lifecycle.startNotFound(timedOut, new ApiError("developer_deep_search_not_found", "not found", 404), RENEWAL);
        assertThat(Json.text(Json.parseStored(timedOut.lastError()), "code"))
                .as("a start never answered is still given up")
                .isEqualTo("gave_up");
    }

    /**
     * A 429 is the key's budget, not the request's fault: never a failed attempt, however often, and the next call
     * waits for its Retry-After (mutation audit: a 429 counted as an attempt passed every test, and would give a
     * request rate-limited for a while up after bridge.retry.max-attempts).
     */
    @Test
    void rateLimitedAnswersAreNeverCountedAsFailedAttempts() throws Exception {
        JobLifecycle lifecycle = lifecycle(0);
        Job job = orbitJob(JobState.RECEIVED, store.now());
        ApiAnswer rateLimited = new ApiAnswer(
                429,
                Json.parse("{\"error\": {\"code\": \"developer_api_key_rate_limited\"}}"),
                java.time.Duration.ofSeconds(30),
                null,
                null);
        for (int answer = 0; answer < 15; answer++) {
            lifecycle.fault(job, rateLimited, RENEWAL);
        }
        assertThat(job.attempts()).isZero();
        assertThat(job.state()).isEqualTo(JobState.RECEIVED);
        assertThat(job.nextAttemptAt()).isGreaterThanOrEqualTo(store.now() + 29_000);
    }

    /** A running job's next read waits for a Retry-After the status answer gave (mutation audit: untested). */
    @Test
    void aStatusAnswersRetryAfterPutsTheNextReadOff() throws Exception {
        JobLifecycle lifecycle = lifecycle(0);
        Job job = orbitJob(JobState.POLLING, store.now());
        lifecycle.stillRunning(job, Json.parse("{\"status\": \"running\"}"), java.time.Duration.ofSeconds(30));
        assertThat(job.nextAttemptAt()).isGreaterThanOrEqualTo(store.now() + 29_000);
    }

    @Test
    void aRetryLaterIsRememberedPastA429AndALostAnswerUnderTheSameKey() throws Exception {
        JobLifecycle lifecycle = lifecycle(0);
        Job job = orbitJob(JobState.RECEIVED, store.now());
        job.attempts(1);
        job.lastError(new ApiError("developer_deep_search_request_failed", "Retry later", 502)
                .toJson()
                .toString());

        lifecycle.fault(
                job,
                new ApiAnswer(
                        429,
                        Json.parse("{\"error\": {\"code\": \"developer_api_key_rate_limited\"}}"),
                        java.time.Duration.ofSeconds(1),
                        null,
                        null),
                RENEWAL);
        lifecycle.fault(job, new ApiAnswer(0, null, null, null, new java.net.SocketException("reset")), RENEWAL);

        assertThat(LastErrorNotes.turnedDown(job))
                .as("the 502 is still known under this key")
                .hasValueSatisfying(outage ->
                        assertThat(outage.get("code").asText()).isEqualTo("developer_deep_search_request_failed"));
        lifecycle.turnedDownAndRefunded(job, refund(), RENEWAL);
        assertThat(Json.parseStored(job.previousAttempts())
                        .get(0)
                        .at("/error/code")
                        .asText())
                .isEqualTo("developer_deep_search_request_failed");
        assertThat(LastErrorNotes.turnedDown(job))
                .as("the new key has no outage of its own")
                .isEmpty();
    }

    /** Fault-sequence audit: after a failed run retried under a derived key that never started, status was null. */
    @Test
    void theResultsStatusIsTheLastTheApiReturnedUnderAnyKey() throws Exception {
        JobLifecycle lifecycle = lifecycle(1);
        Job job = orbitJob(JobState.POLLING, store.now());
        job.remoteId(job.idempotencyKey());
        String failedRun = "{\"status\":\"failed\",\"error\":{\"code\":\"x\"}}";
        job.lastStatus(failedRun);
        lifecycle.remoteRunFailed(job, new ApiError("x", "the run failed", null), RENEWAL);
        assertThat(job.state()).as("retried under a derived key").isEqualTo(JobState.RECEIVED);
        lifecycle.failed(job, new ApiError("bad_request", "refused", 400));
        JsonNode result = Json.parse(job.result());
        assertThat(result.get("status")).isEqualTo(Json.parse(failedRun));
        assertThat(result.get("attempts").get(0).get("status")).isEqualTo(Json.parse(failedRun));
    }

    /**
     * CONTRACT 3: an Orbit {@code failed} is final by default (a run costs credits), where OpenProspect's FAILED is
     * retried once (mutation audit: Orbit's runs counted against OpenProspect's allowance passed the unit tests).
     */
    @Test
    void aFailedOrbitRunIsFinalByDefault() {
        JobLifecycle lifecycle = lifecycle(0);
        Job job = orbitJob(JobState.POLLING, store.now());
        job.remoteId(job.idempotencyKey());
        lifecycle.remoteRunFailed(job, new ApiError("x", "the run failed", null), RENEWAL);
        assertThat(job.keyGeneration()).isZero();
        assertThat(job.outcome()).isEqualTo("failed");
    }

    @Test
    void aFailedRunWhoseCodeIsARetryLaterOneCountsAgainstTheFailedRunRetries() {
        JobLifecycle lifecycle = lifecycle(1);
        Job job = orbitJob(JobState.POLLING, store.now());
        for (int run = 0; run < 4; run++) {
            job.state(JobState.POLLING);
            job.remoteId(job.idempotencyKey());
            lifecycle.remoteRunFailed(job, new ApiError("developer_deep_search_unavailable", "failed", null), RENEWAL);
        }
        assertThat(job.keyGeneration()).as("bridge.retry.orbit-failed-runs = 1").isEqualTo(1);
        assertThat(job.outcome()).isEqualTo("failed");
    }

    /**
     * Key-rotation audit: a job that waited behind its API's hold, never called, was given up past its age as "not
     * done after 40 s" alone, while /jobs named the 401 that held it.
     */
    @Test
    void aJobGivenUpPastItsAgeWhileItsApiHoldsItsCallsNamesTheHold() throws Exception {
        JobLifecycle lifecycle = lifecycle(0);
        Job job = orbitJob(JobState.RECEIVED, store.now() - MAX_AGE_MS - 1);

        lifecycle.giveUpTooOld(
                job, Optional.of(new ApiError("developer_api_key_invalid", "Missing or invalid API key", 401)));

        JsonNode error = Json.parse(job.result()).get("error");
        assertThat(error.get("code").asText()).isEqualTo("gave_up");
        assertThat(error.get("message").asText())
                .endsWith("while received; last cause developer_api_key_invalid: Missing or invalid API key");
        assertThat(error.get("httpStatus").asInt()).isEqualTo(401);
    }

    /**
     * Error-codes audit: a job that took over the key of a request refused with a 400 and was then held until its age
     * ran out gave up with that other request's 400 in its lastCause ({@code turnedDownBy}, the lifecycle's own note).
     */
    @Test
    void aGiveUpPastItsAgeShowsItsLastCauseWithoutTheLifecyclesNotes() throws Exception {
        JobLifecycle lifecycle = lifecycle(0);
        Job job = pastItsAgeWithAKeyTakenOver(orbitJob(JobState.FAILED, store.now()));
        ObjectNode held = (ObjectNode) Json.parseStored(job.lastError());
        held.put("code", "developer_deep_search_not_configured").put("httpStatus", 503);
        job.lastError(held.toString());

        lifecycle.giveUpTooOld(job, Optional.empty());

        JsonNode lastCause = Json.parse(job.result()).get("error").get("lastCause");
        assertThat(lastCause.get("code").asText()).isEqualTo("developer_deep_search_not_configured");
        assertThat(lastCause.has("turnedDownBy")).isFalse();
    }

    /** Review: a job that took over a key and then waited behind a hold gave up naming the take-over, not the hold. */
    @Test
    void aGiveUpPastItsAgeAfterAKeyTakenOverNamesTheHoldNotTheTakeOver() throws Exception {
        JobLifecycle lifecycle = lifecycle(0);
        Job holder = orbitJob(JobState.FAILED, store.now());
        Job job = pastItsAgeWithAKeyTakenOver(holder);

        lifecycle.giveUpTooOld(
                job, Optional.of(new ApiError("developer_api_key_invalid", "Missing or invalid API key", 401)));

        JsonNode error = Json.parse(job.result()).get("error");
        assertThat(error.get("lastCause").get("code").asText()).isEqualTo("developer_api_key_invalid");
        assertThat(error.get("message").asText()).doesNotContain(holder.id());
    }

    /** A job past its age that took over the key of {@code holder}, refused with a 400 before the API took a run. */
    private Job pastItsAgeWithAKeyTakenOver(Job holder) {
        holder.lastError(new ApiError("developer_deep_search_email_invalid", "email: is malformed", 400)
                .toJson()
                .toString());
        Job job = orbitJob(JobState.RECEIVED, store.now() - MAX_AGE_MS - 1);
        LastErrorNotes.takesOverKeyOf(job, holder);
        return job;
    }

    /**
     * A run read once more past its age and seen ended has its outputs read, however long after its age that read
     * came (GiveUpTest on a busy host: the profile read waited for a place and the run, completed, was given up "while
     * fetching"), a 429 included; once a read of them has failed otherwise, the grace counts from the age again.
     */
    @Test
    void theOutputsOfARunSeenEndedPastItsAgeAreReadUntilAReadOfThemFails() {
        JobLifecycle lifecycle = lifecycle(0);
        Job job = orbitJob(JobState.FETCHING, store.now() - MAX_AGE_MS - 10 * RETRY_MAX_DELAY_MS);
        assertThat(lifecycle.pastMaxAge(job)).isTrue();
        assertThat(lifecycle.readsItsOutputs(job))
                .as("its read waited long for a place")
                .isTrue();

        // review: one 429, which counts no failed attempt, gave a paid, finished run up at once
        job.lastError(new ApiError("developer_api_key_rate_limited", "slow down", 429)
                .toJson()
                .toString());
        assertThat(lifecycle.readsItsOutputs(job)).isTrue();

        job.lastError(new ApiError("http_503", "unavailable", 503).toJson().toString());
        assertThat(lifecycle.readsItsOutputs(job)).isFalse();
    }

    /**
     * Candidate audit: a profile read answered 429 again and again was read every few seconds for good, its job never
     * given up past its age, and its 429s kept the other runs' reads slow. A rate limit keeps the reads going past
     * the age by the longest Retry-After the bridge honours (bridge.retry.retry-after-cap-ms) at most.
     */
    @Test
    void aReadOfTheOutputsAnsweredWithRateLimitsForEverEndsOneLongestRetryAfterPastTheAge() {
        JobLifecycle lifecycle = lifecycle(0);
        String rateLimited = new ApiError("developer_api_key_rate_limited", "slow down", 429)
                .toJson()
                .toString();
        Job within = orbitJob(JobState.FETCHING, store.now() - MAX_AGE_MS - 3_600_000 + 1000);
        within.lastError(rateLimited);
        assertThat(lifecycle.readsItsOutputs(within)).isTrue();

        Job beyond = orbitJob(JobState.FETCHING, store.now() - MAX_AGE_MS - 3_600_000 - 1000);
        beyond.lastError(rateLimited);
        assertThat(lifecycle.readsItsOutputs(beyond)).isFalse();
        beyond.lastError(null);
        assertThat(lifecycle.readsItsOutputs(beyond))
                .as("reads that go on fine end with the list")
                .isTrue();
    }

    @Test
    void theLookBeforeAGiveUpHasItsGraceFromWhenItBegan() {
        JobLifecycle lifecycle = lifecycle(0);
        // a lost start answer (attempts 1), then 402s with a long Retry-After: due again well past the age
        Job job = orbitJob(JobState.RECEIVED, store.now() - MAX_AGE_MS - 5 * RETRY_MAX_DELAY_MS);
        job.attempts(1);
        job.lastError(new ApiError("developer_api_credits_insufficient", "no credits", 402)
                .toJson()
                .toString());
        assertThat(lifecycle.pastMaxAge(job)).isTrue();

        lifecycle.giveUpTooOld(job);

        assertThat(job.startUnconfirmed()).as("looked for under its requestId").isTrue();
        assertThat(job.remoteId()).isEqualTo(job.idempotencyKey());
        assertThat(lifecycle.pastMaxAge(job))
                .as("its one status read is still to come")
                .isFalse();
    }

    /**
     * Operations audit: an Orbit start refused at connect throughout an outage was looked for under its requestId, and
     * that look waited out the outage (up to max-age) for a run that could not exist. It is given up as OpenProspect's
     * is; a start of which one attempt may have reached Orbit is still looked for, whatever the later ones answered
     * (crash audit: a lost answer, then 503 "Retry later" to the last attempt, gave a started, paid run up unseen).
     */
    @Test
    void aStartIsLookedForWhenAnyAttemptUnderItsKeyMayHaveStartedARun() throws Exception {
        JobLifecycle lifecycle = lifecycle(0);
        ApiAnswer refused = new ApiAnswer(
                0, null, null, null, new org.apache.hc.client5.http.HttpHostConnectException("Connection refused"));
        ApiAnswer lost = lostAnswer();
        ApiAnswer retryLater = errorAnswer(503, "developer_deep_search_unavailable");

        Job refusedThroughout = failStartUntilDecided(lifecycle, refused, refused);
        assertThat(refusedThroughout.startUnconfirmed()).isFalse();
        assertThat(refusedThroughout.outcome()).isEqualTo("failed");
        assertThat(Json.parseStored(refusedThroughout.lastError()).get("code").asText())
                .isEqualTo("gave_up");

        for (ApiAnswer after : List.of(refused, retryLater)) {
            Job lostOnce = failStartUntilDecided(lifecycle, lost, after);
            assertThat(lostOnce.startUnconfirmed())
                    .as(
                            "looked for under its requestId, the last answer %s",
                            after.error().code())
                    .isTrue();
            assertThat(lostOnce.remoteId()).isEqualTo(lostOnce.idempotencyKey());
        }

        Job retriedLater = failStartUntilDecided(lifecycle, retryLater, retryLater);
        assertThat(retriedLater.startUnconfirmed()).as("Orbit took none").isFalse();
    }

    /**
     * Review: a key renewed after a "Retry later" and its refund keeps counting attempts, and its first fault was taken
     * for a start that may have started a run, so a "Retry later" to the last attempt was looked for; and
     * fault-sequence audit: a permanent refusal after a lost answer failed a started run without a look.
     */
    @Test
    void aRenewedKeyHasStartedNothingAndAPermanentRefusalAfterALostAnswerIsLookedFor() throws Exception {
        JobLifecycle lifecycle = lifecycle(0);
        ApiAnswer retryLater = new ApiAnswer(
                503, Json.parse("{\"error\": {\"code\": \"developer_deep_search_unavailable\"}}"), null, null, null);
        Job renewed = orbitJob(JobState.RECEIVED, store.now());
        lifecycle.fault(renewed, retryLater, RENEWAL);
        lifecycle.turnedDownAndRefunded(renewed, refund(), RENEWAL);
        for (int attempt = 0; renewed.state() == JobState.RECEIVED && !renewed.startUnconfirmed(); attempt++) {
            assertThat(attempt).isLessThan(20);
            lifecycle.fault(renewed, retryLater, RENEWAL);
        }
        assertThat(renewed.startUnconfirmed())
                .as("Orbit took nothing under either key")
                .isFalse();

        Job refusedAfterALoss = orbitJob(JobState.RECEIVED, store.now());
        lifecycle.fault(
                refusedAfterALoss, new ApiAnswer(0, null, null, null, new java.net.SocketException("reset")), RENEWAL);
        lifecycle.fault(
                refusedAfterALoss,
                new ApiAnswer(
                        503,
                        Json.parse("{\"error\": {\"code\": \"developer_deep_search_unavailable_for_request\"}}"),
                        null,
                        null,
                        null),
                RENEWAL);
        assertThat(refusedAfterALoss.startUnconfirmed()).as("looked for").isTrue();
    }

    /**
     * Fault-sequence audit: a start cut off by the bridge's deadline reached Orbit after the look had read a 404 at once,
     * and the paid run was given up. The look reads after the deadline (no later than the backoff's cap).
     */
    @Test
    void anUnansweredStartIsReadAfterTheDeadlineItWasCutOffBy() {
        JobLifecycle lifecycle = new JobLifecycle(
                new JobSchedule(2000, 2000, 1000, RETRY_MAX_DELAY_MS, 10, 60000, MAX_AGE_MS, 3, 3_600_000),
                new JobLifecycle.RemoteFailureRetries(1, 0),
                store,
                event -> {},
                new RunTimes(false),
                new KeyMask(new ApiCredentials()),
                30_000,
                api -> false);
        Job job = orbitJob(JobState.RECEIVED, store.now());
        long before = store.now();
        lifecycle.startUnanswered(job, job.idempotencyKey(), ApiError.of("transport_error", "DeadlineExceeded"));
        assertThat(job.nextAttemptAt()).isGreaterThanOrEqualTo(before + 30_000);
    }

    /**
     * Fault-sequence audit: an OpenProspect start whose answer was lost, then a few 503s, was given up, though the API
     * had created it; persistent 503s from the first attempt are still given up after the attempts.
     */
    @Test
    void anOpenProspectStartWhoseAnswerWasLostWaitsOutAnOutage() throws Exception {
        JobLifecycle lifecycle = lifecycle(0);
        ApiAnswer unavailable =
                new ApiAnswer(503, Json.parse("{\"error_code\": \"service_unavailable\"}"), null, null, null);
        Job lostFirst = openProspectJob();
        lifecycle.fault(lostFirst, new ApiAnswer(0, null, null, null, new java.net.SocketException("reset")), RENEWAL);
        for (int attempt = 0; attempt < 20; attempt++) {
            lifecycle.fault(lostFirst, unavailable, RENEWAL);
        }
        assertThat(lostFirst.state()).as("still waiting for the API").isEqualTo(JobState.RECEIVED);

        Job unavailableThroughout = openProspectJob();
        for (int attempt = 0; attempt < 20 && unavailableThroughout.state() == JobState.RECEIVED; attempt++) {
            lifecycle.fault(unavailableThroughout, unavailable, RENEWAL);
        }
        assertThat(unavailableThroughout.state()).as("given up").isEqualTo(JobState.DELIVERING);
    }

    private Job openProspectJob() {
        return new Job(
                UUID.randomUUID().toString(),
                Api.OPENPROSPECT,
                UUID.randomUUID().toString(),
                JobState.RECEIVED,
                "{\"profile_name\":\"x\"}",
                "hash",
                RequestSource.file("openprospect", "a.json"),
                store.now());
    }

    /** A new Orbit job whose start fails with {@code first}, then with {@code then} until the job is decided. */
    private Job failStartUntilDecided(JobLifecycle lifecycle, ApiAnswer first, ApiAnswer then) {
        Job job = orbitJob(JobState.RECEIVED, store.now());
        for (int attempt = 0; job.state() == JobState.RECEIVED && !job.startUnconfirmed(); attempt++) {
            assertThat(attempt).as("decided within the attempts").isLessThan(20);
            lifecycle.fault(job, attempt == 0 ? first : then, RENEWAL);
        }
        return job;
    }

    @Test
    void anIdIsTheSameUuidInEitherCaseAndOtherwiseToTheLetter() {
        assertThat(JobLifecycle.sameId("76BC32F1-0A1B-4C2D-8E3F-123456789ABC", "76bc32f1-0a1b-4c2d-8e3f-123456789abc"))
                .isTrue();
        assertThat(JobLifecycle.sameId("Run-A", "run-a")).isFalse();
        assertThat(JobLifecycle.sameId("76BC32F1-0A1B-4C2D-8E3F-123456789ABC", "76bc32f1-0a1b-4c2d-8e3f-123456789abd"))
                .isFalse();
    }

    /** A start whose answer was lost: the connection reset after it went. */
    private static ApiAnswer lostAnswer() {
        return new ApiAnswer(0, null, null, null, new java.net.SocketException("Connection reset"));
    }

    /** An Orbit error answer: {@code status}, with {@code code} in its error object. */
    private static ApiAnswer errorAnswer(int status, String code) throws Exception {
        return new ApiAnswer(status, Json.parse("{\"error\": {\"code\": \"" + code + "\"}}"), null, null, null);
    }
}
