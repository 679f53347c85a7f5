package io.profilebridge.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.profilebridge.Json;
import io.profilebridge.api.Api;
import io.profilebridge.api.ApiAnswer;
import io.profilebridge.api.ApiError;
import io.profilebridge.api.FaultClass;
import io.profilebridge.api.KeyMask;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The state transitions of a job. API routes tell it what the API answered; it decides the next state and when
 * the next step is due, using the {@link JobSchedule} and the one error model ({@link FaultClass}), and publishes
 * what happened as a {@link JobEvent} for whoever listens.
 */
public class JobLifecycle {

    private static final Pattern UUID_SHAPE =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    private static final Logger LOG = LoggerFactory.getLogger(JobLifecycle.class);
    /** The code of a job given up: its attempts, its age or an unanswered start ended it, not its run. */
    private static final String GAVE_UP = "gave_up";

    /** Marks a previous attempt whose key was given up after the API turned the request down and refunded it. */
    private static final String TURNED_DOWN = "turnedDown";

    private final JobSchedule schedule;
    private final long startLookDelayMs;
    private final RemoteFailureRetries remoteFailureRetries;
    private final JobStore store;
    private final Consumer<JobEvent> events;
    private final RunTimes runTimes;
    /** The configured keys, masked in every result: a request's body, or an error quoting it, may hold one. */
    private final KeyMask keyMask;

    private final Predicate<Api> apiOut;
    /** When this process began its work on the jobs (the store's {@link JobStore#now()}). */
    private final long startedAt;
    /** Per API, the job whose call an outage failed last ({@link #apiOutForOtherJobsToo}). */
    private final Map<Api, String> lastJobFailedByOutage = new ConcurrentHashMap<>();

    /**
     * How many runs that ended FAILED / failed are started again under a new key derived from the request's key:
     * OpenProspect's docs say "retry with a new idempotency key"; an Orbit run costs credits. 0 = never.
     */
    public record RemoteFailureRetries(int openProspectFailedRuns, int orbitFailedRuns) {}

    /** A refunded Orbit key is retried once under a derived key: nothing ran for it, so nothing can run twice. */
    private static final int REFUNDED_KEY_RETRIES = 1;

    public JobLifecycle(
            JobSchedule schedule,
            RemoteFailureRetries remoteFailureRetries,
            JobStore store,
            Consumer<JobEvent> events,
            RunTimes runTimes,
            KeyMask keyMask) {
        this(schedule, remoteFailureRetries, store, events, runTimes, keyMask, 0, api -> false);
    }

    /**
     * @param startLookDelayMs how long after an unanswered start its status is first read under the id it was sent
     *     with: a start cut off by the bridge's deadline may still reach the API, so {@code bridge.http.deadline-ms}
     *     (fault-sequence audit: a start answered 202 after the deadline was read at once, found 404, and its paid
     *     run was given up)
     * @param apiOut whether an API is out now (every call failing: {@code ApiOutageLog}): a start that fails then
     *     waits the outage out, as a read does, instead of spending its attempts on it
     */
    public JobLifecycle(
            JobSchedule schedule,
            RemoteFailureRetries remoteFailureRetries,
            JobStore store,
            Consumer<JobEvent> events,
            RunTimes runTimes,
            KeyMask keyMask,
            long startLookDelayMs,
            Predicate<Api> apiOut) {
        // no later than a retry would come: a test's short backoff, or a deadline longer than the backoff's cap
        this.startLookDelayMs = Math.min(startLookDelayMs, schedule.retryMaxDelayMs());
        this.schedule = schedule;
        this.remoteFailureRetries = remoteFailureRetries;
        this.store = store;
        this.events = events;
        this.runTimes = runTimes;
        this.keyMask = keyMask;
        this.apiOut = apiOut;
        this.startedAt = store.now();
    }

    /**
     * The API accepted the run: first read it after the first poll delay, or when runs of its kind end soonest, or
     * after the answer's Retry-After if that is later.
     */
    public void accepted(Job job, String remoteId, JsonNode status, Duration retryAfter) {
        long now = store.now();
        job.remoteId(remoteId);
        job.lastStatus(status == null ? null : status.toString());
        job.lastError(null);
        job.state(JobState.SUBMITTED);
        job.attempts(0);
        job.acceptedAt(now);
        job.nextAttemptAt(
                now + Math.max(schedule.firstPollDelay(runTimes.shortest(job)), schedule.retryAfterMs(retryAfter)));
        events.accept(JobEvent.of(JobEvent.Kind.SUBMITTED, job));
    }

    /**
     * True when a failed attempt of the job now would be its last: its attempts are spent, or it would be past its
     * age before the next attempt could come (audit: a job that passed max-age while it waited for its retry was
     * given up without a last look).
     */
    public boolean isLastAttempt(Job job, Duration retryAfter) {
        int attempt = job.attempts() + 1;
        long nextAttemptIn = Math.max(schedule.longestRetryDelay(attempt), schedule.retryAfterMs(retryAfter));
        return schedule.attemptsExhausted(attempt) || schedule.tooOld(job.createdAt(), store.now() + nextAttemptIn);
    }

