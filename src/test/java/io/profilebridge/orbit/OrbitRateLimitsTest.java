package io.profilebridge.orbit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

/** The local start bucket after a restart: never more tokens than Orbit has surely refilled since this JVM began. */
class OrbitRateLimitsTest {

    private final OrbitRateLimits.Limits limits = new OrbitRateLimits.Limits(5, 20, 20, 40);

    @Test
    void aJustStartedProcessMaySpendOnlyWhatOrbitRefilledSince() {
        assertThat(OrbitRateLimits.initialStartTokens(limits, Duration.ZERO)).isZero();
        assertThat(OrbitRateLimits.initialStartTokens(limits, Duration.ofMillis(1_500))).isEqualTo(7);
    }

    @Test
    void aProcessUpForSecondsStartsWithItsWholeBurst() {
        assertThat(OrbitRateLimits.initialStartTokens(limits, Duration.ofSeconds(4))).isEqualTo(20);
        assertThat(OrbitRateLimits.initialStartTokens(limits, Duration.ofMinutes(5))).isEqualTo(20);
    }
}
