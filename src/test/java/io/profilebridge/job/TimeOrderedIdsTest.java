package io.profilebridge.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class TimeOrderedIdsTest {

    @Test
    void anIdIsAVersionSevenUuidCarryingItsMillisecond() {
        long millis = 1_796_000_000_123L;
        UUID id = UUID.fromString(TimeOrderedIds.next(millis));
        assertThat(id.version()).isEqualTo(7);
        assertThat(id.variant()).isEqualTo(2);
        assertThat(id.getMostSignificantBits() >>> 16).isEqualTo(millis);
    }

    @Test
    void aLaterMillisecondSortsAfterAsText() {
        // the store orders its primary key as text: the jobs created last must sit at its end
        String earlier = TimeOrderedIds.next(1_796_000_000_000L);
        String later = TimeOrderedIds.next(1_796_000_000_001L);
        String muchLater = TimeOrderedIds.next(4_102_444_800_000L); // 2100
        assertThat(earlier).isLessThan(later);
        assertThat(later).isLessThan(muchLater);
    }

    @Test
    void idsOfTheSameMillisecondDiffer() {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 100_000; i++) {
            ids.add(TimeOrderedIds.next(1_796_000_000_000L));
        }
        assertThat(ids).hasSize(100_000);
    }
}
