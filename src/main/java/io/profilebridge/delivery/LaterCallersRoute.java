package io.profilebridge.delivery;

import io.profilebridge.api.KeyMask;
import io.profilebridge.jms.BrokerReachability;
import io.profilebridge.job.Job;
import io.profilebridge.job.JobCallers;
import io.profilebridge.job.JobCallers.Caller;
import io.profilebridge.job.JobRoutes;
import io.profilebridge.job.JobSchedule;
import io.profilebridge.job.JobStore;
import io.profilebridge.job.TraceContext;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.builder.ThreadPoolProfileBuilder;
import org.apache.camel.util.concurrent.ThreadPoolRejectedPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers the JMS messages that asked for a job while it ran ({@link JobCallers}) once the job is done: each gets the
 * job's stored result at its own reply destination, under a duplicate id of its own. A sweep of the store rather than
 * a step of the job's delivery, so a caller recorded at any moment (even as the job finishes, or on another instance,
 * or before a crash) is answered; a result sent twice after a crash carries the same duplicate id, which the broker
 * drops. A destination that refuses is tried again with backoff, as a job's own delivery is, then given up.
 * <p>
 * The sweep hands each send to a few threads of its own and waits for none: a send to a reply address the broker holds
 * (full under address-full-policy BLOCK, which has no timeout) held the sweep, and every other caller's refusal behind
 * it. One reply address has its share of the sends at once ({@link ReplyToSends}); a caller whose send is under way
 * is left alone, and one whose address has its share out is swept for again as soon as a send ends.
 */
public class LaterCallersRoute extends RouteBuilder {

    private static final Logger LOG = LoggerFactory.getLogger(LaterCallersRoute.class);
    private static final String CALLER = "bridgeLaterCaller";
    /** Exchange property: the caller's job, as read before the answer's route began. */
    private static final String JOB = "bridgeLaterCallersJob";
    /** Callers answered per sweep: there are seldom any, and the next sweep takes the rest. */
    private static final int BATCH = 100;
    /**
     * Threads sending the sweep's results: several reply addresses' shares, so addresses the broker holds leave the
     * others going (re-check audit: with 4, two held addresses took them all).
     */
    private static final int SENDERS = 8;

    private final JobStore store;
    private final JobCallers callers;
    private final JobSchedule schedule;
    private final KeyMask keyMask;
    private final ReplyToSends replyToSends;
    /** The callers whose send is under way: a later sweep, which still finds them due, leaves them alone. */
    private final Set<String> sending = ConcurrentHashMap.newKeySet();
    /** One sweep at a time; one asked for meanwhile runs after it ({@link #sweep}). */
    private final ReentrantLock sweeping = new ReentrantLock();

    private volatile boolean sweepAgain;
    /**
     * Set when a sweep passed a caller over for its address's share or a full pool: the next send to end sweeps again
     * at once (re-check audit: one reply address got two answers a second, 40 refusals in 19 s).
     */
    private final AtomicBoolean passedOver = new AtomicBoolean();

    private ExecutorService senders;
    private ProducerTemplate template;

    public LaterCallersRoute(
            JobStore store, JobCallers callers, JobSchedule schedule, ReplyToSends replyToSends, KeyMask keyMask) {
        this.keyMask = keyMask;
        this.store = store;
        this.callers = callers;
        this.schedule = schedule;
        this.replyToSends = replyToSends;
    }

    @Override
    public void configure() {
        senders = getContext()
                .getExecutorServiceManager()
                .newThreadPool(
                        this,
                        "answer-later-callers",
                        new ThreadPoolProfileBuilder("answer-later-callers")
                                .poolSize(SENDERS)
                                .maxPoolSize(SENDERS)
                                .maxQueueSize(BATCH)
                                .rejectedPolicy(ThreadPoolRejectedPolicy.Abort)
                                .build());
        template = getContext().createProducerTemplate();
        // once a second: a caller has waited for a whole remote run already; an empty sweep is one indexed query
        from("timer:answer-later-callers?period=1000&delay=1000")
                .routeId("answer-later-callers")
                .routeConfigurationId("sampling-errors")
                // every later caller is a JMS message: with the broker away they wait, counting no attempt
                .filter(exchange ->
                        BrokerReachability.problemIn(exchange.getContext()).isEmpty())
                .process(exchange -> sweep());

        from("direct:answer-later-caller")
                .routeId("answer-later-caller")
                .routeConfigurationId("sampling-errors")
                .process(this::describeResult)
                .doTry()
                .to("direct:deliver-result")
                .process(exchange -> callers.remove(caller(exchange)))
                .doCatch(Exception.class)
                .process(this::deliveryFailed)
                .end();
    }

