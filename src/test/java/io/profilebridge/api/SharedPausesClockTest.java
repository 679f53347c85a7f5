package io.profilebridge.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import io.profilebridge.job.JobStoreDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.apache.camel.component.http.HttpMethods;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Instances on one PostgreSQL store whose own clocks disagree pause together, on the store's clock. */
class SharedPausesClockTest {

    private static final long SKEW_MS = 8_000;

    private static EmbeddedPostgres postgres;
    private static HikariDataSource store;

    @BeforeAll
    static void start() throws IOException {
        postgres = EmbeddedPostgres.builder().start();
        store = JobStoreDataSource.open(postgres.getJdbcUrl("postgres", "postgres"), "postgres", "postgres", 2);
    }

    @AfterAll
    static void stop() throws IOException {
        store.close();
        postgres.close();
    }

    private static ApiBudgets instance(LongSupplier clock) {
        return instance(clock, "op-test-key");
    }

    /** An instance whose OpenProspect rate adapts (20 calls/s, raised after 5 quiet seconds) under {@code key}. */
    private static ApiBudgets instance(LongSupplier clock, String openProspectKey) {
        return instance(clock, openProspectKey, "orbit-test-key", () -> System.currentTimeMillis() * 1_000_000);
    }

    private static ApiBudgets instance(
            LongSupplier clock, String openProspectKey, String orbitKey, LongSupplier storeNanos) {
        Map<ApiBucket, ApiBudgets.Limit> limits = new EnumMap<>(ApiBucket.class);
        for (ApiBucket bucket : ApiBucket.values()) {
            limits.put(bucket, ApiBudgets.Limit.fixed(5, 25));
        }
        limits.put(ApiBucket.OPENPROSPECT, ApiBudgets.Limit.adaptive(20, 20, 1, 100));
        return ApiBudgets.shared(
                store,
                new ApiCredentials().with(Api.ORBIT, orbitKey).with(Api.OPENPROSPECT, openProspectKey),
                limits,
                new ApiBudgets.Policy(1000, 60_000, 0.5, 0.1, 5_000),
                clock,
                storeNanos);
    }

    /**
     * Skew audit: the shared tokens were refilled by each instance's own clock, and Bucket4j refills nothing until the
     * clock passes the last refill's time: an instance ten minutes ahead stopped every other instance's Orbit starts for
     * ten minutes. They refill by the store's clock ({@code job.SharedStoreClock}), the same for every instance.
     */
    @Test
    void theSharedTokensRefillByTheStoresClock() {
        AtomicLong storeNanos = new AtomicLong(System.currentTimeMillis() * 1_000_000);
        ApiBudgets one = instance(System::currentTimeMillis, "op-key-tokens", "orbit-key-tokens", storeNanos::get);
        ApiBudgets other = instance(System::currentTimeMillis, "op-key-tokens", "orbit-key-tokens", storeNanos::get);
        int taken = 0;
        while (one.takeForCall(ApiBucket.ORBIT_STARTS) == 0) {
            taken++;
        }
        assertThat(taken).as("the burst").isEqualTo(25);
        assertThat(other.takeForCall(ApiBucket.ORBIT_STARTS)).as("shared").isPositive();
        storeNanos.addAndGet(1_000_000_000L);
        for (int call = 0; call < 5; call++) {
            assertThat(other.takeForCall(ApiBucket.ORBIT_STARTS))
                    .as("a second of the store's clock refills 5 of 5 per second")
                    .isZero();
        }
    }

