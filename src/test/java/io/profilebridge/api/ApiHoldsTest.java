package io.profilebridge.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.profilebridge.Json;
import org.junit.jupiter.api.Test;

class ApiHoldsTest {

    private static final long INTERVAL_MS = 30_000;

    private static ApiAnswer answer(int status, String body) {
        return new ApiAnswer(status, Json.parseStored(body), null, null, null);
    }

    @Test
    void theRefusalIsTheLatestProbeSoTheNextCallWaitsAWholeInterval() {
        // politeness audit: a second Orbit start went out 10 ms after a 402, let through as the hold's first probe
        ApiHolds holds = new ApiHolds(INTERVAL_MS);
        holds.observe(
                ApiBucket.ORBIT_STARTS,
                answer(402, "{\"error\": {\"code\": \"insufficient_credits\", \"message\": \"top up\"}}"));
        long now = 1_000_000;
        assertThat(holds.claimable(ApiBucket.ORBIT_STARTS, 5, now)).isZero();
        assertThat(holds.claimable(ApiBucket.ORBIT_STARTS, 5, now + INTERVAL_MS - 1))
                .isZero();
        assertThat(holds.claimable(ApiBucket.ORBIT_STARTS, 5, now + INTERVAL_MS))
                .as("the probe")
                .isEqualTo(1);
        holds.probed(ApiBucket.ORBIT_STARTS, now + INTERVAL_MS);
        assertThat(holds.claimable(ApiBucket.ORBIT_STARTS, 5, now + INTERVAL_MS + 1))
                .isZero();
        assertThat(holds.claimable(ApiBucket.ORBIT_READS, 5, now))
                .as("a 402 holds only the bucket that asked for credits")
                .isEqualTo(5);
    }

    @Test
    void aProbeOfferedToAQueueWithNothingDueIsStillThereForTheBucketsNextQueue() {
        // config-and-APIs audit: Orbit's profile reads (mostly none due) and status reads share a bucket; the empty
        // queue, asked first, spent every probe, and a run whose status reads were refused was never read again
        ApiHolds holds = new ApiHolds(INTERVAL_MS);
        holds.observe(
                ApiBucket.ORBIT_READS, answer(401, "{\"error\": {\"code\": \"unauthorized\", \"message\": \"no\"}}"));
        long now = 1_000_000;
        assertThat(holds.claimable(ApiBucket.ORBIT_READS, 3, now)).isZero();
        long later = now + INTERVAL_MS;
        assertThat(holds.claimable(ApiBucket.ORBIT_READS, 3, later))
                .as("offered to the profile reads, which claim nothing")
                .isEqualTo(1);
        assertThat(holds.claimable(ApiBucket.ORBIT_READS, 3, later))
                .as("so the status reads get it")
                .isEqualTo(1);
        holds.probed(ApiBucket.ORBIT_READS, later);
        assertThat(holds.claimable(ApiBucket.ORBIT_READS, 3, later + 1)).isZero();
        assertThat(holds.claimable(ApiBucket.ORBIT_READS, 3, later + INTERVAL_MS))
                .isEqualTo(1);
    }

    @Test
    void aRefusedKeyHoldsEveryBucketOfItsApiUntilACallSucceeds() {
        ApiHolds holds = new ApiHolds(INTERVAL_MS);
        holds.observe(
                ApiBucket.ORBIT_READS, answer(401, "{\"error\": {\"code\": \"unauthorized\", \"message\": \"no\"}}"));
        long now = 1_000_000;
        assertThat(holds.claimable(ApiBucket.ORBIT_STARTS, 3, now)).isZero();
        assertThat(holds.claimable(ApiBucket.ORBIT_READS, 3, now)).isZero();
        assertThat(holds.claimable(ApiBucket.OPENPROSPECT, 3, now)).isEqualTo(3);
        assertThat(holds.claimable(ApiBucket.ORBIT_READS, 3, now + INTERVAL_MS)).isEqualTo(1);
        holds.observe(ApiBucket.ORBIT_READS, answer(200, "{\"status\": \"running\"}"));
        assertThat(holds.hold(Api.ORBIT)).isEmpty();
        assertThat(holds.claimable(ApiBucket.ORBIT_STARTS, 3, now + INTERVAL_MS))
                .isEqualTo(3);
    }
}
