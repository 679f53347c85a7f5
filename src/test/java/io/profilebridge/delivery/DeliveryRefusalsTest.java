package io.profilebridge.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A place that refused results and takes one again wakes the results waiting for it, once. */
class DeliveryRefusalsTest {

    @Test
    void aPlaceThatTakesResultsAgainWakesThoseWaiting() {
        AtomicInteger woken = new AtomicInteger();
        DeliveryRefusals refusals = new DeliveryRefusals(Clock.systemUTC(), woken::incrementAndGet);
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
}
