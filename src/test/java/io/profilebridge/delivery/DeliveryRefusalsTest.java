package io.profilebridge.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.profilebridge.MovableClock;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A place that refused results and takes one again wakes the results waiting for it, once. */
class DeliveryRefusalsTest {

    @Test
    void aPlaceThatTakesResultsAgainWakesThoseWaiting() {
        AtomicInteger woken = new AtomicInteger();
        DeliveryRefusals refusals =
                new DeliveryRefusals(Clock.systemUTC(), woken::incrementAndGet, Duration.ofMinutes(3));
        refusals.delivered("orbit");
        assertThat(woken).as("no refusal before").hasValue(0);
        refusals.refused("orbit", "Read-only file system");
        refusals.refused("failed/orbit", "Read-only file system");
        refusals.delivered("orbit");
        refusals.delivered("orbit");
        assertThat(woken).hasValue(1);
        assertThat(refusals.refusal())
                .hasValueSatisfying(refusal -> assertThat(refusal.places()).isEqualTo("failed/orbit"));
    }

    @Test
    void aPlaceNothingWasRefusedAtForAWhileIsForgotten() {
        // delivery audit: the jms-results check stayed DOWN for good once the last result waiting for the failed queue
        // had gone to the dead-letter queue, as only a result delivered there cleared it
        MovableClock clock = new MovableClock();
        AtomicInteger woken = new AtomicInteger();
        DeliveryRefusals refusals = new DeliveryRefusals(clock, woken::incrementAndGet, Duration.ofMinutes(3));
        refusals.refused("profile-bridge.failed", "AMQ229102: Address is full");
        refusals.refused("orbit", "Read-only file system");
        clock.move(Duration.ofMinutes(2));
        refusals.refused("orbit", "Read-only file system");
        clock.move(Duration.ofMinutes(2));
        assertThat(refusals.refusal())
                .as("orbit/ still refused within the time, the queue not")
                .hasValueSatisfying(refusal -> assertThat(refusal.places()).isEqualTo("orbit"));
        clock.move(Duration.ofMinutes(2));
        assertThat(refusals.refusal()).isEmpty();
        assertThat(woken).as("nothing waited to be woken").hasValue(0);
    }
}