    /**
     * A start whose answer never came at its last attempt (a deadline, a lost connection, a 5xx that does not say
     * the run was not taken) may have started a run and charged for it. An API that names a run by the id it was
     * sent with (Orbit's requestId) is asked under that id before the job is given up: the status is read at once,
     * and a run found goes on as accepted; none found ends the job ({@link #startNotFound}).
     */
    public void startUnanswered(Job job, String sentId, ApiError cause) {
        LOG.info(
                "{}: a start under its key may have started a run unseen, and the last answer was {}; reading the status"
                        + " under the id it was sent with before {}",
                job,
                cause.code(),
                FaultClass.ORBIT_KEY_REFUNDED.equals(cause.code()) ? "starting over under a new key" : "giving up");
        job.lastError(LastErrorNotes.startLookBegins(cause, store.now()).toString());
        job.remoteId(sentId);
        job.lastStatus(null);
        job.acceptedAt(null);
        job.state(JobState.SUBMITTED);
        job.attempts(0);
        job.nextAttemptAt(store.now() + startLookDelayMs);
    }

    /**
     * A status read of an {@link Job#startUnconfirmed() unconfirmed} start found its run: the API accepted the start
     * after all, and counts as such (metrics audit: profile_bridge_submitted_total missed such runs, fewer starts than
     * the credits charged).
     */
    public void startFound(Job job) {
        LOG.info("{}: the status read under the id its start was sent with finds the run", job);
        job.acceptedAt(store.now());
        events.accept(JobEvent.of(JobEvent.Kind.SUBMITTED, job));
    }

    /**
     * A status read of an {@link Job#startUnconfirmed() unconfirmed} start failed otherwise than with a 404: handled
     * as any read's fault, the start's cause kept beside the read's in the job's last error, for
     * {@link #startNotFound} to name (audit: a 429 on the read was named as the start's cause).
     */
    public void unconfirmedReadFailed(Job job, ApiAnswer answer, KeyRenewal renewal) {
        JsonNode before = Json.parseStored(job.lastError());
        JsonNode start = LastErrorNotes.startCause(before);
        fault(job, answer, renewal);
        JsonNode last = Json.parseStored(job.lastError());
        if (job.startUnconfirmed() && start != null && last instanceof ObjectNode read) {
            LastErrorNotes.keepStartLook(read, start, before);
            job.lastError(read.toString());
        }
    }

    /**
     * The API knows no run under the id an unanswered start was sent with: the job ends with the start's cause; a look
     * a refund of the key began goes on as that refund (under a derived key: nothing ran), and one a refusal for good
     * began (a validation error, a conflict) fails with that refusal, the API's own code.
     */
    public void startNotFound(Job job, ApiError read, KeyRenewal renewal) {
        JsonNode start = LastErrorNotes.startCause(Json.parseStored(job.lastError()));
        if (FaultClass.ORBIT_KEY_REFUNDED.equals(Json.text(start, "code"))) {
            job.remoteId(null);
            remoteRunFailed(job, ApiError.fromJson(start), renewal);
            return;
        }
        if (refusedForGood(start)) {
            // a later start under the key was answered after all, and no run hid behind the lost answer before it:
            // the refusal stands as any other (soak audit: a lost answer, then a 400, ended as gave_up, so a caller
            // that reads error.code got another code for the same bad request by network luck)
            ApiError refusal = ApiError.fromJson(start);
            ObjectNode details = ((ObjectNode) start.deepCopy()).without(List.of("code", "message", "httpStatus"));
            details.set("statusRead", read.toJson());
            job.remoteId(null);
            failed(job, new ApiError(refusal.code(), refusal.message(), refusal.httpStatus(), details));
            return;
        }
        ObjectNode details = Json.object();
        details.set("lastCause", start);
        details.set("statusRead", read.toJson());
        job.remoteId(null);
        failed(
                job,
                new ApiError(
                        GAVE_UP,
                        "gave up: the start was not answered (last cause " + Json.text(start, "code") + ": "
                                + Json.text(start, "message") + "), and the API has no run under the id it was sent "
                                + "with (" + read.code() + ")",
                        start == null ? null : ApiError.fromJson(start).httpStatus(),
                        details));
    }

    /** Whether the stored start answer is one that fails a request for good ({@link FaultClass#PERMANENT}). */
    private static boolean refusedForGood(JsonNode start) {
        if (start == null || !start.hasNonNull("httpStatus")) {
            return false; // no answer came: the look is for a lost one's run
        }
        int status = start.get("httpStatus").asInt();
        return FaultClass.ofAnswer(status, status >= 400 ? Json.text(start, "code") : null, false)
                == FaultClass.PERMANENT;
    }

