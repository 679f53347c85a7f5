package io.profilebridge.delivery;

import io.profilebridge.ErrorText;
import io.profilebridge.api.KeyMask;
import io.profilebridge.jms.BrokerReachability;
import io.profilebridge.job.DeliveryPermission;
import io.profilebridge.job.Job;
import io.profilebridge.job.JobLifecycle;
import io.profilebridge.job.JobRoutes;
import io.profilebridge.job.OutboxBlocked;
import io.profilebridge.job.RequestSource;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.direct.DirectConsumerNotAvailableException;
import org.apache.camel.support.SynchronizationAdapter;
import org.apache.camel.util.ObjectHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code direct:deliver-job}: hands a job's decided result to {@code direct:deliver-result} and marks the job
 * final only once that succeeded. A destination that refuses (unwritable outbox, broker down) keeps the job
 * pending, to be delivered again later; the result is stored in the job, so nothing is lost. The refusal is
 * logged where delivery fails (routes/delivery-errors.camel.yaml).
 */
public class DeliverJobRoute extends RouteBuilder {

    /** How soon a result waiting for the broker is looked at again (half of it to all of it, jittered). */
    static final long BROKER_RECHECK_MS = 5_000;

    private static final Logger LOG = LoggerFactory.getLogger(DeliverJobRoute.class);

    /** While this delivery holds one of the JMS send places: what frees it, once. */
    private static final String SEND_PLACE = "bridgeJmsSendPlace";

    /** How long a delivery waits for a JMS send place before its result waits instead. */
    private static final long SEND_PLACE_WAIT_MS = 100;

    /** Set when a delivery waits because its JMSReplyTo has its share of the send places out: that address. */
    private static final String REPLY_TO_FULL = "bridgeReplyToSendsOut";

    /** Set once the delivery is decided: the result delivered, or its failure handed back. */
    private static final String DECIDED = "bridgeDeliveryDecided";

    private final JobLifecycle lifecycle;
    private final KeyMask keyMask;
    private final boolean jmsEnabled;
    private final long jmsOffRecheckMs;
    private final AtomicBoolean jmsOffNamed = new AtomicBoolean();
    private final int jmsSendPlaces;
    private final Semaphore jmsSends;
    private final ReplyToSends replyToSends;

    /**
     * @param jmsEnabled {@code bridge.jms.enabled}: with JMS off, a JMS request's result has nowhere to go
     * @param jmsOffRecheckMs how soon such a result, or one no route reads, is looked at again: the backoff's cap,
     *     {@code bridge.retry.max-delay-ms}, as for an outbox out of room
     * @param workers {@code bridge.poll.concurrency}: at most half of them send JMS results at once
     */
    public DeliverJobRoute(
            JobLifecycle lifecycle,
            boolean jmsEnabled,
            long jmsOffRecheckMs,
            int workers,
            ReplyToSends replyToSends,
            KeyMask keyMask) {
        this.lifecycle = lifecycle;
        this.keyMask = keyMask;
        this.jmsEnabled = jmsEnabled;
        this.jmsOffRecheckMs = jmsOffRecheckMs;
        this.jmsSendPlaces = jmsSendPlaces(workers);
        this.jmsSends = new Semaphore(jmsSendPlaces);
        this.replyToSends = replyToSends;
    }

    /** Half the job workers, at least one. */
    static int jmsSendPlaces(int workers) {
        return Math.max(1, workers / 2);
    }

    @Override
    public void configure() {
        from("direct:deliver-job")
                .routeId("deliver-job")
                .process(this::describeResult)
                .choice()
                .when(this::jmsOff)
                .process(this::waitForJms)
                .when(DeliverJobRoute::brokerAway)
                .process(this::waitForBroker)
                .when(this::waitsForASendPlace)
                .process(this::waitForSendPlace)
                .otherwise()
                .doTry()
                .to("direct:deliver-result")
                .process(this::delivered)
                .doCatch(Exception.class)
                .process(this::deliveryFailed)
                .doFinally()
                .process(this::failUnanswered)
                .process(this::freeSendPlace)
                .end()
                .end();
    }