    /**
     * Mutation audit: nothing pinned that a refusal's pause ends: health would have named the key refused for good
     * after one 402 on any instance.
     */
    @Test
    void aRefusalIsNamedWhileItsPauseLastsAndNoLonger() {
        ApiBudgets one = instance(System::currentTimeMillis, "op-refused-key");
        ApiBudgets other = instance(System::currentTimeMillis, "op-refused-key");
        // long enough to outlast the store's round trips on a loaded host, short enough to wait out
        one.refused(java.util.List.of(ApiBucket.OPENPROSPECT), 4_000, "402 insufficient_credits");
        other.refresh();
        assertThat(other.refusal(Api.OPENPROSPECT, 0)).hasValue("402 insufficient_credits");
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            other.refresh();
            return other.refusal(Api.OPENPROSPECT, 0).isEmpty();
        });
    }

    /**
     * Review: the refused instance renews its refusal's pause at its next probe, a tick and a round trip after the pause
     * ends; the other instances' health checks said UP in between, about a second each hold interval. They name the
     * refusal for one more probe interval, unless a call of theirs is accepted meanwhile.
     */
    @Test
    void aRefusalIsNamedUntilTheRefusedInstancesNextProbeUnlessACallIsAcceptedMeanwhile() {
        AtomicLong later = new AtomicLong();
        ApiBudgets one = instance(
                System::currentTimeMillis, "op-probe-key", "orbit-probe-key", SharedPausesClockTest::storeNanos);
        ApiBudgets other = instance(
                () -> System.currentTimeMillis() + later.get(),
                "op-probe-key",
                "orbit-probe-key",
                SharedPausesClockTest::storeNanos);
        one.refused(List.of(ApiBucket.ORBIT_STARTS), 4_000, "402 insufficient_credits");
        one.refused(ApiBucket.OPENPROSPECT, HttpMethods.POST, 4_000, "403 insufficient_scope");
        other.refresh();

        later.set(4_500); // the pauses are over, the refused instance's probe not made yet
        assertThat(other.refusal(Api.ORBIT, 4_000))
                .as("between the pause and the probe")
                .hasValue("402 insufficient_credits");
        assertThat(other.refusal(Api.OPENPROSPECT, 4_000)).hasValue("403 insufficient_scope");
        assertThat(other.refusal(Api.ORBIT, 0)).as("no grace").isEmpty();

        other.accepted(ApiBucket.ORBIT_STARTS, HttpMethods.POST);
        other.accepted(ApiBucket.OPENPROSPECT, HttpMethods.GET);
        assertThat(other.refusal(Api.ORBIT, 4_000)).as("a start accepted since").isEmpty();
        assertThat(other.refusal(Api.OPENPROSPECT, 4_000))
                .as("a status read accepted says nothing of the starts' scope")
                .hasValue("403 insufficient_scope");

        later.set(8_500);
        assertThat(other.refusal(Api.OPENPROSPECT, 4_000))
                .as("no probe renewed it")
                .isEmpty();
    }

    private static long storeNanos() {
        return System.currentTimeMillis() * 1_000_000;
    }

    @Test
    void aPauseDrawnByOneInstanceHoldsTheOthersForItsRetryAfterWhateverTheirClocksSay() {
        // cluster audit: an instance whose clock ran 8 s ahead called inside windows its peers' 429s had opened (its
        // own clock said they had ended), and a pause it drew held the others 8 s longer than asked
        ApiBudgets onTime = instance(System::currentTimeMillis);
        ApiBudgets ahead = instance(() -> System.currentTimeMillis() + SKEW_MS);
        ApiBudgets behind = instance(() -> System.currentTimeMillis() - SKEW_MS);

        // (the store's clock is read in whole milliseconds, rounded: a bound a little over the pause; at least 1 ms,
        // not a second less than the pause, as store round trips on a loaded host take time: a skewed reading is
        // 8 s off, no pause at all or 8 s too long)
        onTime.answered(ApiBucket.ORBIT_STARTS, 429, Duration.ofSeconds(3), "a 429");
        assertThat(ahead.pausedFor(ApiBucket.ORBIT_STARTS)).isBetween(1L, 3_100L);
        assertThat(behind.pausedFor(ApiBucket.ORBIT_STARTS)).isBetween(1L, 3_100L);

        ahead.answered(ApiBucket.OPENPROSPECT, 429, Duration.ofSeconds(2), "a 429");
        behind.refresh();
        assertThat(onTime.pausedFor(ApiBucket.OPENPROSPECT)).isBetween(1L, 2_100L);
        assertThat(behind.view())
                .filteredOn(view -> view.bucket() == ApiBucket.OPENPROSPECT)
                .singleElement()
                .satisfies(view -> assertThat(view.pausedUntil() - (System.currentTimeMillis() - SKEW_MS))
                        .isBetween(1L, 2_100L));
    }

    @Test
    void anInstanceWhoseClockRunsAheadCountsNoPauseOnABucketNeverPaused() {
        // key-rotation audit: a row never paused keeps paused_until 0, read back as this process's time as the
        // clocks' gap, a moment after the epoch; each new largest gap was counted as a pause taken over from another
        // instance (profile_bridge_api_pauses_total 4 with no 429 anywhere)
        ApiBudgets ahead = instance(() -> System.currentTimeMillis() + SKEW_MS, "op-never-paused-key");

        ahead.refresh();
        for (ApiBucket bucket : ApiBucket.values()) {
            ahead.pausedFor(bucket);
        }

        assertThat(ahead.view())
                .allSatisfy(view ->
                        assertThat(view.pauses()).as(view.bucket().toString()).isZero());
    }

    @Test
    void aRateCutByOneInstanceIsNotRaisedByAnotherWhoseClockRunsAheadBeforeAQuietIntervalOnTheStoresClock() {
        // the time of a rate's last change was each instance's own: one 8 s ahead found a cut made a moment ago
        // already past the 5 s quiet interval and raised the rate again at once
        ApiBudgets onTime = instance(System::currentTimeMillis, "op-rate-key");
        ApiBudgets ahead = instance(() -> System.currentTimeMillis() + SKEW_MS, "op-rate-key");

        onTime.answered(ApiBucket.OPENPROSPECT, 429, Duration.ofMillis(1), "a 429");
        ahead.refresh();
        assertThat(rate(ahead)).as("the cut, seen by the other instance").isEqualTo(10);
        await().atMost(Duration.ofSeconds(2)).until(() -> ahead.pausedFor(ApiBucket.OPENPROSPECT) == 0);
        ahead.grant(ApiBucket.OPENPROSPECT, 1_000);
        ahead.refresh();

        assertThat(rate(ahead))
                .as("no quiet interval has passed on the store's clock")
                .isEqualTo(10);
    }

    private static double rate(ApiBudgets budgets) {
        return budgets.view().stream()
                .filter(view -> view.bucket() == ApiBucket.OPENPROSPECT)
                .findFirst()
                .orElseThrow()
                .rate();
    }
}
