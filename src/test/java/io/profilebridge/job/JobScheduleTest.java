package io.profilebridge.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.profilebridge.api.ApiAnswer;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class JobScheduleTest {

    private final JobSchedule schedule = new JobSchedule(2000, 2000, 1000, 60000, 10, 60000, 86_400_000, 60, 3_600_000);

    /** bridge.retry.max-attempts (10 here) attempts are made, not one more (mutation audit: the bound was untested). */
    @Test
    void theLastAttemptIsTheMaximumsOwn() {
        assertThat(schedule.attemptsExhausted(9)).isFalse();
        assertThat(schedule.attemptsExhausted(10)).isTrue();
    }

    @Test
    void retryAfterIsHonouredWithAMarginUpToTheCap() {
        assertThat(schedule.retryAfterMs(null)).isZero();
        assertThat(schedule.retryAfterMs(Duration.ofSeconds(3))).isEqualTo(3050);
        assertThat(schedule.retryAfterMs(Duration.ofHours(5))).isEqualTo(3_600_000);
        assertThat(schedule.retryAfterMs(ApiAnswer.RETRY_AFTER_CEILING)).isEqualTo(3_600_000);
        assertThat(schedule.retryAfterMs(Duration.ofSeconds(Long.MAX_VALUE))).isEqualTo(3_600_000);
    }

    @Test
    void everyDelayThatHonoursRetryAfterIsCapped() {
        Duration absurd = Duration.ofSeconds(Long.MAX_VALUE);
        assertThat(schedule.rateLimitDelay(absurd)).isEqualTo(3_600_000);
        assertThat(schedule.retryDelay(1, absurd)).isEqualTo(3_600_000);
        assertThat(schedule.holdDelay(absurd)).isEqualTo(3_600_000);
        assertThat(schedule.pollDelay(absurd)).isEqualTo(3_600_000);
    }

    @Test
    void aRunningJobIsReadEveryIntervalAndANewRunNotBeforeTheShortestRunSeen() {
        assertThat(schedule.pollDelay(null)).isEqualTo(2000);
        assertThat(schedule.pollDelay(Duration.ofSeconds(5))).isEqualTo(5050);
        assertThat(schedule.firstPollDelay(0)).isEqualTo(2000);
        assertThat(schedule.firstPollDelay(9500)).isEqualTo(9500);
    }
}
