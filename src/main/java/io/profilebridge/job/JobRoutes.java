package io.profilebridge.job;

import io.profilebridge.api.Api;
import io.profilebridge.api.ApiBucket;
import io.profilebridge.api.ApiBudgets;
import io.profilebridge.api.ApiCallRoutes;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BooleanSupplier;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePropertyKey;
import org.apache.camel.ShutdownRoute;
import org.apache.camel.builder.RouteBuilder;

/**
 * The job lifecycle as routes. The Quartz trigger (routes/poll-due-jobs.camel.yaml) calls
 * {@code direct:dispatch-due-jobs}, which claims ({@code direct:claim-due-jobs}) what the free workers and the API
 * budgets allow and hands each job to the bounded {@value #JOB_WORKERS} pool, returning at once. On a worker,
 * {@code direct:advance-job} takes the job's steps in a loop (submit, poll, read the outputs, deliver:
 * {@code direct:take-step} decides which and sends the job there) and saves each ({@code direct:save-job}), as long
 * as the next step is due at once and needs no new API budget.
 */
public class JobRoutes extends RouteBuilder {

    /** Exchange property holding the {@link Job} a step works on. */
    public static final String JOB = "bridgeJob";
    /**
     * Exchange properties naming the job a step works on. camel-mdc copies them into the MDC of every log line the
     * step writes ({@code camel.mdc.custom-properties}), so a JSON log line carries them as fields.
     */
    public static final String JOB_ID = "jobId";

    public static final String IDEMPOTENCY_KEY = "idempotencyKey";
    /** Exchange property with the job's W3C trace id, named as the ECS field the JSON log layout writes it to. */
    public static final String TRACE_ID = "trace.id";
    /** Header with the job's API id. */
    public static final String API = "bridgeApi";
    /** Thread pool profile of the job workers. */
    public static final String JOB_WORKERS = "job-workers";

    /** The step of {@code hand-out-jobs} that gives a job to the pool. */
    static final String HAND_TO_WORKER = "hand-to-worker";

    /** Exchange property: the route {@code direct:take-step} sends the job to next. */
    private static final String NEXT_STEP = "bridgeNextStep";
    /** Exchange property: the loop takes another step. */
    private static final String GO_ON = "bridgeGoOn";
    /** Exchange property: the job was dropped (no longer this instance's); nothing of it is saved. */
    private static final String DROPPED = "bridgeDropped";
    /** Exchange property: the step gave back its place in the call gate, and a job of that bucket may wait for it. */
    private static final String PLACE_FREED = "bridgePlaceFreed";
    /** Exchange property: the job's first call was paid from its API budget when it was claimed. */
    private static final String CALL_PAID = "bridgeCallPaid";

    /** The start of the property names of Camel's metrics route policy (its timers, one per route and exchange). */
    private static final String ROUTE_TIMER = "camel.route.policy-";

    private static final String STEPS_TAKEN = "bridgeStepsTaken";
    private static final String FAILED = "bridgeStepFailed";

    /**
     * Steps that only read a run whose remote id is saved already (a status, the profiles of a finished run): taken
     * again after a crash, they start nothing remote.
     */
    private static final Set<String> READS = Set.of("poll-openprospect", "poll-orbit", "read-outputs-orbit");

    /** Steps one job may take in one go (poll, read outputs, deliver); the rest waits for the next claim. */
    private static final int MAX_STEPS_IN_A_ROW = 4;

    private final JobStore store;
    private final JobLifecycle lifecycle;
    private final JobDispatcher dispatcher;
    private final ApiBudgets budgets;
    private final InstanceLiveness liveness;
    /** Jobs whose failed steps could not be saved, by job id: how many in a row (their hold-off grows with it). */
    private final Map<String, Integer> unsavedFailures = new ConcurrentHashMap<>();