    /** Hands every due caller to the senders; a sweep asked for while one runs is run after it, by its thread. */
    private void sweep() {
        sweepAgain = true;
        while (sweepAgain && sweeping.tryLock()) {
            try {
                sweepAgain = false;
                callers.dueOfDoneJobs(BATCH).forEach(this::answerBeside);
            } finally {
                sweeping.unlock();
            }
        }
    }

    /** A send ended: the callers a sweep passed over for want of a place are swept for at once. */
    private void sweepIfPassedOver() {
        if (!passedOver.getAndSet(false)
                || BrokerReachability.problemIn(getContext()).isPresent()) {
            return;
        }
        try {
            sweep();
        } catch (RuntimeException e) {
            // the timer's next sweep tries again, with its own error handling
            LOG.debug("A sweep for the callers passed over failed: {}", e.toString());
        }
    }

    /** Sends the caller's result on a thread of the sweep's, unless under way already or its address is busy. */
    private void answerBeside(Caller caller) {
        String id = caller.jobId() + "/" + caller.callerId();
        if (!sending.add(id)) {
            return;
        }
        String replyTo = caller.source().replyTo();
        if (!replyToSends.take(replyTo)) {
            sending.remove(id);
            passedOver.set(true);
            return;
        }
        Runnable done = () -> {
            replyToSends.give(replyTo);
            sending.remove(id);
        };
        try {
            senders.execute(() -> {
                try {
                    template.send("direct:answer-later-caller", exchange -> {
                        exchange.setProperty(CALLER, caller);
                        continueTheJobsTrace(exchange, caller);
                    });
                } finally {
                    done.run();
                }
                sweepIfPassedOver();
            });
        } catch (RejectedExecutionException full) {
            done.run(); // every sender busy and the queue full: a later sweep
            passedOver.set(true);
        }
    }

    /**
     * The answer's spans, its JMS {@code traceparent} and its log lines continue the job's trace, set before the route's
     * first span (jmsexpiry audit: a request refused at intake and answered here at its JMSReplyTo carried a new trace,
     * neither the caller's nor the one its result document names). A job that cannot be read here is read again, and
     * its error handled, by the route.
     */
    private void continueTheJobsTrace(Exchange exchange, Caller caller) {
        Optional<Job> job;
        try {
            job = store.findById(caller.jobId());
        } catch (RuntimeException e) {
            return;
        }
        job.ifPresent(found -> {
            exchange.setProperty(JOB, found);
            TraceContext.continueIn(exchange, found.traceContext());
            // re-check audit: its "Result ... sent" line named neither, where grep 'trace ID' finds a job's others
            JobRoutes.namedInLogs(exchange, found);
        });
    }

    private void describeResult(Exchange exchange) {
        Caller caller = caller(exchange);
        Job job = Optional.ofNullable(exchange.getProperty(JOB, Job.class))
                .or(() -> store.findById(caller.jobId()))
                .orElseThrow();
        ResultHeaders.apply(exchange.getMessage(), ResultHeaders.Result.of(job, caller.source()), keyMask);
    }

    /**
     * A refused result is tried again with backoff, and given up after the attempts; but not while the broker refuses
     * the results or failed queue (full, not writable, missing), which it is tried again for, at the backoff's cap at
     * the latest, as a job's own result is.
     */
    private void deliveryFailed(Exchange exchange) {
        Caller caller = caller(exchange);
        int attempts = caller.attempts() + 1;
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        if (schedule.deliveryAttemptsExhausted(attempts)
                && ResultQueues.blockedBy(exchange, cause).isEmpty()) {
            LOG.error(
                    "{} asked for job {} while it ran; the result could not be delivered to it in {} attempts (last:"
                            + " {}); no further attempt, the result stays in the job store (GET /jobs/{})",
                    caller.source().displayName(),
                    caller.jobId(),
                    attempts,
                    cause.getMessage(),
                    caller.jobId());
            callers.remove(caller);
        } else {
            callers.retryAt(caller, store.now() + schedule.retryDelay(attempts, null));
        }
    }

    private static Caller caller(Exchange exchange) {
        return exchange.getProperty(CALLER, Caller.class);
    }
}