    /** Still running: read it again after the docs' interval (the API budget may make it later). */
    public void stillRunning(Job job, JsonNode status, Duration retryAfter) {
        job.lastStatus(status.toString());
        job.lastError(null);
        job.state(JobState.POLLING);
        job.polls(job.polls() + 1);
        job.attempts(0);
        events.accept(JobEvent.of(JobEvent.Kind.POLLED, job));
        job.nextAttemptAt(store.now() + schedule.pollDelay(retryAfter));
    }

    /** The run finished (or, with no status, is known to have); its outputs are read next, straight away. */
    public void readyToFetch(Job job, JsonNode status) {
        noteRunEnded(job);
        job.lastStatus(status == null ? null : status.toString());
        job.lastError(null);
        job.state(JobState.FETCHING);
        job.attempts(0);
        job.nextAttemptAt(store.now());
    }

    public void succeeded(Job job, ObjectNode extras) {
        decide(job, ResultDocument.SUCCEEDED, null, extras);
    }

    public void failed(Job job, ApiError error) {
        decide(job, ResultDocument.FAILED, error, null);
    }

    /** A failed result that still carries outputs (an Orbit {@code failed} run that saved a profile). */
    public void failed(Job job, ApiError error, ObjectNode extras) {
        decide(job, ResultDocument.FAILED, error, extras);
    }

    /**
     * The remote run ended FAILED / failed, or Orbit refunded the key: fail, or start over under a key derived from
     * the request's key (so the retry is itself idempotent), as often as {@link RemoteFailureRetries} allows for
     * that cause. The spent attempt goes into the job's previous attempts.
     */
    public void remoteRunFailed(Job job, ApiError error, KeyRenewal renewal) {
        boolean refunded = FaultClass.ORBIT_KEY_REFUNDED.equals(error.code());
        ArrayNode earlier = previousAttempts(job);
        long retriedForThisCause = 0;
        for (JsonNode attempt : earlier) {
            // a key given up after an outage's refund (turnedDownAndRefunded) counts as neither; marked as such, as a
            // failed run's own code may be a "Retry later" one too (review: each was then started again, and charged)
            if (!attempt.path(TURNED_DOWN).asBoolean()
                    && refunded
                            == FaultClass.ORBIT_KEY_REFUNDED.equals(
                                    attempt.path("error").path("code").asText())) {
                retriedForThisCause++;
            }
        }
        int allowed = refunded
                ? REFUNDED_KEY_RETRIES
                : job.api() == Api.OPENPROSPECT
                        ? remoteFailureRetries.openProspectFailedRuns()
                        : remoteFailureRetries.orbitFailedRuns();
        if (retriedForThisCause >= allowed) {
            failed(job, error);
            return;
        }
        noteRunEnded(job);
        startOverUnderDerivedKey(job, error, renewal, false);
        LastErrorNotes.storeError(job, error.toJson(), false); // the new key has started nothing
        job.attempts(0);
        job.nextAttemptAt(store.now() + schedule.retryDelay(job.keyGeneration(), null));
    }

    /**
     * The API said it did not take the request under the job's key ("Retry later": {@link FaultClass#ORBIT_NOT_TAKEN},
     * the job's last error), and then answered that key refunded: nothing ran for it, and it can never run. The
     * request goes on at once under a key derived from it, as that outage's retry: the attempts go on counting (an
     * API that keeps turning it down is given up past {@code bridge.retry.max-attempts}, naming its 5xx), and the
     * one retry a refund gets is not spent (API-doc audit: two short outages in a row failed the request as
     * "refunded", its 5xx named nowhere). The new key's last error is the refund, not the 5xx: a refund of the new
     * key with no outage of its own is an ordinary refund (review: the 5xx carried over, and every key after it was
     * renewed at once, for ever).
     */
    public void turnedDownAndRefunded(Job job, ApiError refund, KeyRenewal renewal) {
        ApiError cause = LastErrorNotes.turnedDown(job).map(ApiError::fromJson).orElse(refund);
        startOverUnderDerivedKey(job, cause, renewal, true);
        // the new key has started nothing, though the attempts go on counting (review: a refused connection under it
        // was then looked for)
        LastErrorNotes.storeError(job, refund.toJson(), false);
        job.nextAttemptAt(store.now());
    }

