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
    private final long tickStallMs;
    private volatile long lastClaimAt;
    private volatile String claimFailure;
    private volatile String workerFailure;
    private volatile long workerFailureAt;
    private volatile long lastStepDoneAt;

    /**
     * @param clock       the store's time, in ms
     * @param tickStallMs no claim for this long means the poll trigger stopped
     */
    WorkerHealth(LongSupplier clock, long tickStallMs) {
        this.clock = clock;
        this.tickStallMs = tickStallMs;
        this.lastClaimAt = clock.getAsLong();
    }

    void claimStarted() {
        lastClaimAt = clock.getAsLong();
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
        if (now - lastClaimAt > tickStallMs) {
            problems.add("no poll tick for " + (now - lastClaimAt) / 1000 + " s: the poll trigger stopped");
        }
        if (workerFailureShows()) {
            problems.add("a job worker failed: " + workerFailure);
        }
        return problems;
    }
}