    public JobRoutes(
            JobStore store,
            JobLifecycle lifecycle,
            JobDispatcher dispatcher,
            ApiBudgets budgets,
            InstanceLiveness liveness) {
        this.store = store;
        this.lifecycle = lifecycle;
        this.dispatcher = dispatcher;
        this.budgets = budgets;
        this.liveness = liveness;
    }

    @Override
    public void configure() {
        from("direct:dispatch-due-jobs")
                .routeId("dispatch-due-jobs")
                // called by a worker too, when it finishes: the jobs it hands out must not inherit its job's state
                .process(JobRoutes::forgetPreviousJob)
                .to("direct:claim-due-jobs")
                .to("direct:hand-out-jobs");

        from("direct:claim-due-jobs").routeId("claim-due-jobs").process(this::claimDueJobs);

        // a step gave its place in the call gate back: the next job of that bucket is claimed at once
        from("direct:hand-on-places")
                .routeId("hand-on-places")
                .process(this::claimForPlacesGivenBack)
                .to("direct:hand-out-jobs");

        from("direct:hand-out-jobs")
                .routeId("hand-out-jobs")
                // the pool refuses a job once it has shut down: a tick that claimed just before the bridge began to
                // stop ended in an ERROR of Quartz's job (about one SIGTERM in 70 right after the start)
                .onException(RejectedExecutionException.class)
                .handled(true)
                .process(this::notHandedOut)
                .end()
                .split(body())
                .process(JobRoutes::continueJobTrace)
                // each job goes to a worker of the bounded pool; the tick does not wait for it
                .wireTap("direct:advance-job")
                .executorService(JOB_WORKERS)
                .id(HAND_TO_WORKER)
                .end();

        from("direct:advance-job")
                .routeId("advance-job")
                .process(this::takeJob)
                .doTry()
                .loopDoWhile(exchangeProperty(GO_ON))
                .to("direct:take-step")
                .to("direct:give-back-place")
                .to("direct:save-job")
                .end()
                .endDoTry()
                .doCatch(Exception.class)
                .process(this::stepFailed)
                .doFinally()
                .process(this::releaseJob)
                .end()
                // the last claim stopped for want of workers: this one is free now, so hand out what waits
                .filter(exchange -> dispatcher.workLeft())
                .to("direct:dispatch-due-jobs")
                .end();

        // decides the job's next step (a read of its state, its claim and its API's pause), then takes it
        from("direct:take-step")
                .routeId("take-step")
                .setProperty(NEXT_STEP)
                .exchange(this::nextStep)
                .choice()
                .when(exchangeProperty(NEXT_STEP).isEqualTo("drop"))
                .process(this::drop)
                .when(exchangeProperty(NEXT_STEP).isEqualTo("give-up"))
                .process(this::giveUp)
                .when(exchangeProperty(NEXT_STEP).isEqualTo("wait-for-budget"))
                .process(this::waitForBudget)
                .when(exchangeProperty(NEXT_STEP).isEqualTo("submit-openprospect"))
                .to("direct:submit-openprospect")
                .when(exchangeProperty(NEXT_STEP).isEqualTo("poll-openprospect"))
                .to("direct:poll-openprospect")
                .when(exchangeProperty(NEXT_STEP).isEqualTo("submit-orbit"))
                .to("direct:submit-orbit")
                .when(exchangeProperty(NEXT_STEP).isEqualTo("poll-orbit"))
                .to("direct:poll-orbit")
                .when(exchangeProperty(NEXT_STEP).isEqualTo("read-outputs-orbit"))
                .to("direct:read-outputs-orbit")
                .when(exchangeProperty(NEXT_STEP).isEqualTo("deliver-job"))
                .to("direct:deliver-job")
                .end();

        // the step's calls are answered: its place in the call gate goes to the next job of the bucket at once. The
        // claim starts from a new, empty exchange: it needs nothing of this job's, and a copy would carry it all along
        // a place the shared store cannot take back (the store away) fails the step in advance-job's doCatch, which
        // logs it once: no error handler of its own to log it with a stack trace first (recheck audit, 50 lines)
        from("direct:give-back-place")
                .routeId("give-back-place")
                .errorHandler(noErrorHandler())
                .process(exchange -> exchange.setProperty(PLACE_FREED, dispatcher.callsDone(job(exchange))))
                .filter(exchangeProperty(PLACE_FREED))
                .wireTap("direct:hand-on-places")
                .copy(false);

        // a failed save goes to advance-job's doCatch, which logs it once (workerFailed): no error handler of its own
        // to log it a second time
        from("direct:save-job")
                .routeId("save-job")
                .errorHandler(noErrorHandler())
                .filter(exchangeProperty(DROPPED).isNotEqualTo(true))
                .process(this::save)
                .end();

        if (liveness.isShared()) {
            // the first beat as the route starts (a scheduler's default delay is a second): the rest of a cold start
            // after
            // the session was registered counted as a lapse, and a first start on a new store warned of one (deploy
            // audit: "had no heartbeat for 4049 ms" right after the schema's migration)
            // beating on while a stop waits for the calls in flight: Camel stops the other routes' consumers first,
            // and a heartbeat stopped with them let another instance take those jobs past the takeover time (deploy
            // audit: the answers of a graceful stop's calls were dropped and the calls made again); the claims go back
            // once the routes have stopped
            // scheduler:, not timer:: java.util.Timer fires by the wall clock, and a host clock set back by minutes
            // stopped the heartbeats for as long, the instance's jobs taken over (skew audit); the scheduler's
            // executor waits on the monotonic clock
            from("scheduler:instance-heartbeat?initialDelay=0&delay=" + liveness.heartbeatMs())
                    .routeId("instance-heartbeat")
                    .shutdownRoute(ShutdownRoute.Defer)
                    .process(exchange -> liveness.beat());
        }
    }

