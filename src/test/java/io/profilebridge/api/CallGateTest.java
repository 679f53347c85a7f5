package io.profilebridge.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The gate's own limits, whatever its callers look at first (test-quality audit: enter() letting every wanted place
 * through went unnoticed, as the dispatcher asks free() before it enters).
 */
class CallGateTest {

    private final CallGate gate = new CallGate(
            Map.of(ApiBucket.ORBIT_STARTS, 1, ApiBucket.ORBIT_READS, 2, ApiBucket.OPENPROSPECT, 1),
            Map.of(Api.ORBIT, 2));

    @Test
    void enterTakesNoMoreThanTheBucketsLimitAndItsApisTogether() {
        assertThat(gate.enter(ApiBucket.ORBIT_STARTS, 3))
                .as("the bucket's one place")
                .isEqualTo(1);
        assertThat(gate.enter(ApiBucket.ORBIT_STARTS, 1)).isZero();
        assertThat(gate.enter(ApiBucket.ORBIT_READS, 2))
                .as("two read places, but one of Orbit's two is a start's")
                .isEqualTo(1);
        assertThat(gate.enter(ApiBucket.OPENPROSPECT, 5)).as("another API's").isEqualTo(1);

        gate.leave(ApiBucket.ORBIT_STARTS, 1);
        assertThat(gate.free(ApiBucket.ORBIT_READS)).isEqualTo(1);
        assertThat(gate.enter(ApiBucket.ORBIT_READS, 1)).isEqualTo(1);
        assertThat(gate.inFlight(ApiBucket.ORBIT_READS)).isEqualTo(2);
    }

    @Test
    void morePlacesGivenBackThanTakenIsRefused() {
        gate.enter(ApiBucket.OPENPROSPECT, 1);
        assertThatThrownBy(() -> gate.leave(ApiBucket.OPENPROSPECT, 2)).isInstanceOf(IllegalStateException.class);
    }
}
