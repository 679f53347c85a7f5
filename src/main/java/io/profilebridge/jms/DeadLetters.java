package io.profilebridge.jms;

import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Supplier;

/**
 * Where JMS requests end up after their last failed delivery attempt, for the status page: the embedded broker's
 * dead-letter queue and how many messages wait in it, or a note that an external broker keeps them.
 */
public final class DeadLetters {

    private final Supplier<Optional<EmbeddedBroker>> embedded;

    private DeadLetters(Supplier<Optional<EmbeddedBroker>> embedded) {
        this.embedded = embedded;
    }

    /** The embedded broker's dead-letter queue; {@code broker} is empty while the broker is still starting. */
    public static DeadLetters embedded(Supplier<Optional<EmbeddedBroker>> broker) {
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

    /** Messages in the embedded broker's dead-letter queue; empty for an external broker or while it starts. */
    public OptionalLong count() {
        return embedded == null ? OptionalLong.empty()
                : embedded.get().map(broker -> OptionalLong.of(broker.deadLetterCount())).orElse(OptionalLong.empty());
    }
}