    /**
     * A JMS result goes out only while at most half the job workers send one: a broker holding sends (an address full
     * under address-full-policy BLOCK, which has no timeout) holds their workers until it takes them, and the other
     * half go on with every other job (delivery audit: all 16 workers sat in held sends, and file requests were not even
     * started). Takes a place when there is one, waiting a moment for one, as sends that are not held end in
     * milliseconds; a result to a JMSReplyTo only while that address has less than its share out ({@link
     * ReplyToSends}).
     */
    private boolean waitsForASendPlace(Exchange exchange) {
        RequestSource source = JobRoutes.job(exchange).source();
        if (source.isFile()) {
            return false;
        }
        String replyTo = source.replyTo();
        if (!replyToSends.take(replyTo)) {
            exchange.setProperty(REPLY_TO_FULL, replyTo);
            return true;
        }
        Runnable giveReplyTo = () -> replyToSends.give(replyTo);
        try {
            if (!jmsSends.tryAcquire(SEND_PLACE_WAIT_MS, TimeUnit.MILLISECONDS)) {
                giveReplyTo.run();
                return true;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            giveReplyTo.run();
            return true;
        }
        AtomicBoolean held = new AtomicBoolean(true);
        Runnable free = () -> {
            if (held.getAndSet(false)) {
                jmsSends.release();
                giveReplyTo.run();
            }
        };
        exchange.setProperty(SEND_PLACE, free);
        // however the exchange ends, even past the doFinally (a route of your own that stops it: review)
        exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
            @Override
            public void onDone(Exchange done) {
                free.run();
            }
        });
        return false;
    }

    /**
     * deliver-result came back with neither answer ({@link UnansweredDelivery}): a failed delivery, counted and given up
     * after the attempts, and the exchange goes on to the job's save, which Camel would otherwise skip.
     */
    private void failUnanswered(Exchange exchange) {
        if (exchange.getProperty(DECIDED) != null) {
            return;
        }
        if (DeliveryPermission.withdrawn(exchange)) {
            // not written: the job is left as it is, and its save tells whether another instance took it over
            exchange.setRouteStop(false);
            LOG.info(
                    "{}: its result is not delivered, as the job may be another instance's now (this one missed its"
                            + " heartbeats)",
                    JobRoutes.job(exchange));
            return;
        }
        UnansweredDelivery unanswered = UnansweredDelivery.of(exchange);
        exchange.getExchangeExtension().setErrorHandlerHandled(null);
        exchange.setRouteStop(false);
        exchange.removeProperty(Exchange.EXCEPTION_CAUGHT);
        lifecycle.deliveryFailed(JobRoutes.job(exchange), unanswered, Optional.empty());
    }

    private void freeSendPlace(Exchange exchange) {
        Runnable free = exchange.getProperty(SEND_PLACE, Runnable.class);
        if (free != null) {
            free.run();
        }
    }

    /** The result waits, counting no attempt, looked at again in a few seconds. */
    private void waitForSendPlace(Exchange exchange) {
        String replyTo = exchange.getProperty(REPLY_TO_FULL, String.class);
        String taken = replyTo == null
                ? "the " + jmsSendPlaces + " JMS send places (half of bridge.poll.concurrency) are all taken by sends"
                : "its JMSReplyTo " + ErrorText.shortened(replyTo, 200) + " has its share of the JMS send places ("
                        + replyToSends.perReplyTo() + ") taken by sends";
        lifecycle.deliveryWaits(
                JobRoutes.job(exchange),
                taken + " the broker holds (an address full under address-full-policy BLOCK: readiness check"
                        + " jms-results); the result waits, counting no attempt",
                recheckMs());
    }

    /** Half of {@link #BROKER_RECHECK_MS} to all of it, jittered. */
    private static long recheckMs() {
        return ThreadLocalRandom.current().nextLong(BROKER_RECHECK_MS / 2, BROKER_RECHECK_MS + 1);
    }

    /** The job ends as the result its caller got: its own, or one cut down to fit the broker. */
    private void delivered(Exchange exchange) {
        exchange.setProperty(DECIDED, true);
        Job job = JobRoutes.job(exchange);
        String sentInstead = exchange.getProperty(OversizedResults.SENT_INSTEAD, String.class);
        if (sentInstead == null) {
            lifecycle.delivered(job);
        } else {
            lifecycle.deliveredInstead(job, sentInstead);
        }
    }

    /** A JMS request's result while the bridge runs with JMS off (it was started with JMS on when it took it). */
    private boolean jmsOff(Exchange exchange) {
        return !jmsEnabled && !JobRoutes.job(exchange).source().isFile();
    }

    /**
     * The result waits for a run with JMS on, counting no attempt, named once in a warning (operations audit: each
     * attempt failed with "No consumers available on endpoint: direct://deliver-result-jms" for about an hour, health
     * UP, and the results were then given up).
     */
    private void waitForJms(Exchange exchange) {
        if (jmsOffNamed.compareAndSet(false, true)) {
            LOG.warn(
                    "Results of JMS requests taken while JMS was on wait: JMS is off (bridge.jms.enabled=false), so they"
                            + " have nowhere to go; they are kept, counting no attempt, and sent once the bridge runs"
                            + " with JMS on (/jobs shows them with lastError delivery_waiting)");
        }
        lifecycle.deliveryWaits(
                JobRoutes.job(exchange),
                "JMS is off (bridge.jms.enabled=false): the result waits for a run with JMS on, counting no attempt",
                jmsOffRecheckMs);
    }

    /** A JMS result while the broker is known to be away. */
    static boolean brokerAway(Exchange exchange) {
        return !JobRoutes.job(exchange).source().isFile()
                && BrokerReachability.problemIn(exchange.getContext()).isPresent();
    }

    /**
     * A send to a broker that is away would hold a job worker until it timed out, and count an attempt towards giving
     * the result up: with 16 results waiting every worker sat in such sends and no file result went out, and an
     * outage longer than the attempts gave every waiting result up (JMS audit). The result waits instead, looked at
     * again every few seconds, counting nothing.
     */
    private void waitForBroker(Exchange exchange) {
        // read again: the broker may have come back since the choice (the result then goes at the next look)
        String why = BrokerReachability.problemIn(exchange.getContext())
                .map(problem -> problem.shown(BrokerReachability.addressIn(exchange.getContext())))
                .orElse("the JMS broker cannot be reached");
        lifecycle.deliveryWaits(
                JobRoutes.job(exchange), why + "; the result waits for it, counting no attempt", recheckMs());
    }

    private void describeResult(Exchange exchange) {
        Job job = JobRoutes.job(exchange);
        ResultHeaders.apply(exchange.getMessage(), ResultHeaders.Result.of(job), keyMask);
    }

    /**
     * Why the delivery route took nothing, when it is gone or stopped, not failing: each delivery then failed, and the
     * results were given up after the attempts (re-check audit: a reload that replaced deliver-result by a route of
     * another file; integrator audit: a reload the bridge refused, which leaves the changed file's routes stopped).
     */
    private static String deliveryRouteNotRunning(Exchange exchange, Exception cause) {
        if (ObjectHelper.getException(DirectConsumerNotAvailableException.class, cause) != null) {
            // direct:deliver-result, or an endpoint its route sends to (direct:deliver-result-jms): where it failed
            String endpoint = exchange.getProperty(Exchange.FAILURE_ENDPOINT, "direct:deliver-result", String.class);
            return "no route reads " + endpoint.replace("direct://", "direct:") + " (a route reload replaced or"
                    + " removed it: mend the route file, or restart the bridge)";
        }
        if (ObjectHelper.getException(RejectedExecutionException.class, cause) != null) {
            return "direct:deliver-result takes nothing now (its route is stopped: a route reload refused, or the"
                    + " bridge stopping)";
        }
        return null;
    }

    /** A result the outbox or the broker refuses waits for it, never given up; anything else has the attempts. */
    private void deliveryFailed(Exchange exchange) {
        exchange.setProperty(DECIDED, true);
        Job job = JobRoutes.job(exchange);
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        String notRunning = deliveryRouteNotRunning(exchange, cause);
        if (notRunning != null) {
            lifecycle.deliveryWaits(job, notRunning + "; the result waits, counting no attempt", jmsOffRecheckMs);
            return;
        }
        lifecycle.deliveryFailed(
                job, cause, job.source().isFile() ? OutboxBlocked.why(cause) : ResultQueues.blockedBy(exchange, cause));
    }
}
