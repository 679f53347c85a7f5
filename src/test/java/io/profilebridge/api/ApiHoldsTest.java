package io.profilebridge.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.profilebridge.Json;
import org.apache.camel.component.http.HttpMethods;
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
                HttpMethods.POST,
                answer(402, "{\"error\": {\"code\": \"insufficient_credits\", \"message\": \"top up\"}}"));
        long now = 1_000_000;
        assertThat(holds.claimable(ApiBucket.ORBIT_STARTS, HttpMethods.POST, 5, now))
                .isZero();
        assertThat(holds.claimable(ApiBucket.ORBIT_STARTS, HttpMethods.POST, 5, now + INTERVAL_MS - 1))
                .isZero();
        assertThat(holds.claimable(ApiBucket.ORBIT_STARTS, HttpMethods.POST, 5, now + INTERVAL_MS))
                .as("the probe")
                .isEqualTo(1);
        holds.probed(ApiBucket.ORBIT_STARTS, HttpMethods.POST, now + INTERVAL_MS);
        assertThat(holds.claimable(ApiBucket.ORBIT_STARTS, HttpMethods.POST, 5, now + INTERVAL_MS + 1))
                .isZero();
        assertThat(holds.claimable(ApiBucket.ORBIT_READS, HttpMethods.GET, 5, now))
                .as("a 402 holds only the bucket that asked for credits")
                .isEqualTo(5);
    }

    @Test
    void aProbeOfferedToAQueueWithNothingDueIsStillThereForTheBucketsNextQueue() {
        // config-and-APIs audit: Orbit's profile reads (mostly none due) and status reads share a bucket; the empty
        // queue, asked first, spent every probe, and a run whose status reads were refused was never read again
        ApiHolds holds = new ApiHolds(INTERVAL_MS);
        holds.observe(
                ApiBucket.ORBIT_READS,
                HttpMethods.GET,
                answer(401, "{\"error\": {\"code\": \"unauthorized\", \"message\": \"no\"}}"));
        long now = 1_000_000;
        assertThat(holds.claimable(ApiBucket.ORBIT_READS, HttpMethods.GET, 3, now))
                .isZero();
        long later = now + INTERVAL_MS;
        assertThat(holds.claimable(ApiBucket.ORBIT_READS, HttpMethods.GET, 3, later))
                .as("offered to the profile reads, which claim nothing")
                .isEqualTo(1);
        assertThat(holds.claimable(ApiBucket.ORBIT_READS, HttpMethods.GET, 3, later))
                .as("so the status reads get it")
                .isEqualTo(1);
        holds.probed(ApiBucket.ORBIT_READS, HttpMethods.GET, later);
        assertThat(holds.claimable(ApiBucket.ORBIT_READS, HttpMethods.GET, 3, later + 1))
                .isZero();
        assertThat(holds.claimable(ApiBucket.ORBIT_READS, HttpMethods.GET, 3, later + INTERVAL_MS))
                .isEqualTo(1);
    }

    @Test
    void aRefusedKeyHoldsEveryBucketOfItsApiUntilACallSucceeds() {
        ApiHolds holds = new ApiHolds(INTERVAL_MS);
        holds.observe(
                ApiBucket.ORBIT_READS,
                HttpMethods.GET,
                answer(401, "{\"error\": {\"code\": \"unauthorized\", \"message\": \"no\"}}"));
        long now = 1_000_000;
        assertThat(holds.claimable(ApiBucket.ORBIT_STARTS, HttpMethods.POST, 3, now))
                .isZero();
        assertThat(holds.claimable(ApiBucket.ORBIT_READS, HttpMethods.GET, 3, now))
                .isZero();
        assertThat(holds.claimable(ApiBucket.OPENPROSPECT, HttpMethods.POST, 3, now))
                .isEqualTo(3);
        assertThat(holds.claimable(ApiBucket.ORBIT_READS, HttpMethods.GET, 3, now + INTERVAL_MS))
                .isEqualTo(1);
        holds.observe(ApiBucket.ORBIT_READS, HttpMethods.GET, answer(200, "{\"status\": \"running\"}"));
        assertThat(holds.hold(Api.ORBIT)).isEmpty();
        assertThat(holds.claimable(ApiBucket.ORBIT_STARTS, HttpMethods.POST, 3, now + INTERVAL_MS))
                .isEqualTo(3);
    }

    /**
     * OpenProspect gives creations orders:write and reads orders:read: a 403 on a creation holds the creations only,
     * and only a creation's success lifts it (audit: a key without orders:write held the status reads of the runs
     * already created, every minute for each).
     */
    @Test
    void anOpenProspect403HoldsTheCallsOfItsScopeOnly() {
        ApiHolds holds = new ApiHolds(INTERVAL_MS);
        long now = 1_000_000;
        holds.observe(ApiBucket.OPENPROSPECT, HttpMethods.POST, answer(403, "{\"detail\": \"Missing orders:write\"}"));
        assertThat(holds.claimable(ApiBucket.OPENPROSPECT, HttpMethods.POST, 3, now))
                .isZero();
        assertThat(holds.claimable(ApiBucket.OPENPROSPECT, HttpMethods.GET, 3, now))
                .as("the status reads go on")
                .isEqualTo(3);
        assertThat(holds.hold(ApiBucket.OPENPROSPECT, HttpMethods.GET)).isEmpty();
        assertThat(holds.hold(Api.OPENPROSPECT))
                .as("the health check still says so")
                .isPresent();

        holds.observe(ApiBucket.OPENPROSPECT, HttpMethods.GET, answer(200, "{\"status\": \"RUNNING\"}"));
        assertThat(holds.claimable(ApiBucket.OPENPROSPECT, HttpMethods.POST, 3, now + INTERVAL_MS))
                .as("a read's success says nothing of the write scope: one probe")
                .isEqualTo(1);
        holds.observe(ApiBucket.OPENPROSPECT, HttpMethods.POST, answer(202, "{\"status\": \"PENDING\"}"));
        assertThat(holds.hold(Api.OPENPROSPECT)).isEmpty();

        holds.observe(ApiBucket.OPENPROSPECT, HttpMethods.GET, answer(401, "{\"detail\": \"Invalid API key\"}"));
        assertThat(holds.claimable(ApiBucket.OPENPROSPECT, HttpMethods.POST, 3, now + INTERVAL_MS))
                .as("a refused key holds every call")
                .isZero();
    }

    /**
     * OpenProspect's docs give no 402; one on a creation asks for credits to create, and holds the creations only:
     * budget audit: it held the bucket's status reads as well, so the 16 runs already created were read one per
     * interval, each read's success lifting the hold and the next creation's 402 setting it again (an INFO and a WARN
     * line per interval).
     */
    @Test
    void anOpenProspect402HoldsTheCreationsOnly() {
        ApiHolds holds = new ApiHolds(INTERVAL_MS);
        long now = 1_000_000;
        holds.observe(ApiBucket.OPENPROSPECT, HttpMethods.POST, answer(402, "{\"detail\": \"Insufficient credits\"}"));
        assertThat(holds.claimable(ApiBucket.OPENPROSPECT, HttpMethods.POST, 3, now))
                .isZero();
        assertThat(holds.claimable(ApiBucket.OPENPROSPECT, HttpMethods.GET, 3, now))
                .as("the status reads go on")
                .isEqualTo(3);

        holds.observe(ApiBucket.OPENPROSPECT, HttpMethods.GET, answer(200, "{\"status\": \"RUNNING\"}"));
        assertThat(holds.hold(ApiBucket.OPENPROSPECT, HttpMethods.POST))
                .as("a read's success says nothing of the credits")
                .isPresent();
        assertThat(holds.claimable(ApiBucket.OPENPROSPECT, HttpMethods.POST, 3, now + INTERVAL_MS))
                .as("one probe an interval")
                .isEqualTo(1);
    }
}