    /**
     * The spent key goes into the job's previous attempts with its error (marked {@code turnedDown} when the API
     * turned the request down under it); the request goes on under a derived key.
     */
    private void startOverUnderDerivedKey(Job job, ApiError error, KeyRenewal renewal, boolean turnedDown) {
        ArrayNode earlier = previousAttempts(job);
        ObjectNode attempt = earlier.addObject();
        attempt.put("idempotencyKey", job.idempotencyKey());
        attempt.put("remoteId", job.remoteId());
        attempt.set("error", error.toJson());
        JsonNode status = Json.parseStored(job.lastStatus());
        if (status != null) {
            attempt.set("status", status); // the result's status while the new key has none (ResultDocument)
        }
        if (turnedDown) {
            attempt.put(TURNED_DOWN, true);
        }
        job.previousAttempts(earlier.toString());
        String spentKey = job.idempotencyKey();
        job.keyGeneration(job.keyGeneration() + 1);
        // both keys: the line is looked for by the key that failed (contract audit: it named only the new one)
        LOG.info(
                "{}: {} under key {}; retrying under a new key derived from the request's",
                job,
                error.code(),
                IdempotencyKeys.shown(spentKey));
        job.requestBody(renewal.bodyWithKey(job.requestBody(), job.idempotencyKey()));
        job.remoteId(null);
        job.lastStatus(null);
        job.polls(0);
        job.state(JobState.RECEIVED);
    }

    private static ArrayNode previousAttempts(Job job) {
        JsonNode stored = Json.parseStored(job.previousAttempts());
        return stored instanceof ArrayNode attempts ? attempts : Json.MAPPER.createArrayNode();
    }

    /** How an API puts a new key into a request body (Orbit's requestId); OpenProspect keeps the body as is. */
    @FunctionalInterface
    public interface KeyRenewal {
        String bodyWithKey(String body, String key);

        KeyRenewal HEADER_ONLY = (body, key) -> body;
    }

    /** Any answer that is not a success: classify it once and act on the class. */
    public void fault(Job job, ApiAnswer answer, KeyRenewal renewal) {
        fault(job, answer, renewal, null);
    }

    /**
     * As {@link #fault(Job, ApiAnswer, KeyRenewal)}, for a step that has read some of a run's outputs already
     * ({@code outputsSoFar}, the result's extras): should the fault end the job, its failed result carries them. API
     * audit: one candidate profile that could not be read gave a paid candidate_discovery run up with no profile at
     * all, the ones read fine dropped.
     */
    public void fault(Job job, ApiAnswer answer, KeyRenewal renewal, ObjectNode outputsSoFar) {
        long now = store.now();
        // a job with a remote id is past its start: what it calls now are reads of the run the API accepted
        FaultClass fault = FaultClass.of(answer, job.remoteId() != null);
        if (fault == FaultClass.NOT_SENT) {
            // nothing went out: no attempt, no error, the same step again as soon as it has a place
            job.nextAttemptAt(now);
            return;
        }
        ApiError error = answer.error();
        // Orbit may have started a run for a 5xx too; OpenProspect is trusted to have created none for one
        boolean thisMayHaveStarted = job.api() != null && job.api().namesRunsByKey()
                ? FaultClass.mayHaveStarted(answer)
                : FaultClass.answerLost(answer);
        LastErrorNotes.storeError(
                job,
                LastErrorNotes.keepingTurnDown(job, error.toJson()),
                LastErrorNotes.startMaybeSentSoFar(job) || thisMayHaveStarted);
        switch (fault) {
            case RATE_LIMITED -> job.nextAttemptAt(now + schedule.rateLimitDelay(answer.retryAfter()));
            case HOLD -> {
                // held_total counts the API's refusing answers; a missing key is no answer (docs/operations.md)
                if (!answer.isKeyMissing()) {
                    events.accept(JobEvent.of(JobEvent.Kind.HELD, job));
                }
                if (schedule.tooOld(job.createdAt(), now)) {
                    giveUp(job, error, outputsSoFar);
                } else {
                    job.nextAttemptAt(now + schedule.holdDelay(answer.retryAfter()));
                }
            }
            // a read of a run the API accepted waits out an outage until max-age: the run is paid for and its
            // result waits there (audit: ten 5xx in a row, a few minutes, had given up such runs for good). So does an
            // OpenProspect start whose earlier answer was lost: the creation may exist, and the same Idempotency-Key
            // finds it once the API is back (fault-sequence audit: a lost answer, then a few 503s, gave up a creation
            // OpenProspect had started; Orbit's such starts are looked for before a give-up instead). So does any start
            // while the API is out for other jobs too, refusing or failing: ten failed starts, about four minutes, had
            // given up every request not yet accepted (outage audit: 180 files and JMS requests failed in a 5-minute
            // outage). A start failing alone (only its calls fail) still spends its attempts, and so does one past its
            // deadline: two slow requests alone cannot be told from an API that hangs, and would wait each other out
            // until max-age (CI: BrokenAnswersTest's slow and trickled answers were never given up).
            case RETRY -> {
                boolean outage = FaultClass.isOutage(answer);
                // asked at every outage, whatever else holds: it notes this job as the last one the outage failed
                boolean sharedOutage = outage && apiOutForOtherJobsToo(job);
                retry(
                        job,
                        error,
                        sharedOutage || (outage && (job.remoteId() != null || creationMayExist(job))),
                        answer.retryAfter(),
                        outputsSoFar);
            }
            // answers audit: a start whose answer was lost, then a refund of its key, started a second paid run under a
            // derived key while the first ran on; the key is looked up first ({@link #startNotFound} starts over)
            case KEY_REFUNDED -> {
                if (!lookedForUnseenStart(job, error)) {
                    remoteRunFailed(job, error, renewal);
                }
            }
            // fault-sequence audit: a lost answer, then a permanent refusal, failed a started run without a look
            case PERMANENT -> {
                if (!lookedForUnseenStart(job, error)) {
                    failed(job, error, outputsSoFar);
                }
            }
        }
    }

