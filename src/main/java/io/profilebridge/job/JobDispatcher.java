package io.profilebridge.job;

import io.profilebridge.api.ApiBucket;
import io.profilebridge.api.ApiBudgets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands due work to the bounded pool of job workers. A poll tick (or a worker that finishes while work was left
 * waiting) claims, queue by queue, what the free workers and the API budgets allow, and returns at once; the jobs
 * themselves run on the workers. It remembers which jobs are in hand, so none is claimed twice and each knows
 * whether it is still this instance's, and it watches the work: a failing claim, a tick that stops coming, a step
 * that fails unexpectedly or outlives every deadline it could have shows in {@link #problem()} and in the log.
 */
public final class JobDispatcher {

    private static final Logger LOG = LoggerFactory.getLogger(JobDispatcher.class);

    /** Work that completes a job first (results waiting, profiles to read), then the API calls in turn. */
    private static final List<WorkQueue> FIRST = List.of(WorkQueue.DELIVERIES, WorkQueue.ORBIT_OUTPUTS);

    private static final List<WorkQueue> IN_TURN =
            List.of(WorkQueue.OPENPROSPECT_CALLS, WorkQueue.ORBIT_STARTS, WorkQueue.ORBIT_READS);

    /** A job being worked on: since when its current step runs, and the liveness epoch it was claimed in. */
    private record InHand(Job job, long since, int epoch) {}

    private final JobStore store;
    private final ApiBudgets budgets;
    private final InstanceLiveness liveness;
    private final int workers;
    private final long stuckStepMs;
    private final long tickStallMs;
    private final Map<String, InHand> inHand = new ConcurrentHashMap<>();
    private final ReentrantLock claiming = new ReentrantLock();
    private int turn;
    private volatile boolean workLeft;
    private volatile long lastClaimAt;
    private volatile String claimFailure;
    private volatile String workerFailure;
    private volatile long workerFailureAt;
    private volatile long lastStepDoneAt;

    /**
     * @param workers     jobs worked on at once (the pool's size)
     * @param stuckStepMs a step running longer than this cannot be waiting for a call any more: its worker is
     *                    presumed dead and the job handed out again
     * @param tickStallMs no claim for this long means the poll trigger stopped
     */
    public JobDispatcher(
            JobStore store,
            ApiBudgets budgets,
            InstanceLiveness liveness,
            int workers,
            long stuckStepMs,
            long tickStallMs) {
        this.store = store;
        this.budgets = budgets;
        this.liveness = liveness;
        this.workers = workers;
        this.stuckStepMs = stuckStepMs;
        this.tickStallMs = tickStallMs;
        this.lastClaimAt = store.now();
    }

    /**
     * Claims the due jobs the free workers and the API budgets allow now; empty while the process stops or cannot
     * be sure its claims are its own. Only one claim runs at a time; a concurrent call returns nothing.
     */
    public List<Job> claimDueJobs(boolean stopping) {
        if (stopping || !claiming.tryLock()) {
            return List.of();
        }
        try {
            List<Job> claimed = claim();
            claimFailure = null;
            return claimed;
        } catch (RuntimeException e) {
            if (claimFailure == null) {
                LOG.error("Claiming due jobs failed; no job advances until a claim succeeds again: {}", e.toString());
            }
            claimFailure = e.getMessage();
            return List.of();
        } finally {
            lastClaimAt = store.now();
            claiming.unlock();
        }
    }

    private List<Job> claim() {
        handBackStuckSteps();
        workLeft = false;
        if (!liveness.isLive()) {
            return List.of();
        }
        budgets.refresh();
        int epoch = liveness.epoch();
        List<Job> claimed = new ArrayList<>();
        for (WorkQueue queue : order()) {
            int free = workers - inHand.size();
            if (free <= 0) {
                workLeft = true;
                break;
            }
            ApiBucket bucket = queue.bucket();
            List<Job> jobs = store.claimDue(
                    queue,
                    free,
                    wanted -> bucket == null ? wanted : budgets.grant(bucket, wanted),
                    inHand::containsKey,
                    inHand.size());
            long now = store.now();
            jobs.forEach(job -> inHand.put(job.id(), new InHand(job, now, epoch)));
            claimed.addAll(jobs);
            workLeft |= jobs.size() == free;
        }
        return claimed;
    }

    private List<WorkQueue> order() {
        List<WorkQueue> order = new ArrayList<>(FIRST);
        int first = turn++ % IN_TURN.size();
        for (int i = 0; i < IN_TURN.size(); i++) {
            order.add(IN_TURN.get((first + i) % IN_TURN.size()));
        }
        return order;
    }

    /** True when a finished worker should claim again at once: the last claim stopped for want of workers. */
    public boolean workLeft() {
        return workLeft;
    }

    /** True while the job is still this instance's to work on: claimed, and no heartbeat lapse since. */
    public boolean holds(Job job) {
        InHand held = inHand.get(job.id());
        return held != null && liveness.holds(held.epoch());
    }

    /** A step of the job is about to run. */
    public void stepStarts(Job job) {
        inHand.computeIfPresent(job.id(), (id, held) -> new InHand(held.job(), store.now(), held.epoch()));
    }

    /** The worker is done with the job (saved, or dropped); it may be claimed again. */
    public void finished(Job job, boolean ok) {
        inHand.remove(job.id());
        if (ok) {
            lastStepDoneAt = store.now();
        }
    }

    /** A step failed in a way no API answer explains (the store, a bug): shows until a later step succeeds. */
    public void workerFailed(Job job, Exception cause) {
        LOG.error("A job worker failed on {}; the job is tried again later: {}", job, cause.toString(), cause);
        workerFailure = job + ": " + cause;
        workerFailureAt = store.now();
    }

    /** Jobs being worked on now. */
    public int inHand() {
        return inHand.size();
    }

    /** What is wrong with the dispatching and the workers, if anything: every problem, in one line. */
    public Optional<String> problem() {
        long now = store.now();
        List<String> problems = new ArrayList<>();
        if (claimFailure != null) {
            problems.add("claiming due jobs fails: " + claimFailure);
        }
        if (now - lastClaimAt > tickStallMs) {
            problems.add("no poll tick for " + (now - lastClaimAt) / 1000 + " s: the poll trigger stopped");
        }
        if (!liveness.isLive()) {
            problems.add("this instance has no recent heartbeat in the job store; it claims nothing until it has");
        }
        if (workerFailure != null && workerFailureAt >= lastStepDoneAt) {
            problems.add("a job worker failed: " + workerFailure);
        }
        long stuck = inHand.values().stream()
                .filter(held -> now - held.since() > stuckStepMs)
                .count();
        if (stuck > 0) {
            problems.add(stuck + " job steps running for more than " + stuckStepMs / 1000 + " s");
        }
        return problems.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", problems));
    }

    /**
     * A step can last at most as long as the deadlines of its calls; one running far longer lost its worker (a
     * thread killed by an Error). Its job is due again, and the log and the health check say so.
     */
    private void handBackStuckSteps() {
        long now = store.now();
        inHand.values().removeIf(held -> {
            if (now - held.since() <= stuckStepMs) {
                return false;
            }
            LOG.error(
                    "The step of {} has run for {} s, longer than any call may take: its worker is presumed dead; "
                            + "the job is handed out again",
                    held.job(),
                    (now - held.since()) / 1000);
            workerFailure = held.job() + ": its step ran for more than " + stuckStepMs / 1000 + " s";
            workerFailureAt = now;
            store.releaseClaim(held.job());
            return true;
        });
    }
}
