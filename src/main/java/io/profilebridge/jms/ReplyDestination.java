package io.profilebridge.jms;

import io.profilebridge.ErrorText;
import jakarta.jms.Destination;
import jakarta.jms.JMSException;
import jakarta.jms.Queue;
import jakarta.jms.TemporaryQueue;
import jakarta.jms.TemporaryTopic;
import jakarta.jms.Topic;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.activemq.artemis.jms.client.ActiveMQDestination;

/**
 * A request's JMSReplyTo as the job store keeps it ({@code queue:NAME}, {@code topic:NAME}, {@code temp-queue:NAME}
 * or {@code temp-topic:NAME}), and back. It is a caller's data: it becomes a {@link Destination} object for
 * camel-jms's {@code CamelJmsDestination} header, never part of an endpoint URI or an expression, and its name must
 * pass {@link #problem}.
 */
public final class ReplyDestination {

    private static final String QUEUE = "queue:";
    private static final String TOPIC = "topic:";
    // a temporary destination lives only as long as its client's connection (TemporaryReplies)
    private static final String TEMPORARY_QUEUE = "temp-queue:";
    private static final String TEMPORARY_TOPIC = "temp-topic:";

    /**
     * Broker names as ESBs make them (temporary queues included: UUIDs, {@code ID:host-1234-1:1:1}); no wildcards,
     * spaces, braces or other characters that another layer could read as syntax.
     */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._:/\\-]{0,254}");
    /** Artemis's own addresses (management, notifications): never a place for a result. */
    private static final String BROKER_INTERNAL = "activemq.";
    /** Artemis's separator of an address and one of its queues. */
    private static final String QUALIFIED = "::";

    private ReplyDestination() {}

    /** The stored form of a JMSReplyTo; null when there is none. */
    public static String describe(Object replyTo) throws JMSException {
        if (replyTo instanceof TemporaryQueue queue) {
            return TEMPORARY_QUEUE + queue.getQueueName();
        }
        if (replyTo instanceof TemporaryTopic topic) {
            return TEMPORARY_TOPIC + topic.getTopicName();
        }
        if (replyTo instanceof Queue queue) {
            return QUEUE + queue.getQueueName();
        }
        if (replyTo instanceof Topic topic) {
            return TOPIC + topic.getTopicName();
        }
        if (replyTo instanceof ActiveMQDestination destination) {
            // a CORE sender's JMSReplyTo without a queue:// or topic:// prefix: an address, of no type (JMS audit: its
            // Java description was judged and refused instead of its name)
            return QUEUE + destination.getAddress();
        }
        return replyTo == null ? null : QUEUE + replyTo;
    }

    /** Why a stored reply destination cannot be used, naming the rule; empty when it can. */
    public static Optional<String> problem(String stored) {
        return problem(stored, Set.of());
    }

    /**
     * The same, and {@code reserved} queues of the bridge's own may not take a result either: its requests queue (the
     * result would come back as a request) and the dead-letter queue.
     */
    public static Optional<String> problem(String stored, Set<String> reserved) {
        String name = name(stored);
        if (reserved.contains(name)) {
            return Optional.of(
                    "JMSReplyTo " + quoted(stored) + " is not accepted: it is one of the bridge's own queues "
                            + reserved.stream().sorted().toList() + ", where a result cannot go");
        }
        if (!NAME.matcher(name).matches()) {
            return Optional.of("JMSReplyTo " + quoted(stored) + " is not accepted: a reply destination name has"
                    + " 1 to 255 ASCII letters, digits and . _ - : / (no wildcards, spaces or braces)");
        }
        // Artemis reads address::queue as that queue of that address (a fully qualified queue name): DLQ::DLQ or
        // profile-bridge.requests::profile-bridge.requests would reach the queues refused above (JMS audit)
        if (name.contains(QUALIFIED)) {
            return Optional.of("JMSReplyTo " + quoted(stored) + " is not accepted: \"" + QUALIFIED
                    + "\" names a queue of another address, which the broker reads as syntax");
        }
        if (name.startsWith(BROKER_INTERNAL)) {
            return Optional.of("JMSReplyTo " + quoted(stored) + " is not accepted: names starting with \""
                    + BROKER_INTERNAL + "\" belong to the broker");
        }
        return Optional.empty();
    }

    /** The destination to send a result to; call only for a value {@link #problem} accepts. */
    public static Destination toDestination(String stored) {
        String name = name(stored);
        if (stored.startsWith(TEMPORARY_QUEUE)) {
            return ActiveMQDestination.createTemporaryQueue(name);
        }
        if (stored.startsWith(TEMPORARY_TOPIC)) {
            return ActiveMQDestination.createTemporaryTopic(name);
        }
        return stored.startsWith(TOPIC) ? ActiveMQDestination.createTopic(name) : ActiveMQDestination.createQueue(name);
    }

    private static String name(String stored) {
        for (String kind : List.of(QUEUE, TOPIC, TEMPORARY_QUEUE, TEMPORARY_TOPIC)) {
            if (stored.startsWith(kind)) {
                return stored.substring(kind.length());
            }
        }
        return stored;
    }

    /** The caller's value in an error message: quoted, control characters escaped, shortened. */
    private static String quoted(String value) {
        String shown = ErrorText.shortened(value, 120);
        StringBuilder out = new StringBuilder("\"");
        shown.codePoints().forEach(c -> {
            if (c < 0x20 || c == 0x7f || c == '"' || c == '\\') {
                out.append(String.format("\\u%04x", c));
            } else {
                out.appendCodePoint(c);
            }
        });
        return out.append('"').toString();
    }
}