    /**
     * Whether the job's API is out (its last calls all failed) and another job's call failed in it as well: one
     * request whose every call fails (a body the API cannot take, answered 500) is no outage to wait out.
     */
    private boolean apiOutForOtherJobsToo(Job job) {
        String failedBefore = lastJobFailedByOutage.put(job.api(), job.id());
        return apiOut.test(job.api()) && failedBefore != null && !failedBefore.equals(job.id());
    }

    /** An OpenProspect job not started yet whose earlier start under its key had its answer lost. */
    private static boolean creationMayExist(Job job) {
        return LastErrorNotes.recordsStarts(job)
                && !job.api().namesRunsByKey()
                && LastErrorNotes.startMaybeSentSoFar(job);
    }

    /**
     * A success answer without what the docs promise (no creation id, no status body): asked again with the same key,
     * which finds the same run, and given up like a 5xx after {@code bridge.retry.max-attempts}.
     */
    public void unexpectedAnswer(Job job, ApiError error) {
        unexpectedAnswer(job, error, null);
    }

    /** As {@link #unexpectedAnswer(Job, ApiError)}, keeping the outputs read so far should it end the job. */
    public void unexpectedAnswer(Job job, ApiError error, ObjectNode outputsSoFar) {
        LastErrorNotes.storeError(job, error.toJson(), true); // a success answer to a start: the API took it
        retry(job, error, false, null, outputsSoFar);
    }

    /**
     * A success answer to a status read that carries no status: no JSON object, or none with a {@code status} text
     * (both docs give every status answer one; an unknown text is still running, a missing, null or numeric one is
     * no status at all). Asked again like {@link #unexpectedAnswer}; true when it was so (the step is done with the
     * answer), false when the status is there to read. API-answers audit: an answer without it was read as "still
     * running" and polled every 2 s until bridge.retry.max-age-ms, a day, and then given up as "not done".
     */
    public boolean noStatusIn(Job job, ApiAnswer answer) {
        JsonNode body = answer.body();
        if (body == null || !body.isObject() || !body.hasNonNull("status")) {
            unexpectedAnswer(job, ApiError.unexpected(answer, "the status answer", "has no status"));
            return true;
        }
        if (!body.get("status").isTextual()) {
            unexpectedAnswer(
                    job,
                    new ApiError("unexpected_answer", "the status answer's status is not a text", answer.httpStatus()));
            return true;
        }
        return false;
    }

    /**
     * A success answer about another run than the job's: the id it names the run by (its {@code field}; an answer
     * that names none is not judged) is not the one the job was accepted under or sent. Asked again like
     * {@link #unexpectedAnswer}, never taken as the job's (API-answers audit: a status answer for another creation had
     * its {@code profile_id} delivered as this request's); true when it was so. {@code serverMadeId}: the id is one the
     * API made (a UUID in either case is the same id); else it is the caller's key, compared to the letter.
     */
    public boolean aboutAnotherRun(Job job, ApiAnswer answer, String field, String expected, boolean serverMadeId) {
        return aboutAnotherRun(job, answer, field, expected, serverMadeId, () -> null);
    }

    /**
     * As {@link #aboutAnotherRun(Job, ApiAnswer, String, String, boolean)}, for a read of one of a run's outputs, keeping
     * those read so far (asked for only then) should it end the job.
     */
    public boolean aboutAnotherRun(
            Job job,
            ApiAnswer answer,
            String field,
            String expected,
            boolean serverMadeId,
            Supplier<ObjectNode> outputsSoFar) {
        String answered = Json.text(answer.body(), field);
        // the answer was masked before it came here (ApiCallRoutes): a request sent under a key holding the API key
        // is answered about the masked key (REST audit: it was asked again until given up)
        if (answered == null
                || (serverMadeId ? sameId(answered, expected) : answered.equals(expected))
                || answered.equals(keyMask.applyToAnswer(answer.httpStatus(), expected))) {
            return false;
        }
        unexpectedAnswer(
                job,
                new ApiError(
                        "unexpected_answer",
                        "the answer is about " + field + " \"" + answered + "\", not this request's \"" + expected
                                + "\"",
                        answer.httpStatus()),
                outputsSoFar.get());
        return true;
    }

    /**
     * The same id, or the same UUID written in the other case (UUIDs compare regardless of case; hostile-API audit: a
     * status naming its id in capitals was given up as another run's, the succeeded run's profile lost).
     */
    static boolean sameId(String answered, String expected) {
        return answered.equals(expected)
                || (UUID_SHAPE.matcher(answered).matches() && answered.equalsIgnoreCase(expected));
    }

