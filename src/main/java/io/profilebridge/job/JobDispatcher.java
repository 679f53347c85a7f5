package io.profilebridge.job;

import io.profilebridge.ErrorText;
import io.profilebridge.api.Api;
import io.profilebridge.api.ApiBucket;
import io.profilebridge.api.ApiBudgets;
import io.profilebridge.api.ApiError;
import io.profilebridge.api.ApiHolds;
import io.profilebridge.api.CallGate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntUnaryOperator;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.apache.camel.component.http.HttpMethods;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands due work to the bounded pool of job workers. A poll tick (or a worker that finishes while work was left
 * waiting) claims, queue by queue, what the free workers, the API budgets and the {@link CallGate} allow, and returns
 * at once; the jobs themselves run on the workers. A job holds its bucket's place in the gate from its claim until
 * its step's calls are answered. It remembers which jobs are in hand, so none is claimed twice and each knows
 * whether it is still this instance's, and it watches the work: a failing claim, a tick that stops coming, a step
 * that fails unexpectedly or outlives every deadline it could have shows in {@link #problem()} and in the log.
 */
public final class JobDispatcher {

    /** How many claims one call makes at most: its own, and those asked for while it ran. */
    private static final int MOST_CLAIM_PASSES = 3;

    private static final Logger LOG = LoggerFactory.getLogger(JobDispatcher.class);

    /**
     * A job being worked on: since when its current step runs (or its last call went out), the liveness epoch it was
     * claimed in, the bucket whose place in the gate it holds (null for a delivery), the bucket whose place the
     * slow-call release took from its step (null while none was), and the worker thread running its step (null until
     * one takes it).
     */
    private record InHand(Job job, long since, int epoch, ApiBucket place, ApiBucket lapsed, Thread worker) {

        InHand(Job job, long since, int epoch, ApiBucket place) {
            this(job, since, epoch, place, null, null);
        }

        InHand at(long since, ApiBucket place) {
            return new InHand(job, since, epoch, place, null, worker);
        }

        InHand withoutPlace() {
            return new InHand(job, since, epoch, null, lapsed, worker);
        }

        /** Its place went to another call while its step still held it. */
        InHand lapse() {
            return new InHand(job, since, epoch, null, place, worker);
        }

        InHand startedBy(long since, Thread worker) {
            return new InHand(job, since, epoch, place, lapsed, worker);
        }
    }

    private final JobStore store;
    private final ApiBudgets budgets;
    private final CallGate gate;
    private final InstanceLiveness liveness;
    private final int workers;
    private final long stuckStepMs;
    private final Map<String, InHand> inHand = new ConcurrentHashMap<>();
    /** The job whose step each worker thread runs now: a thread that moved on left its old job for good. */
    private final Map<Thread, String> workingOn = new ConcurrentHashMap<>();
    /** Jobs whose step outlived {@code stuckStepMs} on a live worker, already named in the log. */
    private final Set<String> reportedSlowSteps = ConcurrentHashMap.newKeySet();
    /**
     * When each job was last given back (System.nanoTime): a claim whose query began before that may have read the job
     * as it was before its last save, so it must not take it (it would work the job a second time).
     */
    private final Map<String, Long> givenBackAt = new ConcurrentHashMap<>();

    /**
     * Jobs whose step failed and whose save failed too (the store was away): their rows still name this instance's
     * session, which no claim of a live session takes, so each tick hands those claims back until it can.
     */
    private final Map<String, Job> claimsToHandBack = new ConcurrentHashMap<>();

    private final ApiHolds holds;
    private final long maxAgeMs;
    /** When each queue of a held API was last searched for jobs past their age; only the claiming thread uses it. */
    private final Map<WorkQueue, Long> pastAgeSearchedAt = new EnumMap<>(WorkQueue.class);

    /**
     * Buckets whose place a step gave back while work was left: the claim that follows looks at their queues only
     * ({@link #claimForPlacesGivenBack}).
     */
    private final Set<ApiBucket> givenBack = ConcurrentHashMap.newKeySet();

    private final ReentrantLock claiming = new ReentrantLock();
    /** Only the claiming thread uses it. */
    private final ClaimOrder claimOrder = new ClaimOrder();

    private volatile boolean workLeft;
    /** A claim was asked for while another ran: the running one claims once more before it returns. */
    private volatile boolean claimAgain;

    private final WorkerHealth health;
    /** Only the claiming thread uses it. */
    private final TickStalls tickStalls = new TickStalls(System::nanoTime);

    /**
     * @param workers     jobs worked on at once (the pool's size)
     * @param stuckStepMs a step running longer than this cannot be waiting for a call any more: the job is handed out
     *                    again when its worker is gone, and shown while its worker is still at it
     * @param tickStallMs no claim for this long means the poll trigger stopped
     * @param maxAgeMs    {@code bridge.retry.max-age-ms}: jobs older than this are given up
     */
    public JobDispatcher(
            JobStore store,
            ApiBudgets budgets,
            CallGate gate,
            InstanceLiveness liveness,
            ApiHolds holds,
            int workers,
            long stuckStepMs,
            long tickStallMs,
            long maxAgeMs) {
        this.holds = holds;
        this.maxAgeMs = maxAgeMs;
        this.store = store;
        this.budgets = budgets;
        this.gate = gate;
        this.liveness = liveness;
        this.workers = workers;
        this.stuckStepMs = stuckStepMs;
        this.health = new WorkerHealth(store::now, System::nanoTime, tickStallMs);
    }

    /**
     * Claims the due jobs the free workers and the API budgets allow now; empty while the process stops or cannot
     * be sure its claims are its own. Only one claim runs at a time; a concurrent call returns nothing and has the
     * running one claim again (a worker that just gave back a place in the gate must not wait for the next tick).
     */
    public List<Job> claimDueJobs(boolean stopping) {
        return claimAlone(stopping, this::claim);
    }

    /**
     * Claims for the places steps gave back since the last claim: the queues of those buckets only, one query each,
     * where a tick's claim queries every queue and reads the budgets other instances changed. With one call in
     * flight per bucket this runs after every answered call.
     */
    public List<Job> claimForPlacesGivenBack(boolean stopping) {
        return claimAlone(stopping, this::claimGivenBackPlaces);
    }

    private List<Job> claimAlone(boolean stopping, Supplier<List<Job>> claim) {
        if (stopping) {
            return List.of();
        }
        List<Job> claimed = new ArrayList<>();
        Supplier<List<Job>> next = claim;
        // the wish is noted before the lock is tried and looked at again after each unlock: a claim asked for while
        // the running one was past its last look (and still held the lock) was lost until the next tick (review)
        claimAgain = true;
        // at most a few passes: the jobs of the first wait in this list until it returns (review); a wish left after
        // the last stays noted for the next claim, a tick's at the latest
        for (int pass = 0; pass < MOST_CLAIM_PASSES && claimAgain && claiming.tryLock(); pass++) {
            try {
                claimAgain = false;
                claimed.addAll(claimReportingFailures(next));
                next = this::claim;
            } finally {
                claiming.unlock();
            }
        }
        return claimed;
    }

    private List<Job> claimReportingFailures(Supplier<List<Job>> claim) {
        try {
            List<Job> claimed = claim.get();
            // a claim without a heartbeat reads nothing, and is no sign that the store works again (PostgreSQL audit:
            // "works again" while the store was down)
            if (liveness.isLive() && health.claimSucceeded()) {
                LOG.info("Claiming due jobs works again; jobs advance");
            }
            return claimed;
        } catch (RuntimeException e) {
            // with its root cause: "cannot read the shared budgets" alone named no refused connection (store audit)
            String why = ErrorText.withRootCause(e);
            if (health.claimFailed(why)) {
                LOG.error("Claiming due jobs failed; no job advances until a claim succeeds again: {}", why);
            }
            return List.of();
        }
    }

    /** Everything a tick claims: every queue in turn, after the housekeeping of the jobs in hand. */
    private List<Job> claim() {
        health.claimStarted();
        handBackUnsavedClaims();
        handBackStuckSteps();
        freePlacesOfSlowCalls();
        workLeft = false;
        givenBack.clear();
        if (!liveness.isLive()) {
            return new ArrayList<>();
        }
        budgets.refresh();
        List<Job> claimed = claimFrom(claimOrder.next());
        forgetWorkerFailureWhenIdle(claimed);
        return claimed;
    }

    /**
     * A worker failure shows until a later step succeeds; with no job left to step (none claimed, none in hand, none
     * pending) none will, and none can be failing. Cluster audit: after a store outage an idle instance said DOWN on
     * job-workers for more than a minute, the store fine and nothing pending. Asks the store only while a failure
     * shows.
     */
    private void forgetWorkerFailureWhenIdle(List<Job> claimed) {
        if (health.workerFailureShows()
                && claimed.isEmpty()
                && inHand.isEmpty()
                && claimsToHandBack.isEmpty()
                && store.countPending() == 0) {
            health.forgetWorkerFailure();
        }
    }

    private List<Job> claimGivenBackPlaces() {
        Set<ApiBucket> buckets = EnumSet.noneOf(ApiBucket.class);
        for (ApiBucket bucket : givenBack) {
            givenBack.remove(bucket);
            // the place of the API as a whole (bridge.orbit.max-in-flight) went back with the bucket's: every queue
            // of the API may take it, in turn, a start first. Cluster audit: handed on from read to read, Orbit's one
            // place never reached a start while reads were due (a dead instance's start waited 9.6 s, not 5)
            buckets.addAll(ApiBucket.of(bucket.api()));
        }
        if (buckets.isEmpty() || !liveness.isLive()) {
            return new ArrayList<>();
        }
        return claimFrom(claimOrder.inTurn().stream()
                .flatMap(List::stream)
                .filter(queue -> buckets.contains(queue.bucket()))
                .toList());
    }

    /**
     * Claims from the queues in turn what the free workers, the gate and the budgets allow. A claim that fails part-way
     * (the store refuses a later queue's query) hands back what the earlier queues gave: those jobs were in hand with no
     * worker, held back until the stuck-step check gave them up as if their worker were gone (constrained-host audit:
     * out of file descriptors, such a claim failed).
     */
    private List<Job> claimFrom(List<WorkQueue> queues) {
        List<Job> claimed = new ArrayList<>();
        try {
            claimFrom(queues, claimed);
            store.awaitRecorded(claimed);
            return claimed;
        } catch (RuntimeException e) {
            claimed.forEach(job -> {
                finished(job, false);
                if (liveness.isShared()) {
                    // its row names this instance: released once the store takes it, as a failed save's is (review)
                    handBackLater(job);
                }
            });
            throw e;
        }
    }

    private void claimFrom(List<WorkQueue> queues, List<Job> claimed) {
        int epoch = liveness.claimEpoch();
        long began = System.nanoTime();
        NotClaimable taken = new NotClaimable(began);
        for (WorkQueue queue : queues) {
            int free = workers - inHand.size();
            if (free <= 0) {
                workLeft = true;
                break;
            }
            ApiBucket bucket = queue.bucket();
            int open = bucket == null ? free : Math.min(free, gate.free(bucket));
            if (open == 0) {
                // a job of this bucket has a call out: the next is claimed when that one gives its place back
                workLeft = true;
                continue;
            }
            List<Job> jobs = claimCalls(queue, open, free, taken, epoch);
            if (!jobs.isEmpty()) {
                claimOrder.took(queue);
            }
            claimed.addAll(jobs);
        }
        // a later claim's query begins after these were saved
        givenBackAt.values().removeIf(at -> at - began <= 0);
    }

    /** Claims up to {@code open} due jobs of the queue, as far as the bucket's holds, the gate and the budget allow. */
    private List<Job> claimCalls(WorkQueue queue, int open, int free, NotClaimable taken, int epoch) {
        ApiBucket bucket = queue.bucket();
        HttpMethods method = queue.method();
        if (bucket != null) {
            // a bucket refusing our key or credits gets one job now and then, not every due one
            // (ApiHolds.claimable)
            open = holds.claimable(bucket, method, open, store.now());
            if (open > 0 && budgets.heldByRefusal(bucket, method)) {
                open = 0; // another instance's refusal of these calls: its next probe tells when they are accepted
            }
            if (open == 0) {
                return claimPastAge(queue, free, taken, epoch);
            }
        }
        AtomicInteger places = new AtomicInteger();
        List<Job> jobs;
        try {
            // no more rows than the gate has places: each row read is parsed (request, source, trace context)
            IntUnaryOperator permits = wanted -> bucket == null ? wanted : enter(bucket, method, wanted, places);
            jobs = store.claimDue(queue, open, permits, taken, taken.ids());
        } catch (RuntimeException e) {
            // the places taken for a claim that failed after them (the store lost its connection) go back, or
            // the bucket would stay full for good, with nothing in flight (cluster audit)
            if (bucket != null) {
                gate.leave(bucket, places.getAndSet(0));
            }
            throw e;
        }
        long now = store.now();
        jobs.forEach(job -> inHand.put(job.id(), new InHand(job, now, epoch, bucket)));
        List<Job> claimed = new ArrayList<>(jobs);
        if (bucket != null) {
            if (!jobs.isEmpty()) {
                holds.probed(bucket, method, now);
            }
            // places taken for jobs another instance claimed first
            gate.leave(bucket, places.get() - jobs.size());
            workLeft |= gate.free(bucket) == 0;
        }
        workLeft |= jobs.size() == free;
        if (bucket != null && jobs.isEmpty() && holds.hold(bucket, method).isPresent()) {
            List<ApiBucket> heldTogether = holds.heldTogetherWith(bucket);
            if (heldTogether.stream().allMatch(this::nothingWaitsFor)) {
                holds.noneWaiting(heldTogether);
            } else {
                // the probe found nothing it could take (a pause, no budget, rows taken): the jobs past their age are
                // still looked for, as when no probe is due (review: they were skipped while the probe was offered)
                claimed.addAll(claimPastAge(queue, workers - inHand.size(), taken, epoch));
            }
        }
        return claimed;
    }

    /**
     * Whether no job waits for the bucket's held calls in any of its queues (of the held scope's queue, when a scope is
     * held); a job in hand keeps its row in its queue until its step is saved, so it counts too. Asked when the probe
     * found nothing due.
     */
    private boolean nothingWaitsFor(ApiBucket bucket) {
        Optional<HttpMethods> scope = holds.scopeHeld(bucket);
        for (WorkQueue queue : WorkQueue.values()) {
            if (queue.bucket() == bucket
                    && (scope.isEmpty() || queue.method() == scope.get())
                    && store.anyWaiting(queue)) {
                return false;
            }
        }
        return true;
    }

    /**
     * While its API refuses us, a queue's jobs past {@code bridge.retry.max-age-ms} are claimed without a place in
     * the gate: their next step gives them up and calls nothing (JobRoutes.nextStep). Else they would wait for their
     * turn as the hold's probe, one per interval. Looked for once per probe interval, and at once again after a full
     * batch.
     */
    private List<Job> claimPastAge(WorkQueue queue, int free, NotClaimable taken, int epoch) {
        long now = store.now();
        Long searched = pastAgeSearchedAt.get(queue);
        if (searched != null && now - searched < holds.probeIntervalMs()) {
            return List.of();
        }
        List<Job> jobs = store.claimCreatedBefore(queue, free, now - maxAgeMs, taken, taken.ids());
        jobs.forEach(job -> inHand.put(job.id(), new InHand(job, now, epoch, null)));
        if (jobs.size() == free) {
            pastAgeSearchedAt.remove(queue);
            workLeft = true;
        } else {
            pastAgeSearchedAt.put(queue, now);
        }
        return jobs;
    }

    /**
     * Places in the gate, then calls of the budget, for up to {@code wanted} jobs; unspent places are given back. The
     * places are in {@code places} from the moment they are taken, so a read of the store failing after that gives
     * them back through the claim's own failure (review: a shared refusal's read failing here kept them for good, and
     * OpenProspect stopped on that instance, health UP).
     */
    private int enter(ApiBucket bucket, HttpMethods method, int wanted, AtomicInteger places) {
        int entered = gate.enter(bucket, wanted);
        places.set(entered);
        // read again with the place in hand: the instance whose call held it until now stored its refusal first
        // (ci366: a probe read no refusal before its claim, took the place the refused call gave back, and sent a
        // second 403 probe 19 ms after the first)
        int granted = entered > 0 && budgets.heldByRefusal(bucket, method) ? 0 : budgets.grant(bucket, entered);
        gate.leave(bucket, entered - granted);
        places.set(granted);
        return granted;
    }

    /**
     * The jobs a claim begun at {@code began} must not take: in hand here, or given back or held off until after it
     * began.
     */
    private final class NotClaimable implements Predicate<String> {
        private final long began;

        NotClaimable(long began) {
            this.began = began;
        }

        @Override
        public boolean test(String id) {
            return inHand.containsKey(id) || givenBackAt.getOrDefault(id, began) - began > 0;
        }

        /**
         * Their ids, for the claim's query to read past: a job held off at the head of its queue took the one row a
         * claim of one place reads, and the due jobs behind it waited out its hold-off (review: 73 s).
         */
        Collection<String> ids() {
            Set<String> ids = new HashSet<>(inHand.keySet());
            givenBackAt.forEach((id, at) -> {
                if (at - began > 0) {
                    ids.add(id);
                }
            });
            return ids;
        }
    }

    /** True when a finished worker should claim again at once: the last claim stopped for want of workers. */
    public boolean workLeft() {
        return workLeft;
    }

    /** Why the API holds the job's next call, if it does: what {@code /jobs} shows as {@code heldBecause}. */
    public Optional<ApiError> heldBecause(Job job) {
        WorkQueue queue = WorkQueue.of(job);
        return queue == null || queue.bucket() == null
                ? Optional.empty()
                : holds.hold(queue.bucket(), WorkQueue.callsOf(job.state()));
    }

    /** True while the job is still this instance's to work on: claimed, and no heartbeat lapse since. */
    public boolean holds(Job job) {
        InHand held = own(job);
        return held != null && liveness.holds(held.epoch());
    }

    /**
     * The job's entry in hand when it is this claim's: a step handed back as stuck before its worker took it up (the
     * process paused in between) may have been claimed again, and its late worker must leave the new claim alone.
     * The claim's Job object tells them apart: each claim reads its own from the store.
     */
    private InHand own(Job job) {
        InHand held = inHand.get(job.id());
        return held != null && held.job() == job ? held : null;
    }

    /** Whether the job is in hand under another claim than this Job object's (its step was handed out again). */
    public boolean claimedAgain(Job job) {
        InHand held = inHand.get(job.id());
        return held != null && held.job() != job;
    }

    /** The job holds a place in the gate for its call: claimed as due, not as past its age while its API is held. */
    public boolean holdsAPlace(Job job) {
        InHand held = own(job);
        return held != null && held.place() != null;
    }

    /**
     * Asked right before a call of the job goes out: true while the job is this instance's and its step holds the
     * place of its bucket, whose time then starts again, in the shared store too (a call's slow-call time counts from
     * its send, not from the claim). False when the place was given to the next job meanwhile (the process was held
     * up for longer than the slow-call time: that job's call may be out) and no free one can be taken: the call is
     * withdrawn, and the step is due again at once, counting no attempt (CI run 68: claim to send took over 2 s on a
     * starved JVM, and two calls of one bucket went out 114 ms apart).
     */
    public boolean mayCall(Job job) {
        long now = store.now();
        boolean[] may = {false};
        inHand.computeIfPresent(job.id(), (id, held) -> {
            if (held.job() != job || !liveness.holds(held.epoch())) {
                return held;
            }
            if (held.place() != null) {
                if (renewed(held.place())) {
                    may[0] = true;
                    return held.at(now, held.place());
                }
                // another instance took the place in the store after it expired: this one's count goes too
                gate.leave(held.place(), 1);
                held = held.lapse();
            }
            if (held.lapsed() == null) {
                may[0] = true;
                return held;
            }
            if (enterOne(held.lapsed())) {
                may[0] = true;
                return held.at(now, held.lapsed());
            }
            LOG.info(
                    "A call of {} was not sent: the place of {} it held went to another call while it waited; the"
                            + " step is due again",
                    held.job(),
                    held.lapsed());
            return held;
        });
        return may[0];
    }

    private boolean renewed(ApiBucket bucket) {
        try {
            return gate.renew(bucket);
        } catch (RuntimeException e) {
            LOG.debug("Cannot renew the shared place of {}: {}", bucket, e.toString());
            return false;
        }
    }

    /** A step of the job is about to run, on this thread. */
    public void stepStarts(Job job) {
        Thread worker = Thread.currentThread();
        workingOn.put(worker, job.id());
        inHand.computeIfPresent(job.id(), (id, held) -> held.job() == job ? held.startedBy(store.now(), worker) : held);
    }

    /**
     * The job's next step is to follow at once on its worker: true when it holds the gate's place of the bucket that
     * step calls, or took a free one (a run that completed goes on to read its profiles; a delivery calls no API and
     * needs none). False when that bucket has no place free: the step waits in the store for its turn.
     */
    public boolean placeForNextStep(Job job) {
        WorkQueue queue = WorkQueue.of(job);
        ApiBucket next = queue == null ? null : queue.bucket();
        // the next step's time starts with its place: the slow-call release and the stuck-step check count per step,
        // and a tick between this and the step's start (after the save) must not count the steps before it
        long stepStart = store.now();
        boolean[] placed = {false};
        inHand.computeIfPresent(job.id(), (id, held) -> {
            if (held.job() != job) {
                return held;
            }
            if (held.place() != next) {
                if (next != null && !enterOne(next)) {
                    return held;
                }
                if (held.place() != null) {
                    gate.leave(held.place(), 1);
                }
            } else if (next != null && gate.sharesPlaces(next)) {
                // the shared store frees a place held longer than the slow-call time: each step takes it anew
                gate.leave(next, 1);
                if (!enterOne(next)) {
                    return held.withoutPlace();
                }
            }
            placed[0] = true;
            return held.at(stepStart, next);
        });
        return placed[0];
    }

    /**
     * One place of the bucket for a step that would follow at once; none when the shared store cannot be asked (the
     * step then waits in the store for a claim, which reports the store's failure).
     */
    private boolean enterOne(ApiBucket bucket) {
        try {
            return gate.enter(bucket, 1) == 1;
        } catch (RuntimeException e) {
            LOG.debug("No place of {} for a step to follow at once: {}", bucket, e.toString());
            return false;
        }
    }

    /**
     * The job's step has read the answers of all its calls: its place in the gate is given back (a step that follows
     * at once takes one again, {@link #placeForNextStep}). True when a job of that bucket may be waiting for it.
     */
    public boolean callsDone(Job job) {
        ApiBucket[] freed = {null};
        inHand.computeIfPresent(job.id(), (id, held) -> {
            if (held.job() != job || held.place() == null) {
                return held;
            }
            gate.leave(held.place(), 1);
            freed[0] = held.place();
            return held.withoutPlace();
        });
        if (freed[0] == null || !workLeft) {
            return false;
        }
        givenBack.add(freed[0]);
        return true;
    }

    /** The worker is done with the job (saved, or dropped); it may be claimed again. */
    public void finished(Job job, boolean ok) {
        // removed whichever record of this claim is there now: a tick that let the step's place lapse meanwhile
        // replaced it, and on a PostgreSQL store it does so around a store call, seconds long while the store is away;
        // removed only as read before, the entry stayed after the step's end until the stuck-step check, 150 s later,
        // which then said its worker was gone (recheck audit, a store frozen for 65 s). A step handed out again
        // meanwhile is another Job: the new claim's entry stays
        InHand[] removed = {null};
        inHand.computeIfPresent(job.id(), (id, current) -> {
            if (current.job() != job) {
                return current;
            }
            // noted before the entry goes: a claim that read the row before this job's save and looked between the
            // two found it neither in hand nor given back, and worked it a second time from its old state (a second
            // create under its key, then "taken over by another instance" on a single-instance store;
            // constrained-host audit)
            givenBackAt.merge(job.id(), System.nanoTime(), JobDispatcher::later);
            removed[0] = current;
            return null;
        });
        InHand held = removed[0];
        if (held == null) {
            return;
        }
        reportedSlowSteps.remove(job.id());
        if (held.worker() != null) {
            workingOn.remove(held.worker(), job.id());
        }
        if (held.place() != null) {
            gate.leave(held.place(), 1);
        }
        if (ok) {
            health.stepDone();
        }
    }

    /**
     * The job's step failed and so did its save: its row still names this instance as its claimant, and no claim
     * takes it until that claim is handed back, which the ticks try until the store takes it (cluster audit: after
     * a four-minute store outage two jobs stayed claimed by their live instance, idle, with health UP).
     */
    public void handBackLater(Job job) {
        claimsToHandBack.put(job.id(), job);
    }

    /**
     * This process claims the job again no sooner than {@code delayMs} from now: its step failed and the failure could
     * not be saved either, so the store still has it due as it was (answers audit: a creation id PostgreSQL could not
     * keep had its job created again 18 times a second, the attempts never counted).
     */
    public void holdOff(Job job, long delayMs) {
        givenBackAt.merge(job.id(), System.nanoTime() + delayMs * 1_000_000, JobDispatcher::later);
    }

    /** The later of two System.nanoTime() instants. */
    private static Long later(Long a, Long b) {
        return a - b > 0 ? a : b;
    }

    private void handBackUnsavedClaims() {
        for (Job job : claimsToHandBack.values()) {
            if (inHand.containsKey(job.id())) {
                continue;
            }
            store.releaseClaim(job);
            claimsToHandBack.remove(job.id());
        }
    }

    /** A step failed in a way no API answer explains (the store, a bug): shows until a later step succeeds. */
    public void workerFailed(Job job, Exception cause) {
        // the store away: its root cause says it all, and a stack trace per job per try only repeated it
        // (store-failure audit: two ERRORs with stack traces per failed save)
        boolean storeAway = cause instanceof JobStoreException;
        LOG.atError()
                .setCause(storeAway ? null : cause)
                .log(
                        "A job worker failed on {}; the job is tried again later: {}",
                        job,
                        storeAway ? ErrorText.withRootCause(cause) : cause.toString());
        health.workerFailed(job + ": " + cause);
    }

    /** Jobs being worked on now. */
    public int inHand() {
        return inHand.size();
    }

    /** What is wrong with the dispatching and the workers, if anything: every problem, in one line. */
    public Optional<String> problem() {
        long now = store.now();
        List<String> problems = health.problems();
        if (!liveness.isLive()) {
            problems.add("this instance has no recent heartbeat in the job store; it claims nothing until it has"
                    + liveness.lastBeatFailure()
                            .map(failure -> " (the last one failed: " + failure + ")")
                            .orElse(""));
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
     * A step holding its bucket's place for longer than the gate's {@link CallGate#slowCallMs} is waiting for a slow
     * or broken answer: the place goes to the next job of the bucket now, not when the call's deadline ends it, while
     * one more worker for the API leaves it at most half the workers, rounded down (never with fewer than 4). Beyond that its place stays with the slow call until its answer or
     * deadline: each place handed on this way takes one more worker for up to a deadline, and an API whose answers
     * hung took 12 of the 16 workers at one call in flight and all 16 at four, so that the other API's jobs waited
     * for them (isolation audit: Orbit results took 56 s instead of 7 while OpenProspect hung).
     */
    private void freePlacesOfSlowCalls() {
        if (!tickStalls.tickJudgesSlowCalls()) {
            return;
        }
        long now = store.now();
        // each place handed on here may take one more worker at the next claim
        Map<Api, Integer> heldOrClaimable = new EnumMap<>(Api.class);
        for (InHand held : inHand.values()) {
            heldOrClaimable.merge(held.job().api(), 1, Integer::sum);
        }
        for (InHand slow : inHand.values()) {
            Api api = slow.job().api();
            if (slow.place() != null
                    && now - slow.since() > gate.slowCallMs()
                    && heldOrClaimable.getOrDefault(api, 0) < workers / 2) {
                inHand.computeIfPresent(slow.job().id(), (id, held) -> {
                    if (held.place() == null || now - held.since() <= gate.slowCallMs()) {
                        return held;
                    }
                    gate.leave(held.place(), 1);
                    heldOrClaimable.merge(api, 1, Integer::sum);
                    return held.lapse();
                });
            }
        }
    }

    /**
     * A step can last at most as long as the deadlines of its calls; one running far longer either lost its worker (a
     * thread killed by an Error, one that left it unfinished) or still has it, held up by what no deadline bounds (the
     * process paused or suspended, the wall clock stepped forward, a JMS send the broker's BLOCK policy holds). A job
     * whose worker is gone is due again, and the log and the health check say so. One whose worker is still at it stays
     * with it, named once in the log and shown by the health check: handed out again, its step ran twice (concurrency
     * audit: after a 155 s SIGSTOP, 13 calls went out again for 7 jobs, and a result came out under a derived key with a
     * made-up failed attempt, its first worker's answer discarded).
     */
    private void handBackStuckSteps() {
        long now = store.now();
        for (InHand held : inHand.values()) {
            if (now - held.since() <= stuckStepMs) {
                continue;
            }
            if (stillAtIt(held)) {
                if (reportedSlowSteps.add(held.job().id())) {
                    long storeHeldMs = store.writeHeldMs();
                    LOG.warn(
                            "The step of {} has run for {} s, longer than its calls' deadlines allow, and its worker {}"
                                    + " is still at it ({}): the job stays with it",
                            held.job(),
                            (now - held.since()) / 1000,
                            held.worker().getName(),
                            // slow-disk audit: a stalled store sync was the cause, and the line named three others
                            storeHeldMs >= 1000
                                    ? "a write to the job store has waited " + storeHeldMs / 1000
                                            + " s for its commit: the data disk, or the database, holds it"
                                    : "the process paused, the clock stepped, a held JMS send or a disk write");
                }
                continue;
            }
            // only if the entry is still this one: a worker taking the step up at this moment keeps it (review: the
            // claim was handed back and the place left while the entry stayed, and left again at its end)
            if (!inHand.remove(held.job().id(), held)) {
                continue;
            }
            reportedSlowSteps.remove(held.job().id());
            if (held.worker() != null) {
                workingOn.remove(held.worker(), held.job().id());
            }
            LOG.error(
                    "The step of {} has run for {} s, longer than any call may take, and its worker is gone: the job is"
                            + " handed out again",
                    held.job(),
                    (now - held.since()) / 1000);
            health.workerFailed(held.job() + ": its step ran for more than " + stuckStepMs / 1000 + " s");
            store.releaseClaim(held.job());
            if (held.place() != null) {
                gate.leave(held.place(), 1);
            }
        }
    }

    /** The step's worker thread lives and still runs this job's step. */
    private boolean stillAtIt(InHand held) {
        Thread worker = held.worker();
        return worker != null && worker.isAlive() && held.job().id().equals(workingOn.get(worker));
    }
}
