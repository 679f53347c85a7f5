package io.profilebridge.job;

import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.profilebridge.Json;
import io.profilebridge.api.Api;
import io.profilebridge.api.ApiAnswer;
import io.profilebridge.api.ApiError;
import io.profilebridge.api.FaultClass;
import io.profilebridge.operations.JobMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The state transitions of a job. API routes tell it what the API answered; it decides the next state and when
 * the next step is due, using the {@link JobSchedule} and the one error model ({@link FaultClass}).
 */
public class JobLifecycle {

    private static final Logger LOG = LoggerFactory.getLogger(JobLifecycle.class);

    private final JobSchedule schedule;
    private final RemoteFailureRetries remoteFailureRetries;
    private final JobStore store;
    private final JobMetrics metrics;

    /**
     * How many runs that ended FAILED / failed are started again under a new key derived from the request's key:
     * OpenProspect's docs say "retry with a new idempotency key"; an Orbit run costs credits. 0 = never.
     */
    public record RemoteFailureRetries(int openProspectFailedRuns, int orbitFailedRuns) {
    }

    /** A refunded Orbit key is retried once under a derived key: nothing ran for it, so nothing can run twice. */
    private static final int REFUNDED_KEY_RETRIES = 1;

    public JobLifecycle(JobSchedule schedule, RemoteFailureRetries remoteFailureRetries, JobStore store,
            JobMetrics metrics) {
        this.schedule = schedule;
        this.remoteFailureRetries = remoteFailureRetries;
        this.store = store;
        this.metrics = metrics;
    }

    /** The API accepted the run: poll it after the first poll delay, or the answer's Retry-After if later. */
    public void accepted(Job job, String remoteId, JsonNode status, Duration retryAfter) {
        job.remoteId(remoteId);
        job.lastStatus(status == null ? null : status.toString());
        job.lastError(null);
        job.state(JobState.SUBMITTED);
        job.attempts(0);
        job.nextAttemptAt(store.now() + Math.max(schedule.pollDelay(0), schedule.retryAfterMs(retryAfter)));
        metrics.count(job.api(), "submitted");
    }

    public void stillRunning(Job job, JsonNode status, Duration retryAfter) {
        job.lastStatus(status.toString());
        job.lastError(null);
        job.state(JobState.POLLING);
        job.polls(job.polls() + 1);
        job.attempts(0);
        metrics.count(job.api(), "polled");
        long delay = Math.max(schedule.pollDelay(job.polls()), schedule.retryAfterMs(retryAfter));
        job.nextAttemptAt(store.now() + delay);
    }

    /** The run finished (or, with no status, is known to have); its outputs are read next, straight away. */
    public void readyToFetch(Job job, JsonNode status) {
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
            if (refunded == FaultClass.ORBIT_KEY_REFUNDED.equals(attempt.path("error").path("code").asText())) {
                retriedForThisCause++;
            }
        }
        int allowed = refunded ? REFUNDED_KEY_RETRIES : job.api() == Api.OPENPROSPECT
                ? remoteFailureRetries.openProspectFailedRuns() : remoteFailureRetries.orbitFailedRuns();
        if (retriedForThisCause >= allowed) {
            failed(job, error);
            return;
        }
        ObjectNode attempt = earlier.addObject();
        attempt.put("idempotencyKey", job.idempotencyKey());
        attempt.put("remoteId", job.remoteId());
        attempt.set("error", error.toJson());
        job.previousAttempts(earlier.toString());
        job.keyGeneration(job.keyGeneration() + 1);
        LOG.info("{}: {}; retrying under a new key derived from the request's", job, error.code());
        job.requestBody(renewal.bodyWithKey(job.requestBody(), job.idempotencyKey()));
        job.remoteId(null);
        job.lastStatus(null);
        job.polls(0);
        job.attempts(0);
        job.lastError(error.toJson().toString());
        job.state(JobState.RECEIVED);
        job.nextAttemptAt(store.now() + schedule.retryDelay(job.keyGeneration(), null));
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
        ApiError error = answer.error();
        job.lastError(error.toJson().toString());
        long now = store.now();
        switch (FaultClass.of(answer)) {
            case RATE_LIMITED -> job.nextAttemptAt(now + schedule.rateLimitDelay(answer.retryAfter()));
            case HOLD -> {
                metrics.count(job.api(), "held");
                if (schedule.tooOld(job.createdAt(), now)) {
                    giveUp(job, error);
                } else {
                    job.nextAttemptAt(now + schedule.holdDelay(answer.retryAfter()));
                }
            }
            case RETRY -> {
                metrics.count(job.api(), "retried");
                job.attempts(job.attempts() + 1);
                if (schedule.attemptsExhausted(job.attempts()) || schedule.tooOld(job.createdAt(), now)) {
                    giveUp(job, error);
                } else {
                    job.nextAttemptAt(now + schedule.retryDelay(job.attempts(), answer.retryAfter()));
                }
            }
            case KEY_REFUNDED -> remoteRunFailed(job, error, renewal);
            case PERMANENT -> failed(job, error);
        }
    }

    /** Nothing was sent (a client-side rate limit): the same step is due again once the wait is over. */
    public void waitFor(Job job, long waitMs) {
        job.nextAttemptAt(store.now() + waitMs);
    }

    /** Hold a request whose API has no key configured: nothing fails, it is tried again slowly. */
    public void hold(Job job, ApiError reason) {
        job.lastError(reason.toJson().toString());
        long now = store.now();
        if (schedule.tooOld(job.createdAt(), now)) {
            giveUp(job, reason);
        } else {
            job.nextAttemptAt(now + schedule.holdDelay(null));
        }
    }

    /** The result reached its destination: the job is final. */
    public void delivered(Job job) {
        boolean succeeded = ResultDocument.SUCCEEDED.equals(job.outcome());
        job.state(succeeded ? JobState.DELIVERED : JobState.FAILED);
        job.nextAttemptAt(null);
        job.finishedAt(store.now());
        metrics.count(job.api(), succeeded ? "delivered" : "failed");
        metrics.finished(job.api(), job.outcome(), job.createdAt(), job.finishedAt());
    }

    /** The destination refused the result (outbox unwritable, broker down): keep it and try again later. */
    public void deliveryFailed(Job job, Exception cause) {
        job.attempts(job.attempts() + 1);
        job.lastError(ApiError.of("delivery_failed", cause.getMessage()).toJson().toString());
        job.nextAttemptAt(store.now() + schedule.retryDelay(job.attempts(), null));
    }

    /** The API's own code survives: in the message, and whole (with its details) as {@code lastCause}. */
    private void giveUp(Job job, ApiError lastCause) {
        ObjectNode details = Json.object();
        details.set("lastCause", lastCause.toJson());
        failed(job, new ApiError("gave_up", "gave up after " + job.attempts() + " attempts; last cause "
                + lastCause.code() + ": " + lastCause.message(), lastCause.httpStatus(), details));
    }

    private void decide(Job job, String outcome, ApiError error, ObjectNode extras) {
        job.outcome(outcome);
        job.lastError(error == null ? null : error.toJson().toString());
        job.result(Json.write(ResultDocument.of(job, outcome, error, extras)));
        job.state(JobState.DELIVERING);
        job.attempts(0);
        job.nextAttemptAt(store.now());
    }
}