    private void retry(Job job, ApiError error, boolean throughOutage, Duration retryAfter, ObjectNode outputsSoFar) {
        events.accept(JobEvent.of(JobEvent.Kind.RETRIED, job));
        job.attempts(throughOutage ? schedule.attemptsShortOfGivingUp(job.attempts() + 1) : job.attempts() + 1);
        backOffOrGiveUp(job, error, retryAfter, outputsSoFar);
    }

    /** After a failed attempt (counted already): the next one after the backoff, or the end past max attempts or age. */
    private void backOffOrGiveUp(Job job, ApiError error, Duration retryAfter, ObjectNode outputsSoFar) {
        long now = store.now();
        if (schedule.attemptsExhausted(job.attempts()) || schedule.tooOld(job.createdAt(), now)) {
            giveUp(job, error, outputsSoFar);
        } else {
            job.nextAttemptAt(now + schedule.retryDelay(job.attempts(), retryAfter));
        }
    }

    /**
     * A step failed for a reason no API answer explains (the store, a bug): tried again later like a transient
     * fault, then given up; a result being delivered keeps its own bound.
     */
    public void unexpected(Job job, Exception cause) {
        if (job.state().isFinal()) {
            return;
        }
        if (job.state() == JobState.DELIVERING) {
            deliveryFailed(job, cause);
            return;
        }
        ApiError error = ApiError.of("internal_error", String.valueOf(cause));
        LastErrorNotes.storeError(job, error.toJson(), LastErrorNotes.startMaybeSentSoFar(job));
        job.attempts(job.attempts() + 1);
        backOffOrGiveUp(job, error, null, null);
    }

    /** Nothing was sent (a client-side rate limit): the same step is due again once the wait is over. */
    public void waitFor(Job job, long waitMs) {
        job.nextAttemptAt(store.now() + waitMs);
    }

    /** The backoff after {@code attempt} failed tries, with its jitter ({@link JobSchedule#retryDelay}). */
    public long retryDelay(int attempt) {
        return schedule.retryDelay(attempt, null);
    }

    /** The result reached its destination: the job is final. */
    public void delivered(Job job) {
        boolean succeeded = ResultDocument.SUCCEEDED.equals(job.outcome());
        job.state(succeeded ? JobState.DELIVERED : JobState.FAILED);
        job.nextAttemptAt(null);
        job.finishedAt(store.now());
        events.accept(JobEvent.of(JobEvent.Kind.FINISHED, job));
    }

    /**
     * The caller got another result than the job's: a failed one that fits the broker ({@code
     * delivery.OversizedResults}). The job ends as that result, its error the result's, so that /jobs, the metrics and
     * a later caller see what the caller got.
     */
    public void deliveredInstead(Job job, String sentResult) {
        job.outcome(ResultDocument.FAILED);
        job.lastError(Json.write(Json.parseStored(sentResult).path("error")));
        job.result(sentResult);
        delivered(job);
    }

    /** The result's destination is known to be away: nothing was tried, nothing counts; looked at again later. */
    public void deliveryWaits(Job job, String reason, long waitMs) {
        job.lastError(ApiError.of("delivery_waiting", reason).toJson().toString());
        job.nextAttemptAt(store.now() + waitMs);
    }

    /**
     * The destination refused the result (outbox unwritable, broker down): keep it and try again later, up to
     * {@code bridge.delivery.max-attempts}; then the job ends undelivered, its result kept in the store. A destination
     * out of room or of permission is tried again at the backoff's cap for as long as that lasts
     * ({@link OutboxBlocked}).
     */
    public void deliveryFailed(Job job, Exception cause) {
        // the disk is asked once: its answer both names the cause and decides whether the result is ever given up
        deliveryFailed(job, cause, OutboxBlocked.why(cause));
    }

    /**
     * As {@link #deliveryFailed(Job, Exception)}, with why the place the result goes to refuses it, if it does (an
     * outbox out of room, a broker that refuses the queue): such a result is never given up.
     */
    public void deliveryFailed(Job job, Exception cause, Optional<String> blocked) {
        job.attempts(job.attempts() + 1);
        ApiError error = ApiError.of("delivery_failed", OutboxBlocked.describe(cause, blocked));
        if (!schedule.deliveryAttemptsExhausted(job.attempts()) || blocked.isPresent()) {
            job.lastError(error.toJson().toString());
            job.nextAttemptAt(store.now() + schedule.retryDelay(job.attempts(), null));
            return;
        }
        LOG.error(
                "{}: its result could not be delivered in {} attempts (last: {}); no further attempt, the result stays "
                        + "in the job store (GET /jobs/{})",
                job,
                job.attempts(),
                error.message(),
                job.id());
        job.lastError(ApiError.of(
                        "delivery_gave_up",
                        "not delivered after " + job.attempts()
                                + " attempts (bridge.delivery.max-attempts); last cause: " + error.message())
                .toJson()
                .toString());
        job.state(JobState.FAILED);
        job.nextAttemptAt(null);
        job.finishedAt(store.now());
        events.accept(JobEvent.of(JobEvent.Kind.UNDELIVERABLE, job));
    }

