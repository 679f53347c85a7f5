package io.profilebridge.delivery;

import io.profilebridge.ErrorText;
import jakarta.jms.InvalidDestinationException;
import jakarta.jms.JMSException;
import jakarta.jms.JMSSecurityException;
import jakarta.jms.Queue;
import jakarta.jms.ResourceAllocationException;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.activemq.artemis.api.core.ActiveMQAddressFullException;
import org.apache.activemq.artemis.api.core.ActiveMQNonExistentQueueException;
import org.apache.activemq.artemis.api.core.ActiveMQSecurityException;
import org.apache.camel.Exchange;
import org.apache.camel.component.jms.JmsConstants;
import org.apache.camel.support.SynchronizationAdapter;
import org.apache.camel.util.ObjectHelper;

/**
 * Which queue a JMS result is sent to, and whether the broker takes results there ({@link DeliveryRefusals}, read by
 * the jms-results health check): routes/deliver-result-jms.camel.yaml names the queue before each send and reports
 * the send, routes/delivery-errors.camel.yaml reports a refusal. A result the broker refuses waits, never given up
 * (operations audit: a results queue the bridge's account could not send to gave every result up after
 * bridge.delivery.max-attempts, with health UP).
 */
public final class ResultQueues {

    /** The queue a result is being sent to: its request's JMSReplyTo, or the results or failed queue. */
    static final String QUEUE = "bridgeResultQueue";

    /**
     * True while the result is sent to its request's JMSReplyTo: what the route's fallback to the default queue asks,
     * as the JMS producer takes the destination header off the message when it sends.
     */
    static final String TO_REPLY_TO = "bridgeResultToReplyTo";

    /** A send under way: where to, since when ({@link System#nanoTime}: a step of the wall clock is no wait). */
    private record Sending(String queue, long since) {}

    private final String resultsQueue;
    private final DeliveryRefusals refusals;
    private final Map<String, Sending> sending = new ConcurrentHashMap<>();

    /** @param resultsQueue {@code bridge.jms.results}, where a result goes when nothing names another queue */
    public ResultQueues(String resultsQueue, DeliveryRefusals refusals) {
        this.resultsQueue = resultsQueue;
        this.refusals = refusals;
    }

    /** Notes where the send that follows goes, from the headers the JMS producer reads. */
    public void target(Exchange exchange) {
        Object destination = exchange.getMessage().getHeader(JmsConstants.JMS_DESTINATION);
        String name = exchange.getMessage().getHeader(JmsConstants.JMS_DESTINATION_NAME, String.class);
        exchange.setProperty(TO_REPLY_TO, destination != null);
        String queue = destination != null ? "JMSReplyTo " + nameOf(destination) : name != null ? name : resultsQueue;
        exchange.setProperty(QUEUE, queue);
        String id = exchange.getExchangeId();
        if (sending.put(id, new Sending(queue, System.nanoTime())) == null) {
            // however the send ends, even by an exception no route step sees
            exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
                @Override
                public void onDone(Exchange done) {
                    sending.remove(id);
                }
            });
        }
    }

    /** The result went out: its queue takes results again. */
    public void sent(Exchange exchange) {
        sending.remove(exchange.getExchangeId());
        String queue = exchange.getProperty(QUEUE, String.class);
        if (queue != null) {
            refusals.delivered(queue);
        }
    }

    /**
     * The oldest send still under way after {@code longerThanMs}: one the broker holds, as Artemis does for an address
     * full under address-full-policy BLOCK, with no timeout (JMS audit: a full reply address held every JMS intake
     * thread, readiness UP). A broker away fails a send within bridge.jms.call-failover-timeout-ms instead.
     */
    public Optional<String> heldSend(long longerThanMs) {
        long now = System.nanoTime();
        long longerThanNanos = TimeUnit.MILLISECONDS.toNanos(longerThanMs);
        return sending.values().stream()
                .filter(send -> now - send.since() > longerThanNanos)
                .min(Comparator.comparingLong(Sending::since))
                .map(send -> "a result sent to " + send.queue() + " has waited "
                        + TimeUnit.NANOSECONDS.toSeconds(now - send.since())
                        + " s for the broker, which holds it (an address full under address-full-policy BLOCK?): the"
                        + " thread sending it waits with it"
                        + (sending.size() > 1 ? " (" + sending.size() + " sends under way)" : ""));
    }

    /**
     * The delivery failed: when the broker refused the result at the results or failed queue, that queue is noted as
     * refusing. A caller's JMSReplyTo is not: each names its own, which no later result may clear (review: the check
     * would stay DOWN for good), and its result falls back to those queues instead.
     */
    public void refused(Exchange exchange) {
        sending.remove(exchange.getExchangeId());
        String queue = exchange.getProperty(QUEUE, String.class);
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        if (queue != null && cause != null) {
            blockedBy(exchange, cause).ifPresent(reason -> refusals.refused(queue, reason));
        }
    }

    /**
     * Why the broker refuses the results or failed queue, when that is why the delivery failed: such a result waits for
     * it, never given up. Empty for a refused JMSReplyTo or anything else, which the delivery's attempts bound.
     */
    public static Optional<String> blockedBy(Exchange exchange, Throwable cause) {
        return Boolean.TRUE.equals(exchange.getProperty(TO_REPLY_TO, Boolean.class))
                ? Optional.empty()
                : refusal(cause);
    }

    /**
     * What the broker said, when it refused the message itself (no permission to send, no such queue, the address
     * full; the Artemis client puts its own exception below a plain JMSException as its cause): the broker answers, so
     * the result waits for it to take results there. Empty for anything else (a broker
     * away, a bug), which the delivery's own attempts bound.
     */
    public static Optional<String> refusal(Throwable cause) {
        for (Throwable e : ObjectHelper.createExceptionIterable(cause)) {
            if (e instanceof JMSSecurityException
                    || e instanceof InvalidDestinationException
                    || e instanceof ResourceAllocationException
                    || e instanceof ActiveMQSecurityException
                    || e instanceof ActiveMQNonExistentQueueException
                    || e instanceof ActiveMQAddressFullException) {
                return Optional.of(ErrorText.withRootCause(cause));
            }
        }
        return Optional.empty();
    }

    private static String nameOf(Object destination) {
        try {
            return destination instanceof Queue queue ? queue.getQueueName() : String.valueOf(destination);
        } catch (JMSException e) {
            return String.valueOf(destination);
        }
    }
}
