package io.profilebridge.job;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Every timing decision of the job lifecycle, in one place: when to poll, how long to back off after a transient
 * fault, how long to hold a request the API refuses for its key, and when to give up.
 */
public record JobSchedule(
        long firstPollDelayMs,
        long pollIntervalMs,
        long retryBaseDelayMs,
        long retryMaxDelayMs,
        int maxAttempts,
        long holdIntervalMs,
        long maxAgeMs,
        int maxDeliveryAttempts,
        long retryAfterCapMs) {

    /** The first status read of a run: the docs' 2 s, or later when runs of its kind never ended sooner. */
    public long firstPollDelay(long shortestRunMs) {
        return Math.max(firstPollDelayMs, shortestRunMs);
    }

    /**
     * Exponential backoff with equal jitter (half the ceiling, and up to as much again at random); never earlier than
     * the API's Retry-After.
     */
    public long retryDelay(int attempt, Duration retryAfter) {
        long ceiling = longestRetryDelay(attempt);
        long jittered = ThreadLocalRandom.current().nextLong(ceiling / 2, ceiling + 1);
        return Math.max(jittered, retryAfterMs(retryAfter));
    }

    /** The longest backoff after the given attempt, before jitter: the base doubled per attempt, up to the maximum. */
    public long longestRetryDelay(int attempt) {
        return (long) Math.min(retryMaxDelayMs, retryBaseDelayMs * Math.pow(2, Math.max(0, attempt - 1)));
    }

    public long rateLimitDelay(Duration retryAfter) {
        return Math.max(retryAfterMs(retryAfter), retryBaseDelayMs);
    }

    public long holdDelay(Duration retryAfter) {
        return Math.max(holdIntervalMs, retryAfterMs(retryAfter));
    }

    /** The next status read of a run still going: the docs' interval, or the API's Retry-After if longer. */
    public long pollDelay(Duration retryAfter) {
        return Math.max(pollIntervalMs, retryAfterMs(retryAfter));
    }

    public boolean attemptsExhausted(int attempts) {
        return attempts >= maxAttempts;
    }

    /** At most one short of {@link #attemptsExhausted}: the backoff grows to its longest, the attempts never run out. */
    public int attemptsShortOfGivingUp(int attempts) {
        return Math.max(0, Math.min(attempts, maxAttempts - 1));
    }

    public boolean deliveryAttemptsExhausted(int attempts) {
        return attempts >= maxDeliveryAttempts;
    }

    public boolean tooOld(long createdAt, long now) {
        return now - createdAt > maxAgeMs;
    }

    /**
     * How long an answer's Retry-After makes us wait: at most {@code retryAfterCapMs}, so a broken or absurd header
     * (years ahead) cannot park a request for ever; an API that still means it answers with another Retry-After.
     */
    public long retryAfterMs(Duration retryAfter) {
        if (retryAfter == null) {
            return 0;
        }
        // a little margin: the API counts from when it answered, we from when we read the answer
        long wait =
                retryAfter.compareTo(Duration.ofMillis(retryAfterCapMs)) >= 0 ? retryAfterCapMs : retryAfter.toMillis();
        return Math.min(retryAfterCapMs, wait + 50);
    }
}