    /**
     * True when the job is older than {@code bridge.retry.max-age-ms} and its result is not decided yet, whatever
     * holds it up (rate limits, a run that never ends, answers that make no sense).
     */
    public boolean pastMaxAge(Job job) {
        // an unanswered start's status read, and the output reads of a run that ended, get the longest backoff beyond
        // the age: the run is paid for, and the read is due at once (bounded all the same: a read answered 429 for
        // ever must end). A run found by the look before a give-up had ended at the age (API-doc audit). The look's
        // grace counts from when it began, should that be past the age (a long Retry-After before it, a stop; review:
        // it was given up before its one read)
        long grace = 0;
        if (job.startUnconfirmed()) {
            long lookedAt = LastErrorNotes.lookedAt(Json.parseStored(job.lastError()));
            grace = schedule.retryMaxDelayMs()
                    + startLookDelayMs
                    + Math.max(0, lookedAt - (job.createdAt() + schedule.maxAgeMs()));
        } else if (job.state() == JobState.FETCHING) {
            // as long again as a look may have waited to read the run's status (the run it found); see
            // readsItsOutputs for a read that holds its place
            grace = schedule.retryMaxDelayMs() + startLookDelayMs;
        }
        return JobState.PENDING.contains(job.state())
                && job.state() != JobState.DELIVERING
                && schedule.tooOld(job.createdAt(), store.now() - grace);
    }

    /**
     * A run seen ended whose outputs are still to be read, and no read of them has failed but for a rate limit: read
     * however long after the age, once it holds a place for its call (JobRoutes.nextStep). A run read once more past
     * its age (at a restart) had its profile read wait for a place, and was given up "while fetching", its status
     * completed (GiveUpTest on a busy host); a 429 then gave it up at once (review). A rate limit keeps it going past
     * the age by the longest Retry-After honoured at most (candidate audit: a read answered 429 for ever was read every
     * few seconds for good). A read that fails otherwise (an outage, a refusal) counts from the age, so an outage
     * still ends it.
     */
    public boolean readsItsOutputs(Job job) {
        if (job.state() != JobState.FETCHING) {
            return false;
        }
        JsonNode last = Json.parseStored(job.lastError());
        return last == null
                || (last.hasNonNull("httpStatus")
                        && last.get("httpStatus").asInt() == 429
                        && !schedule.tooOld(job.createdAt(), store.now() - schedule.retryAfterCapMs()));
    }

    /**
     * A run the API accepted, with no step of the job since its age came (the bridge stopped meanwhile, or a Retry-After
     * took it past the age): its status is read once more before it is given up, for it may have ended, paid for, in
     * that time (time audit: a run past its age at a restart was given up within 30 ms, with no read, and its result
     * could never be had under that key). The read's save dates the job past its age, so it comes only once. Asked of
     * a job past its age that holds a place for its call (JobRoutes.nextStep): one claimed past its age while its API
     * refuses the key has none, and calls nothing. A job last read before this process started is read once more too:
     * its last step may lie past a shorter age set at the restart, made when the run had not ended (long-run audit:
     * runs that ended while the bridge was stopped were given up unread after a restart with a shorter max-age).
     */
    public boolean awaitsItsLastRead(Job job) {
        return (job.state() == JobState.SUBMITTED || job.state() == JobState.POLLING)
                && job.remoteId() != null
                && (job.updatedAt() <= job.createdAt() + schedule.maxAgeMs() || job.updatedAt() < startedAt);
    }

    /** As {@link #giveUpTooOld(Job, Optional)}, for a job whose API holds none of its calls. */
    public void giveUpTooOld(Job job) {
        giveUpTooOld(job, Optional.empty());
    }

