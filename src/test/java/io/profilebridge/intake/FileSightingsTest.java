package io.profilebridge.intake;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A file is steady once seen unchanged long enough; a file no longer listed is forgotten. */
class FileSightingsTest {

    private final FileSightings sightings = new FileSightings(1_000);

    @Test
    void aFileIsSteadyOnceSeenUnchangedForTheStableTimeAndAgainAfterAChange() {
        assertThat(sightings.steady("/in/a.json", 5, 10, 100_000)).isFalse();
        assertThat(sightings.steady("/in/a.json", 5, 10, 100_500)).isFalse();
        assertThat(sightings.steady("/in/a.json", 5, 10, 101_000)).isTrue();
        assertThat(sightings.steady("/in/a.json", 5, 20, 101_100)).as("it grew").isFalse();
    }

    @Test
    void aFileNotListedForAMinuteIsForgottenOneStillListedIsKept() {
        // soak audit: the sighting of every file ever taken stayed, up to 100,000 of them
        sightings.unchangedSince("/in/taken.json", 5, 10, 100_000);
        for (long now = 100_000; now <= 170_000; now += 500) {
            sightings.unchangedSince("/in/waiting.json", 5, 10, now);
        }
        assertThat(sightings.size()).isEqualTo(1);
        assertThat(sightings.unchangedSince("/in/waiting.json", 5, 10, 170_500))
                .as("still seen unchanged since its first sighting")
                .isEqualTo(100_000);
    }

    /** Review: with listings 65 s apart, a file was forgotten between two and never taken. */
    @Test
    void aFileListedLessOftenThanAMinuteIsRememberedForThreeListings() {
        FileSightings slow = new FileSightings(1_000, 65_000);
        assertThat(slow.steady("/in/a.json", 5, 10, 100_000)).isFalse();
        assertThat(slow.steady("/in/a.json", 5, 10, 165_000)).isTrue();
    }
}
