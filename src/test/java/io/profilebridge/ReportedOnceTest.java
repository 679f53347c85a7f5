package io.profilebridge;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ReportedOnceTest {

    private final ReportedOnce reported = new ReportedOnce();

    /** Flood audit: 10,500 refused files listed every poll were each named again at every poll (4,800 lines a second). */
    @Test
    void whatIsAskedAboutAtEveryPollIsNamedOnceEvenBeyondTenThousand() {
        assertThat(IntStream.range(0, 10_500).filter(i -> reported.first("/inbox/refused-" + i + ".json\ntoo long")))
                .hasSize(10_500);
        for (int poll = 0; poll < 3; poll++) {
            assertThat(IntStream.range(0, 10_500)
                            .filter(i -> reported.first("/inbox/refused-" + i + ".json\ntoo long")))
                    .as("named again at poll %d", poll)
                    .isEmpty();
        }
    }

    @Test
    void theLeastRecentlyAskedAboutIsForgottenFirst() {
        for (int i = 0; i < ReportedOnce.KEPT; i++) {
            reported.first("entry " + i);
        }
        assertThat(reported.first("entry 0")).as("asked again: kept").isFalse();
        assertThat(reported.first("one more")).isTrue();
        assertThat(reported.first("entry 0")).isFalse();
        assertThat(reported.first("entry 1"))
                .as("the least recently asked about, forgotten")
                .isTrue();
    }
}
