package io.profilebridge.job;

import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.profilebridge.Json;
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

    /** Whether a remote FAILED run or a refunded Orbit key is tried again with a new key, and how often. */
    public record RemoteFailureRetries(boolean enabled, int maxGenerations) {
    }

    public JobLifecycle(JobSchedule schedule, RemoteFailureRetries remoteFailureRetries, JobStore store,
            JobMetrics metrics) {
        this.schedule = schedule;
        this.remoteFailureRetries = remoteFailureRetries;
        this.store = store;
        this.metrics = metrics;
    }

    /** The API accepted the run: poll it after the first poll delay. */
    public void accepted(Job job, String remoteId, JsonNode status) {
        job.remoteId(remoteId);
        job.lastStatus(status == null ? null : status.toString());
        job.lastError(null);
        job.state(JobState.SUBMITTED);
        job.attempts(0);
        job.nextAttemptAt(store.now() + schedule.pollDelay(0));
        metrics.count(job.api(), "submitted");
    }

    public void stillRunning(Job job, JsonNode status, Duration retryAfter) {
        job.lastStatus(status.toString());
        job.lastError(null);
        job.state(JobState.POLLING);
        job.polls(job.polls() + 1);
        job.attempts(0);
        metrics.count(job.api(), "polled");
        long delay = Math.max(schedule.pollDelay(job.polls()), retryAfter == null ? 0 : retryAfter.toMillis() + 50);
        job.nextAttemptAt(store.now() + delay);
    }

    /** The run finished; its outputs are read next, straight away. */
    public void readyToFetch(Job job, JsonNode status) {
        job.lastStatus(status.toString());
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

    /**
     * The remote run ended FAILED, or Orbit refunded the key: fail, or (when configured) start over with a key
     * derived from the spent one, so the retry is itself idempotent.
     */
    public void remoteRunFailed(Job job, ApiError error, KeyRenewal renewal) {
        int generation = job.keyGeneration() + 1;
        if (!remoteFailureRetries.enabled() || generation > remoteFailureRetries.maxGenerations()) {
            failed(job, error);
            return;
        }
        String newKey = IdempotencyKeys.retryKey(job.idempotencyKey(), generation);
        LOG.info("{}: remote run failed ({}); retrying with a new key {}", job, error.code(), newKey);
        job.idempotencyKey(newKey);
        job.requestBody(renewal.bodyWithKey(job.requestBody(), newKey));
        job.remoteId(null);
        job.polls(0);
        job.keyGeneration(generation);
        job.attempts(0);
        job.lastError(error.toJson().toString());
        job.state(JobState.RECEIVED);
        job.nextAttemptAt(store.now() + schedule.retryDelay(generation, null));
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

    private void giveUp(Job job, ApiError lastCause) {
        failed(job, new ApiError("gave_up", "gave up after " + job.attempts() + " attempts; last cause "
                + lastCause.code() + ": " + lastCause.message(), lastCause.httpStatus()));
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
