package io.profilebridge.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** A stall of the process is told from the ticks' own pace, whatever that pace is. */
class TickStallsTest {

    private final AtomicLong nanos = new AtomicLong(5_000_000_000L);
    private final TickStalls stalls = new TickStalls(nanos::get);

    @Test
    void aTickAfterAStallJudgesNoCallSlowForTheGraceThenTicksDoAgain() {
        assertThat(stalls.tickJudgesSlowCalls()).isTrue();
        tickEvery(500, 3, true);
        after(40_000);
        assertThat(stalls.tickJudgesSlowCalls())
                .as("the first tick after a 40 s stall")
                .isFalse();
        // Quartz's catch-up ticks come at once, then the pace again
        tickEvery(1, 5, false);
        tickEvery(500, 3, false);
        tickEvery(500, 1, true);
    }

    @Test
    void aSlowPaceOfItsOwnIsNoStall() {
        assertThat(stalls.tickJudgesSlowCalls()).isTrue();
        tickEvery(5_000, 6, true);
    }

    private void tickEvery(long ms, int ticks, boolean judged) {
        for (int i = 0; i < ticks; i++) {
            after(ms);
            assertThat(stalls.tickJudgesSlowCalls())
                    .as("a tick %d ms after the one before", ms)
                    .isEqualTo(judged);
        }
    }

    private void after(long ms) {
        nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(ms));
    }
}
