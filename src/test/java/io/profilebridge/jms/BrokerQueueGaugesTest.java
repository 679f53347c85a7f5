package io.profilebridge.jms;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.profilebridge.BackgroundStart;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The queue gauges' limits as README and the class promise them (mutation audit: neither was pinned): none for an
 * external broker, NaN while the embedded one is not up.
 */
class BrokerQueueGaugesTest {

    @Test
    void anExternalBrokerGetsNoGauges() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        BrokerQueueGauges.bindTo(registry, DeadLetters.external(), List.of("profile-bridge.results"));
        assertThat(registry.getMeters()).isEmpty();
    }

    @Test
    void anEmbeddedBrokerThatIsNotUpReadsNotANumber() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        BackgroundStart<EmbeddedBroker> failed = BackgroundStart.begin("broker", () -> {
            throw new IllegalStateException("the broker's port is taken");
        });
        BrokerQueueGauges.bindTo(
                registry, DeadLetters.embedded(failed), List.of("profile-bridge.results", "profile-bridge.results"));
        assertThat(registry.get("profile_bridge_jms_queue_messages")
                        .tag("queue", "profile-bridge.results")
                        .gauge()
                        .value())
                .isNaN();
        assertThat(registry.getMeters()).as("one gauge per queue").hasSize(1);
    }
}