    /** The job the current step works on. */
    public static Job job(Exchange exchange) {
        return exchange.getProperty(JOB, Job.class);
    }

    /** True once, for the first call of a claimed job: its budget was spent when it was claimed. */
    public static boolean usePaidCall(Exchange exchange) {
        boolean paid = exchange.getProperty(CALL_PAID, false, Boolean.class);
        exchange.setProperty(CALL_PAID, false);
        return paid;
    }

    /**
     * Where the job goes next: dropped when it may no longer be this instance's, given up when past its age,
     * waiting while its API bucket is paused, else the route of its state and API.
     */
    public String nextStep(Exchange exchange) {
        Job job = job(exchange);
        if (!dispatcher.holds(job)) {
            return "drop";
        }
        // a paid run's last status read, or the reads of its outputs, past the age: only with a place for the call (a
        // job claimed past its age while its API is held has none, and calls nothing: review)
        if (lifecycle.pastMaxAge(job)
                && !((lifecycle.awaitsItsLastRead(job) || lifecycle.readsItsOutputs(job))
                        && dispatcher.holdsAPlace(job))) {
            return "give-up";
        }
        WorkQueue queue = WorkQueue.of(job);
        if (queue.bucket() != null && budgets.pausedFor(queue.bucket()) > 0) {
            return "wait-for-budget";
        }
        boolean orbit = job.api() == Api.ORBIT;
        return switch (job.state()) {
            case RECEIVED -> orbit ? "submit-orbit" : "submit-openprospect";
            case SUBMITTED, POLLING -> orbit ? "poll-orbit" : "poll-openprospect";
            case FETCHING -> "read-outputs-orbit";
            case DELIVERING -> "deliver-job";
            case DELIVERED, FAILED -> throw new IllegalStateException(job + " is final and has no next step");
        };
    }

