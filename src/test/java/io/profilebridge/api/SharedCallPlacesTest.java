package io.profilebridge.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import io.profilebridge.BridgeRun;
import io.profilebridge.TestPostgres;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two instances' gates on one real PostgreSQL store: the one-call-in-flight limits belong to the API key, so a place
 * one instance holds is not free for the other, whatever its own gate counts.
 */
class SharedCallPlacesTest {

    private static final long SLOW_CALL_MS = 60_000;
    private static TestPostgres postgres;

    private HikariDataSource dataSource;
    private final ApiCredentials keys = new ApiCredentials()
            .with(Api.OPENPROSPECT, BridgeRun.OPENPROSPECT_KEY)
            .with(Api.ORBIT, BridgeRun.ORBIT_KEY);

    @BeforeAll
    static void startPostgres() throws Exception {
        postgres = TestPostgres.start();
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        postgres.close();
    }

    @BeforeEach
    void openStore() throws Exception {
        dataSource = postgres.newStore("places");
    }

    @AfterEach
    void closeStore() {
        dataSource.close();
    }

    private CallGate instance(ApiCredentials credentials, long slowCallMs) {
        return new CallGate(
                Map.of(ApiBucket.OPENPROSPECT, 1, ApiBucket.ORBIT_STARTS, 1, ApiBucket.ORBIT_READS, 1),
                Map.of(Api.ORBIT, 1),
                slowCallMs,
                new SharedCallPlaces(dataSource, credentials, slowCallMs));
    }

    @Test
    void aPlaceOneInstanceHoldsIsNotFreeForAnotherUntilItIsGivenBack() {
        CallGate first = instance(keys, SLOW_CALL_MS);
        CallGate second = instance(keys, SLOW_CALL_MS);

        assertThat(first.enter(ApiBucket.OPENPROSPECT, 1)).isEqualTo(1);
        assertThat(second.enter(ApiBucket.OPENPROSPECT, 3)).isZero();
        assertThat(second.inFlight(ApiBucket.OPENPROSPECT)).isZero();

        first.leave(ApiBucket.OPENPROSPECT, 1);
        assertThat(second.enter(ApiBucket.OPENPROSPECT, 3)).isEqualTo(1);
        assertThat(first.enter(ApiBucket.OPENPROSPECT, 1)).isZero();
    }

    @Test
    void orbitsOwnLimitCoversItsBucketsAcrossInstances() {
        CallGate first = instance(keys, SLOW_CALL_MS);
        CallGate second = instance(keys, SLOW_CALL_MS);

        assertThat(first.enter(ApiBucket.ORBIT_READS, 1)).isEqualTo(1);
        // Orbit's one place is taken, though the starts' own bucket is free: no slot of it stays taken either
        assertThat(second.enter(ApiBucket.ORBIT_STARTS, 1)).isZero();
        assertThat(second.enter(ApiBucket.OPENPROSPECT, 1)).as("another API").isEqualTo(1);

        first.leave(ApiBucket.ORBIT_READS, 1);
        assertThat(second.enter(ApiBucket.ORBIT_STARTS, 1)).isEqualTo(1);
        assertThat(first.enter(ApiBucket.ORBIT_READS, 1)).isZero();
    }

    @Test
    void aPlaceHeldLongerThanTheSlowCallTimeIsFreeAgain() {
        CallGate dead = instance(keys, 200);
        CallGate alive = instance(keys, 200);

        assertThat(dead.enter(ApiBucket.ORBIT_STARTS, 1)).isEqualTo(1);
        assertThat(alive.enter(ApiBucket.ORBIT_STARTS, 1)).isZero();
        await().atMost(Duration.ofSeconds(5)).until(() -> alive.enter(ApiBucket.ORBIT_STARTS, 1) == 1);
    }

    @Test
    void aPlaceRenewedAsItsCallsGoOutStaysItsHoldersAndOneTakenByAnotherIsNotRenewed() {
        // before: a place's time counted from its claim, so a holder held up past the slow-call time before its send
        // lost it to another instance's call just before its own went out (CI run 68)
        long slowCallMs = 2000;
        CallGate holder = instance(keys, slowCallMs);
        CallGate other = instance(keys, slowCallMs);
        assertThat(holder.enter(ApiBucket.ORBIT_STARTS, 1)).isEqualTo(1);

        await().pollInterval(Duration.ofMillis(200))
                .during(Duration.ofMillis(slowCallMs + 1000))
                .atMost(Duration.ofMillis(slowCallMs + 3000))
                .until(() -> holder.renew(ApiBucket.ORBIT_STARTS) && other.enter(ApiBucket.ORBIT_STARTS, 1) == 0);

        await().atMost(Duration.ofMillis(slowCallMs + 3000)).until(() -> other.enter(ApiBucket.ORBIT_STARTS, 1) == 1);
        assertThat(holder.renew(ApiBucket.ORBIT_STARTS))
                .as("its place is the other's now")
                .isFalse();
        assertThat(other.renew(ApiBucket.ORBIT_STARTS)).isTrue();
        assertThat(other.renew(ApiBucket.OPENPROSPECT))
                .as("no place held: nothing to lose")
                .isTrue();
    }

    @Test
    void anotherKeyHasPlacesOfItsOwn() {
        CallGate ours = instance(keys, SLOW_CALL_MS);
        CallGate theirs = instance(
                new ApiCredentials()
                        .with(Api.OPENPROSPECT, "lnc_live_testkey_0002")
                        .with(Api.ORBIT, "sk_orb_testkey_0002"),
                SLOW_CALL_MS);

        assertThat(ours.enter(ApiBucket.OPENPROSPECT, 1)).isEqualTo(1);
        assertThat(theirs.enter(ApiBucket.OPENPROSPECT, 1)).isEqualTo(1);
    }

    @Test
    void aLimitOfSeveralPlacesIsSharedToo() {
        Map<ApiBucket, Integer> two = Map.of(ApiBucket.OPENPROSPECT, 2);
        CallGate first =
                new CallGate(two, Map.of(), SLOW_CALL_MS, new SharedCallPlaces(dataSource, keys, SLOW_CALL_MS));
        CallGate second =
                new CallGate(two, Map.of(), SLOW_CALL_MS, new SharedCallPlaces(dataSource, keys, SLOW_CALL_MS));

        assertThat(first.enter(ApiBucket.OPENPROSPECT, 1)).isEqualTo(1);
        assertThat(second.enter(ApiBucket.OPENPROSPECT, 2)).isEqualTo(1);
        assertThat(first.enter(ApiBucket.OPENPROSPECT, 1)).isZero();

        second.leave(ApiBucket.OPENPROSPECT, 1);
        assertThat(first.enter(ApiBucket.OPENPROSPECT, 1)).isEqualTo(1);
        assertThat(first.inFlight(ApiBucket.OPENPROSPECT)).isEqualTo(2);
    }
}
