package io.profilebridge.job;

import java.util.List;
import java.util.concurrent.ExecutorService;

import org.apache.camel.Exchange;
import org.apache.camel.Predicate;
import org.apache.camel.builder.RouteBuilder;

/**
 * The job lifecycle as routes. The Quartz trigger (routes/poll-due-jobs.camel.yaml) calls
 * {@code direct:advance-due-jobs}, which claims due jobs in batches and takes each one step further, in parallel
 * up to a bound: submit, poll, read the outputs, or deliver the result.
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
    /** Header with the job's API id, so a step can pick the API's own route. */
    public static final String API = "bridgeApi";

    /** Claimed batches per tick at most, so one tick cannot run forever under a flood of due work. */
    private static final int MAX_BATCHES_PER_TICK = 50;

    /** Steps one job may take in one go (submit, read outputs, deliver); the rest waits for the next tick. */
    private static final int MAX_STEPS_IN_A_ROW = 4;
    private static final String STEPS_IN_A_ROW = "bridgeStepsInARow";

    private final JobStore store;
    private final int batchSize;
    private final int concurrency;
    private final long leaseMs;

    public JobRoutes(JobStore store, int batchSize, int concurrency, long leaseMs) {
        this.store = store;
        this.batchSize = batchSize;
        this.concurrency = concurrency;
        this.leaseMs = leaseMs;
    }

    @Override
    public void configure() {
        ExecutorService workers = getCamelContext().getExecutorServiceManager()
                .newFixedThreadPool(this, "advance-job", concurrency);

        from("direct:advance-due-jobs").routeId("advance-due-jobs")
                .loopDoWhile(this::claimBatch)
                    .split(body()).parallelProcessing().executorService(workers)
                        .to("direct:advance-job")
                    .end()
                .end();

        from("direct:advance-job").routeId("advance-job")
                .process(this::takeJob)
                .choice()
                    .when(inState(JobState.RECEIVED)).toD("direct:submit-${header." + API + "}")
                    .when(inState(JobState.SUBMITTED, JobState.POLLING)).toD("direct:poll-${header." + API + "}")
                    .when(inState(JobState.FETCHING)).toD("direct:read-outputs-${header." + API + "}")
                    .when(inState(JobState.DELIVERING)).to("direct:deliver-job")
                .end()
                .setBody(exchangeProperty(JOB))
                .filter(method(this, "saveAndContinue"))
                    // the next step is due now (outputs ready, result decided): take it without waiting a tick
                    .to("direct:advance-job")
                .end();
    }

    /** The job the current step works on. */
    public static Job job(Exchange exchange) {
        return exchange.getProperty(JOB, Job.class);
    }

    private Predicate inState(JobState... states) {
        return exchange -> List.of(states).contains(exchange.getProperty(JOB, Job.class).state());
    }

    private boolean claimBatch(Exchange exchange) {
        Integer round = exchange.getProperty(Exchange.LOOP_INDEX, Integer.class);
        if (round != null && round >= MAX_BATCHES_PER_TICK) {
            return false;
        }
        if (exchange.getContext().isStopping()) {
            // shutting down: finish the batch in hand, claim nothing new; the rest stays pending in the store
            return false;
        }
        List<Job> due = store.claimDue(batchSize, leaseMs);
        exchange.getMessage().setBody(due);
        return !due.isEmpty();
    }

    private void takeJob(Exchange exchange) {
        Job job = exchange.getMessage().getBody(Job.class);
        exchange.setProperty(JOB, job);
        exchange.getMessage().setHeader(API, job.api().id());
        exchange.setProperty(JOB_ID, job.id());
        exchange.setProperty(IDEMPOTENCY_KEY, job.idempotencyKey());
    }

    /** Saves the step's outcome; true when the job should go on at once in this exchange. */
    public boolean saveAndContinue(Exchange exchange) {
        Job job = exchange.getProperty(JOB, Job.class);
        if (!store.save(job)) {
            log.warn("{} was taken over by another instance after its lease ran out; dropping this copy", job);
            return false;
        }
        int steps = exchange.getProperty(STEPS_IN_A_ROW, 0, Integer.class) + 1;
        exchange.setProperty(STEPS_IN_A_ROW, steps);
        return steps < MAX_STEPS_IN_A_ROW && !job.state().isFinal()
                && job.nextAttemptAt() != null && job.nextAttemptAt() <= store.now();
    }
}