    /**
     * Drops every header, the job's properties and the route timers of other exchanges. Camel's metrics route policy
     * keeps each route's timer in a property named after the exchange ({@value #ROUTE_TIMER}route-exchange) and
     * removes only its own; a copy (the split here, the wire tap to a worker) carries its ancestors' along, so without
     * this every job handed out by a finishing worker (which dispatches on its own exchange) would inherit all the
     * timers of the chain of jobs before it, and each copy would copy them all again. Plain map operations:
     * removeHeaders("*") and removeProperties("bridge*") match each name as a wildcard and then as a regular
     * expression, compiled anew.
     */
    private static void forgetPreviousJob(Exchange exchange) {
        exchange.getMessage().getHeaders().clear();
        String exchangeId = exchange.getExchangeId();
        exchange.getProperties()
                .keySet()
                .removeIf(name -> name.startsWith("bridge")
                        || name.equals(JOB_ID)
                        || name.equals(IDEMPOTENCY_KEY)
                        || name.equals(TRACE_ID)
                        || (name.startsWith(ROUTE_TIMER) && !name.endsWith(exchangeId)));
    }

    /**
     * A handed-out job continues the trace stored with it, from its first span on: never the trace of the job whose
     * worker dispatches (a copied exchange inherits its active span), nor a new one per tick.
     */
    private static void continueJobTrace(Exchange exchange) {
        TraceContext.continueIn(
                exchange, exchange.getMessage().getBody(Job.class).traceContext());
    }

    private void claimDueJobs(Exchange exchange) {
        exchange.getMessage()
                .setBody(dispatcher.claimDueJobs(exchange.getContext().isStopping()));
    }

    private void claimForPlacesGivenBack(Exchange exchange) {
        exchange.getMessage()
                .setBody(
                        dispatcher.claimForPlacesGivenBack(exchange.getContext().isStopping()));
    }

    private void takeJob(Exchange exchange) {
        // the worker's exchange is a copy of the one that handed the job out, sharing the (unsynchronised) deque in
        // which Camel notes the error handlers an exchange is in: one job in delivery-errors' handler made the other
        // jobs' failures skip it as "Circular error-handler detected" (constrained-host audit, a full outbox)
        exchange.removeProperty(ExchangePropertyKey.FATAL_FALLBACK_ERROR_HANDLER);
        Job job = exchange.getMessage().getBody(Job.class);
        exchange.setProperty(JOB, job);
        exchange.setProperty(GO_ON, true);
        exchange.setProperty(STEPS_TAKEN, 0);
        exchange.setProperty(DROPPED, false);
        exchange.setProperty(FAILED, false);
        exchange.setProperty(CALL_PAID, WorkQueue.of(job).bucket() != null);
        exchange.setProperty(ApiCallRoutes.MAY_CALL, (BooleanSupplier) () -> dispatcher.mayCall(job));
        exchange.setProperty(DeliveryPermission.MAY_DELIVER, (BooleanSupplier) () -> dispatcher.holds(job));
        exchange.getMessage().setHeader(API, job.api().id());
        namedInLogs(exchange, job);
        dispatcher.stepStarts(job);
    }

    /** What the exchange's log lines carry of the job (camel.mdc.custom-properties): its id, key and trace. */
    public static void namedInLogs(Exchange exchange, Job job) {
        exchange.setProperty(JOB_ID, job.id());
        // a caller's key may be of any length
        exchange.setProperty(IDEMPOTENCY_KEY, IdempotencyKeys.shown(job.idempotencyKey()));
        exchange.setProperty(TRACE_ID, job.traceId());
    }

    private void drop(Exchange exchange) {
        Job job = job(exchange);
        if (dispatcher.claimedAgain(job)) {
            log.warn("{} was handed out again while this copy waited for a worker; dropping this copy", job);
        } else {
            log.warn(
                    "{} may have been taken over by another instance (this one missed its heartbeats); dropping this"
                            + " copy",
                    job);
        }
        exchange.setProperty(DROPPED, true);
        exchange.setProperty(GO_ON, false);
        store.releaseClaim(job);
    }

    private void giveUp(Exchange exchange) {
        Job job = job(exchange);
        lifecycle.giveUpTooOld(job, dispatcher.heldBecause(job));
    }

    private void waitForBudget(Exchange exchange) {
        Job job = job(exchange);
        ApiBucket bucket = WorkQueue.of(job).bucket();
        lifecycle.waitFor(job, budgets.pausedFor(bucket));
    }