    /**
     * Ends a job that is {@link #pastMaxAge(Job) past its age} with a gave_up result naming where it stood: its last
     * error, else why its API holds its calls ({@code heldBecause}). Key-rotation audit: a job that waited behind the
     * hold's probe, never called, was given up as "not done after 40 s" alone while {@code /jobs} named the 401.
     */
    public void giveUpTooOld(Job job, Optional<ApiError> heldBecause) {
        // a key taken over is no cause: a job that waited behind a hold from then on gave up naming another job
        // (review), not the hold
        JsonNode lastError = Json.parseStored(job.lastError());
        JsonNode recorded = LastErrorNotes.tookOverKey(lastError) ? null : lastError;
        JsonNode last = recorded != null && recorded.hasNonNull("code")
                ? recorded
                : heldBecause.<JsonNode>map(ApiError::toJson).orElse(recorded);
        ApiError stored = last == null ? ApiError.of(GAVE_UP, "past its age") : ApiError.fromJson(last);
        if (lookedForUnseenStart(job, stored)) {
            return;
        }
        String lastCause = last != null && last.hasNonNull("code")
                ? "; last cause " + Json.text(last, "code") + ": " + Json.text(last, "message")
                : "";
        Integer httpStatus = last == null ? null : stored.httpStatus();
        ObjectNode details = null;
        if (last instanceof ObjectNode lastObject) {
            details = Json.object();
            ObjectNode shown = lastObject.deepCopy();
            LastErrorNotes.removeNotes(shown);
            details.set("lastCause", shown);
        }
        LOG.warn("{}: not done after {} ms (bridge.retry.max-age-ms); giving up", job, schedule.maxAgeMs());
        failed(job, new ApiError(GAVE_UP, "gave up: " + notDoneInTime(job) + lastCause, httpStatus, details));
    }

    /** The API's own code survives: in the message, and whole (with its details) as {@code lastCause}. */
    private void giveUp(Job job, ApiError lastCause, ObjectNode outputsSoFar) {
        if (lookedForUnseenStart(job, lastCause)) {
            return;
        }
        ObjectNode details = Json.object();
        details.set("lastCause", lastCause.toJson());
        // key-rotation audit: a start whose answer was lost, looked for under its key and refused the look (a
        // 401), read "gave up after 0 attempts" as though nothing had been sent, though a paid run may exist
        String unconfirmed = job.startUnconfirmed()
                ? "its start went unanswered, and a run may exist under " + job.remoteId()
                        + ", which could not be read; "
                : "";
        // attempts left means the age ended it: an outage or a hold counts no attempt past the one before the last
        // (permanent-faults audit: 240 s of 503s on a run's reads read "gave up after 3 attempts")
        String ended = schedule.attemptsExhausted(job.attempts())
                ? "gave up after " + job.attempts() + " attempts; "
                : "gave up: " + notDoneInTime(job) + "; ";
        failed(
                job,
                new ApiError(
                        GAVE_UP,
                        ended + unconfirmed + "last cause " + lastCause.code() + ": " + lastCause.message(),
                        lastCause.httpStatus(),
                        details),
                outputsSoFar);
    }

    private String notDoneInTime(Job job) {
        return "not done after " + schedule.maxAgeMs() / 1000 + " s (bridge.retry.max-age-ms) while "
                + job.state().name().toLowerCase(Locale.ROOT);
    }

    /**
     * A start that may have started a run unseen is looked for before its job is given up, whatever gives it up (the
     * attempts, a hold past max-age, the age itself): the API names runs by the key they were started with, and a
     * start under this key failed in a way that may hide a run (a lost answer, a 5xx other than "Retry later": {@link
     * FaultClass#mayHaveStarted}), whatever the later ones answered. The status is read under the key at once ({@link
     * #startUnanswered}); true when so. API-doc audit: a lost answer, then 402s until max-age, gave up a started, paid
     * run without one look; crash audit: so did a lost answer, then 503 "Retry later" to the last attempt. A job whose
     * faults did not record it (saved by an earlier release) is looked for when it has attempts and the last answer
     * is no "Retry later".
     */
    private boolean lookedForUnseenStart(Job job, ApiError cause) {
        if (job.api() == null
                || !job.api().namesRunsByKey()
                || job.state() != JobState.RECEIVED
                || job.remoteId() != null
                || job.idempotencyKey() == null
                || !LastErrorNotes.startMaybeSentSoFar(job)) {
            return false;
        }
        startUnanswered(job, job.idempotencyKey(), cause);
        return true;
    }

    /**
     * A status read saw the run end (or fail for good): what that says about how long runs take. Only when the read
     * before it was answered and saw the run going (no last error): the job's last save is then that read. A hold, a
     * fault, a retry or a give-up saves the job too, and would count the time it waited as running (OpenProspect audit:
     * after an hour's 403 on reads, every new run's first read came an hour late).
     */
    private void noteRunEnded(Job job) {
        if ((job.state() == JobState.SUBMITTED || job.state() == JobState.POLLING)
                && job.acceptedAt() != null
                && job.lastError() == null) {
            runTimes.ended(job, job.updatedAt() - job.acceptedAt());
        }
    }

    private void decide(Job job, String outcome, ApiError error, ObjectNode extras) {
        if (error == null || !error.code().equals(GAVE_UP)) {
            noteRunEnded(job); // a run given up did not end
        }
        job.outcome(outcome);
        job.lastError(error == null ? null : error.toJson().toString());
        // the API's answers are masked as they come (ApiCallRoutes); the request echoed is the caller's text
        job.result(keyMask.applyToCallerText(Json.write(ResultDocument.of(job, outcome, error, extras))));
        job.state(JobState.DELIVERING);
        job.attempts(0);
        job.nextAttemptAt(store.now());
    }
}
