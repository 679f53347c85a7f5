package io.profilebridge.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class WorkerHealthTest {

    private final AtomicLong wall = new AtomicLong(1_000_000_000);
    private final AtomicLong nanos = new AtomicLong();
    private final WorkerHealth health = new WorkerHealth(wall::get, nanos::get, 30_000);

    /**
     * Skew audit: a wall clock set back by minutes stopped the Quartz trigger for as long, and the stall check, on
     * that same clock, saw a gap below zero: readiness UP with no call for 3 minutes.
     */
    @Test
    void aTickStoppedWhileTheWallClockWasSetBackShows() {
        health.claimStarted();
        wall.addAndGet(-180_000);
        nanos.addAndGet(31_000_000_000L);
        wall.addAndGet(31_000);
        assertThat(health.problems())
                .singleElement()
                .asString()
                .isEqualTo("no poll tick for 31 s: the poll trigger stopped");
        health.claimStarted();
        assertThat(health.problems()).isEmpty();
    }

    @Test
    void ticksComingOnTimeAfterTheWallClockWasSetBackShowNothing() {
        health.claimStarted();
        wall.addAndGet(-180_000);
        nanos.addAndGet(1_000_000_000L);
        assertThat(health.problems()).isEmpty();
    }
}
