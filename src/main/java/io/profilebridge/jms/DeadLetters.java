package io.profilebridge.jms;

import io.profilebridge.BackgroundStart;
import java.util.OptionalLong;

/**
 * Where JMS requests end up after their last failed delivery attempt, for the status page: the embedded broker's
 * dead-letter queue and how many messages wait in it, or a note that an external broker keeps them.
 */
public final class DeadLetters {

    private final BackgroundStart<EmbeddedBroker> embedded;

    private DeadLetters(BackgroundStart<EmbeddedBroker> embedded) {
        this.embedded = embedded;
    }

    /** The embedded broker's dead-letter queue. */
    public static DeadLetters embedded(BackgroundStart<EmbeddedBroker> broker) {
        return new DeadLetters(broker);
    }

    /** An external broker: its own address settings decide where dead letters go; the bridge does not count them. */
    public static DeadLetters external() {
        return new DeadLetters(null);
    }

    public boolean isEmbedded() {
        return embedded != null;
    }

    public String queue() {
        return EmbeddedBroker.DEAD_LETTER_QUEUE;
    }

    /** Messages in the embedded broker's dead-letter queue; empty for an external broker or one that is not up. */
    public OptionalLong count() {
        return waiting(queue());
    }

    /**
     * Messages waiting in a queue of the embedded broker (the results queues too, {@link BrokerQueueGauges}); empty
     * for an external broker or one that is not up.
     */
    public OptionalLong waiting(String queueName) {
        if (embedded == null) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(embedded.resource().messageCount(queueName));
        } catch (Exception notUp) {
            return OptionalLong.empty();
        }
    }
}
