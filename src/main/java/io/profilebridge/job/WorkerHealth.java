package io.profilebridge.job;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * What the dispatching and the job workers report of their own trouble, kept for the {@code job-workers} health
 * check: a claim that fails, a poll tick that stops coming, a worker that failed with no step succeeding since.
 */
final class WorkerHealth {

    private final LongSupplier clock;
    private final LongSupplier nanos;
    private final long tickStallMs;
    private volatile long lastClaimAt;
    /** The same moment on the monotonic clock (ns). */
    private volatile long lastClaimNanos;

    private volatile String claimFailure;
    private volatile String workerFailure;
    private volatile long workerFailureAt;
    private volatile long lastStepDoneAt;

    /**
     * @param clock       the store's time, in ms
     * @param nanos       the monotonic clock, in ns
     * @param tickStallMs no claim for this long means the poll trigger stopped
     */
    WorkerHealth(LongSupplier clock, LongSupplier nanos, long tickStallMs) {
        this.clock = clock;
        this.nanos = nanos;
        this.lastClaimNanos = nanos.getAsLong();
        this.tickStallMs = tickStallMs;
        this.lastClaimAt = clock.getAsLong();
    }

    void claimStarted() {
        lastClaimAt = clock.getAsLong();
        lastClaimNanos = nanos.getAsLong();
    }

    /** Notes a claim that succeeded; true when the one before had failed (the end of a run of failures). */
    boolean claimSucceeded() {
        boolean recovered = claimFailure != null;
        claimFailure = null;
        return recovered;
    }

    /** Notes a failed claim; true when the one before had succeeded (the first of a run of failures). */
    boolean claimFailed(String message) {
        boolean first = claimFailure == null;
        claimFailure = message;
        return first;
    }

    void stepDone() {
        lastStepDoneAt = clock.getAsLong();
    }

    /** A worker failed on {@code what}: shows until a later step succeeds. */
    void workerFailed(String what) {
        workerFailure = what;
        workerFailureAt = clock.getAsLong();
    }

    /** A worker failed and no step succeeded since. */
    boolean workerFailureShows() {
        return workerFailure != null && workerFailureAt >= lastStepDoneAt;
    }

    /** No job is left whose step could succeed: a worker failure is forgotten. */
    void forgetWorkerFailure() {
        workerFailure = null;
    }

    /** Each problem it knows of, in a few words; empty when there is none. */
    List<String> problems() {
        long now = clock.getAsLong();
        List<String> problems = new ArrayList<>();
        if (claimFailure != null) {
            problems.add("claiming due jobs fails: " + claimFailure);
        }
        // by the monotonic clock too: the Quartz trigger fires by the wall clock, and one set back stopped it for as
        // long as the step while the store's clock, that same wall clock on the embedded store, saw no gap (skew
        // audit: no call for 3 minutes, readiness UP)
        long sinceClaim = Math.max(now - lastClaimAt, (nanos.getAsLong() - lastClaimNanos) / 1_000_000);
        if (sinceClaim > tickStallMs) {
            problems.add("no poll tick for " + sinceClaim / 1000 + " s: the poll trigger stopped");
        }
        if (workerFailureShows()) {
            problems.add("a job worker failed: " + workerFailure);
        }
        return problems;
    }
}
