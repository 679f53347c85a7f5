package io.profilebridge.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.profilebridge.LogCapture;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class SharedStoreClockTest {

    private final AtomicLong wall = new AtomicLong(1_000_000);
    private final AtomicLong monotonic = new AtomicLong(5_000_000_000L);
    private final SharedStoreClock clock = new SharedStoreClock(wall::get, monotonic::get);

    private void elapse(long ms) {
        wall.addAndGet(ms);
        monotonic.addAndGet(ms * 1_000_000);
    }

    @Test
    void itStartsFromThisHostsClockAndFollowsTheStoresOnceRead() {
        assertThat(clock.millis()).isEqualTo(1_000_000);
        long sent = monotonic.get();
        elapse(10);
        // the store answered 60 s ahead of this host, halfway through a 10 ms round trip
        clock.read(1_060_005, sent, monotonic.get());
        assertThat(clock.millis()).isEqualTo(1_060_010);
        elapse(1_000);
        assertThat(clock.millis()).isEqualTo(1_061_010);
        assertThat(clock.nanos()).isEqualTo(1_061_010_000_000L);
    }

    /** Skew audit: a host clock set back or forward stopped the work, or made it late, for as long as the step. */
    @Test
    void thisHostsClockSetBackOrForwardMovesNothing() {
        clock.read(1_000_000, monotonic.get(), monotonic.get());
        elapse(500);
        wall.addAndGet(-300_000);
        assertThat(clock.millis()).isEqualTo(1_000_500);
        wall.addAndGet(900_000);
        elapse(500);
        assertThat(clock.millis()).isEqualTo(1_001_000);
    }

    @Test
    void aHostFarFromTheStoresClockIsNamedOnceAndAgainWhenItIsNear() {
        try (LogCapture log = LogCapture.start()) {
            clock.read(1_001_000, monotonic.get(), monotonic.get());
            assertThat(log.lines()).noneMatch(line -> line.contains("This host's clock"));
            for (int beat = 0; beat < 3; beat++) {
                clock.read(wall.get() - 90_000, monotonic.get(), monotonic.get());
            }
            assertThat(log.lines())
                    .filteredOn(line -> line.contains("This host's clock"))
                    .singleElement()
                    .satisfies(line -> assertThat(line).contains("WARN").contains("90000 ms ahead of the job store's"));
            clock.read(wall.get() + 200, monotonic.get(), monotonic.get());
            assertThat(log.lines())
                    .filteredOn(line -> line.contains("within 200 ms of the job store's again"))
                    .hasSize(1);
        }
    }
}
