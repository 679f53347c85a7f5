package io.profilebridge.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.profilebridge.api.ApiAnswer;
import java.time.Duration;
import java.util.LongSummaryStatistics;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class JobScheduleTest {

    private final JobSchedule schedule = new JobSchedule(2000, 2000, 1000, 60000, 10, 60000, 86_400_000, 60, 3_600_000);

    /** bridge.retry.max-attempts (10 here) attempts are made, not one more (mutation audit: the bound was untested). */
    @Test
    void theLastAttemptIsTheMaximumsOwn() {
        assertThat(schedule.attemptsExhausted(9)).isFalse();
        assertThat(schedule.attemptsExhausted(10)).isTrue();
    }

    /**
     * CONTRACT 5: exponential backoff with jitter (mutation audit: a backoff that never grew passed every test). The
     * base (1 s here) doubles per attempt up to the maximum (60 s); each delay lies between half its ceiling and it.
     */
    @Test
    void theBackoffDoublesPerAttemptUpToItsMaximumWithEqualJitter() {
        assertThat(IntStream.rangeClosed(1, 8)
                        .mapToLong(schedule::longestRetryDelay)
                        .toArray())
                .containsExactly(1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000);
        for (int attempt = 1; attempt <= 8; attempt++) {
            int after = attempt;
            long ceiling = schedule.longestRetryDelay(attempt);
            LongSummaryStatistics delays = IntStream.range(0, 2000)
                    .mapToLong(i -> schedule.retryDelay(after, null))
                    .summaryStatistics();
            assertThat(delays.getMin()).as("attempt %d", attempt).isGreaterThanOrEqualTo(ceiling / 2);
            assertThat(delays.getMax()).as("attempt %d", attempt).isLessThanOrEqualTo(ceiling);
            assertThat(delays.getMax() - delays.getMin())
                    .as("jittered, attempt %d", attempt)
                    .isGreaterThan(ceiling / 4);
        }
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
