package io.profilebridge.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.profilebridge.Json;
import org.junit.jupiter.api.Test;

/** Pauses, adaptive rates and the restart-safe start of one process's budgets. */
class ApiBudgetsTest {

    private final AtomicLong now = new AtomicLong(1_000_000);
    private final ApiBudgets.Policy policy = new ApiBudgets.Policy(1000, 60_000, 0.5, 0.1, 10_000);

    private ApiBudgets budgets(java.util.function.LongSupplier clock) {
        Map<ApiBucket, ApiBudgets.Limit> limits = new EnumMap<>(ApiBucket.class);
        limits.put(ApiBucket.OPENPROSPECT, ApiBudgets.Limit.adaptive(20, 40, 1, 100));
        limits.put(ApiBucket.ORBIT_STARTS, ApiBudgets.Limit.fixed(5, 20));
        limits.put(ApiBucket.ORBIT_READS, ApiBudgets.Limit.adaptive(20, 40, 1, 100));
        return ApiBudgets.local(limits, policy, clock);
    }

    private static ApiAnswer answer(int status, Duration retryAfter) {
        ObjectNode body = Json.object().put("error_code", "rate_limited").put("error_message", "slow down");
        return new ApiAnswer(status, body, retryAfter, null, null);
    }

    private ApiBudgets.View view(ApiBudgets budgets, ApiBucket bucket) {
        return budgets.view().stream().filter(v -> v.bucket() == bucket).findFirst().orElseThrow();
    }

    @Test
    void aRateLimitPausesItsBucketForTheRetryAfterAndCutsAnAdaptiveRateOnce() {
        ApiBudgets budgets = budgets(now::get);
        budgets.observe(ApiBucket.ORBIT_READS, answer(429, Duration.ofSeconds(3)));
        budgets.observe(ApiBucket.ORBIT_READS, answer(429, Duration.ofSeconds(3)));
        assertThat(budgets.pausedFor(ApiBucket.ORBIT_READS)).isEqualTo(3050);
        assertThat(budgets.pausedFor(ApiBucket.ORBIT_STARTS)).as("another bucket of the same key").isZero();
        assertThat(budgets.grant(ApiBucket.ORBIT_READS, 5)).isZero();
        assertThat(budgets.takeForCall(ApiBucket.ORBIT_READS)).isEqualTo(3050);
        assertThat(view(budgets, ApiBucket.ORBIT_READS).rate()).as("two 429s of one moment, one cut").isEqualTo(10);
        assertThat(view(budgets, ApiBucket.ORBIT_READS).pauseCause()).isEqualTo("429 rate_limited");
        now.addAndGet(3050);
        assertThat(budgets.pausedFor(ApiBucket.ORBIT_READS)).isZero();
        assertThat(view(budgets, ApiBucket.ORBIT_READS).pausedUntil()).isZero();
        assertThat(view(budgets, ApiBucket.ORBIT_READS).pauses()).isEqualTo(1);
    }

    @Test
    void aServerErrorWithRetryAfterPausesEveryBucketOfItsApiOnly() {
        ApiBudgets budgets = budgets(now::get);
        budgets.observe(ApiBucket.ORBIT_READS, answer(503, Duration.ofSeconds(2)));
        assertThat(budgets.pausedFor(ApiBucket.ORBIT_STARTS)).isEqualTo(2050);
        assertThat(budgets.pausedFor(ApiBucket.ORBIT_READS)).isEqualTo(2050);
        assertThat(budgets.pausedFor(ApiBucket.OPENPROSPECT)).isZero();
        assertThat(view(budgets, ApiBucket.ORBIT_READS).rate()).as("a 503 is no rate signal").isEqualTo(20);
        budgets.observe(ApiBucket.OPENPROSPECT, answer(503, null));
        assertThat(budgets.pausedFor(ApiBucket.OPENPROSPECT)).as("without Retry-After the job backs off alone").isZero();
    }

    @Test
    void aHugeRetryAfterPausesNoLongerThanTheLongestPause() {
        ApiBudgets budgets = budgets(now::get);
        budgets.observe(ApiBucket.OPENPROSPECT, answer(429, Duration.ofSeconds(Long.MAX_VALUE)));
        assertThat(budgets.pausedFor(ApiBucket.OPENPROSPECT)).isEqualTo(60_050);
    }

    @Test
    void anAdaptiveRateRisesOnlyAfterAQuietIntervalInWhichTheBudgetHeldWorkBack() {
        ApiBudgets budgets = budgets(now::get);
        now.addAndGet(20_000);
        budgets.refresh();
        assertThat(view(budgets, ApiBucket.OPENPROSPECT).rate()).as("the budget held nothing back").isEqualTo(20);
        budgets.grant(ApiBucket.OPENPROSPECT, 1_000);
        budgets.refresh();
        assertThat(view(budgets, ApiBucket.OPENPROSPECT).rate()).isEqualTo(22);
        budgets.grant(ApiBucket.OPENPROSPECT, 1_000);
        budgets.refresh();
        assertThat(view(budgets, ApiBucket.OPENPROSPECT).rate()).as("one step per interval").isEqualTo(22);
        assertThat(view(budgets, ApiBucket.ORBIT_STARTS).rate()).as("a documented limit never moves").isEqualTo(5);
    }

    @Test
    void callsResumeAtTheRateWhenAPauseEndsNotInABurst() {
        ApiBudgets budgets = budgets(System::currentTimeMillis);
        budgets.observe(ApiBucket.ORBIT_STARTS, answer(429, Duration.ofMillis(200)));
        await().atMost(Duration.ofSeconds(2)).until(() -> budgets.pausedFor(ApiBucket.ORBIT_STARTS) == 0);
        assertThat(budgets.grant(ApiBucket.ORBIT_STARTS, 20)).isLessThanOrEqualTo(1);
    }

    @Test
    void aJustStartedProcessMaySpendOnlyWhatTheApiRefilledSince() {
        assertThat(ApiBudgets.initialTokens(5, 20, Duration.ZERO)).isZero();
        assertThat(ApiBudgets.initialTokens(5, 20, Duration.ofMillis(1_500))).isEqualTo(7);
        assertThat(ApiBudgets.initialTokens(5, 20, Duration.ofSeconds(4))).isEqualTo(20);
        assertThat(ApiBudgets.initialTokens(5, 20, Duration.ofMinutes(5))).isEqualTo(20);
    }
}