    /** Saves the step's outcome and decides whether the next step follows at once, on this worker. */
    private void save(Exchange exchange) {
        Job job = job(exchange);
        int steps = exchange.getProperty(STEPS_TAKEN, 0, Integer.class) + 1;
        exchange.setProperty(STEPS_TAKEN, steps);
        exchange.setProperty(CALL_PAID, false);
        boolean goOn = steps < MAX_STEPS_IN_A_ROW
                && nextStepDueNow(job)
                && !exchange.getContext().isStopping()
                && dispatcher.placeForNextStep(job);
        // the next step follows at once on this worker: on the embedded store (one process owns every row, no other
        // instance to fence off) a read step needs no row write of its own. A crash before the next save takes the
        // job again from its saved state: the same reads again, never a second remote run
        boolean unsaved = goOn && !liveness.isShared() && READS.contains(exchange.getProperty(NEXT_STEP, String.class));
        if (!unsaved && !store.save(job, goOn)) {
            log.warn("{} was taken over by another instance meanwhile; dropping this copy", job);
            goOn = false;
        }
        // a step that goes on had its time started with its place (JobDispatcher.placeForNextStep)
        exchange.setProperty(GO_ON, goOn);
        if (log.isDebugEnabled()) {
            // one line per step at DEBUG, so one request can be followed from its intake to its result
            log.debug(
                    "{} after its {} step: remote id {}, attempts {}, next {}",
                    job,
                    exchange.getProperty(NEXT_STEP, String.class),
                    job.remoteId(),
                    job.attempts(),
                    goOn
                            ? "at once"
                            : job.nextAttemptAt() == null ? "none" : Instant.ofEpochMilli(job.nextAttemptAt()));
        }
    }

    /** The next step is due now and spends no budget claimed for it: outputs ready, or a result to deliver. */
    private boolean nextStepDueNow(Job job) {
        WorkQueue queue = WorkQueue.of(job);
        return (queue == WorkQueue.DELIVERIES || queue == WorkQueue.ORBIT_OUTPUTS)
                && job.nextAttemptAt() != null
                && job.nextAttemptAt() <= store.now();
    }

    private void stepFailed(Exchange exchange) {
        Job job = job(exchange);
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        exchange.setProperty(FAILED, true);
        dispatcher.workerFailed(job, cause);
        lifecycle.unexpected(job, cause);
        try {
            store.save(job, false);
            unsavedFailures.remove(job.id());
        } catch (RuntimeException e) {
            int failures = unsavedFailures.merge(job.id(), 1, Integer::sum);
            long delayMs = lifecycle.retryDelay(failures);
            log.warn(
                    "{} could not be saved after its step failed ({}); it is due again as stored once its claim is "
                            + "handed back, here in {} ms at the earliest",
                    job,
                    e.toString(),
                    delayMs);
            dispatcher.handBackLater(job);
            dispatcher.holdOff(job, delayMs);
        }
    }

    /** The job reached no worker: it is no longer in hand, and stays due in the store as it was claimed. */
    private void notHandedOut(Exchange exchange) {
        Job job = exchange.getMessage().getBody(Job.class);
        dispatcher.finished(job, false);
        try {
            store.releaseClaim(job);
        } catch (RuntimeException e) {
            dispatcher.handBackLater(job);
        }
        boolean stopping = exchange.getContext().isStopping();
        log.info(
                "{} was handed to no worker ({}); it stays due and is taken up {}",
                job,
                stopping
                        ? "the job workers have stopped"
                        : exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class),
                stopping ? "at the next start" : "by a later tick");
    }

    private void releaseJob(Exchange exchange) {
        boolean ok = !exchange.getProperty(FAILED, false, Boolean.class);
        if (ok && !unsavedFailures.isEmpty()) {
            unsavedFailures.remove(job(exchange).id());
        }
        dispatcher.finished(job(exchange), ok);
    }
}
