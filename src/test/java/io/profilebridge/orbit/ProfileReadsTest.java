package io.profilebridge.orbit;

import static org.assertj.core.api.Assertions.assertThat;

import io.profilebridge.Json;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Review of the step cap on profile reads: two runs each reading more than half of bridge.orbit.max-profile-bytes
 * dropped each other's reading at every step (the oldest kept was dropped first), so neither ever finished.
 */
class ProfileReadsTest {

    private static final List<String> IDS = List.of("p1", "p2", "p3");

    private final AtomicLong now = new AtomicLong(1_000_000);
    private final ProfileReads reads = new ProfileReads(1_000, now::get);

    @Test
    void twoReadingsOverHalfTheBoundTakeTurnsInsteadOfDroppingEachOther() {
        assertThat(step("a")).isEqualTo(1);
        assertThat(step("b")).isEqualTo(1);
        assertThat(step("a")).isEqualTo(2);
        assertThat(step("b")).as("read, but not kept beside a's").isEqualTo(2);
        assertThat(step("a")).as("a goes on from where it stopped: done").isEqualTo(3);
        reads.take("a", IDS); // done: its result is next, nothing more is kept for it
        assertThat(step("b")).as("b's turn, from the start").isEqualTo(1);
        assertThat(step("b")).isEqualTo(2);
        assertThat(step("b")).isEqualTo(3);
    }

    /** Review: with two jobs' steps overlapping, the one whose reading was out for its step lost it to the other. */
    @Test
    void aReadingOutForItsStepKeepsItsTurn() {
        step("a");
        step("b");
        ProfileReads.Progress a = reads.take("a", IDS); // a's step begins
        assertThat(step("b")).as("b's step, meanwhile").isEqualTo(2);
        a.add(Json.object().put("id", a.next()).put("text", "x".repeat(280)));
        reads.keep("a", a);
        assertThat(reads.take("a", IDS).profiles()).as("a's reading stays").hasSize(2);
        assertThat(reads.take("b", IDS).profiles()).as("b's made room").isEmpty();
    }

    @Test
    void aReadingNotTakenUpAgainForLongMakesRoom() {
        step("a");
        step("b");
        step("a");
        now.addAndGet(ProfileReads.STALE_MS);
        assertThat(step("b")).isEqualTo(2);
        assertThat(reads.take("a", IDS).profiles()).as("a was dropped for b").isEmpty();
        assertThat(reads.take("b", IDS).profiles()).hasSize(2);
    }

    /** One step of a job's reading: takes what was kept, reads one profile of 300 characters, keeps it; how many. */
    private int step(String job) {
        ProfileReads.Progress progress = reads.take(job, IDS);
        progress.add(Json.object().put("id", progress.next()).put("text", "x".repeat(280)));
        reads.keep(job, progress);
        return progress.profiles().size();
    }
}
