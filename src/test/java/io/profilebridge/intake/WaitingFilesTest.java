package io.profilebridge.intake;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A waiting file is forgotten once it is no longer listed; one still listed keeps waiting. */
class WaitingFilesTest {

    /** Results refused wait ten minutes here, longer than a removed file is remembered (a minute). */
    private final WaitingFiles waitingFiles = new WaitingFiles(null, 1_000, 0, 600_000);

    @Test
    void aWaitingFileRemovedByItsCallerIsForgottenAndANewFileOfItsNameIsTakenAtOnce() {
        waitingFiles.waitAfterUndeliveredResult("/in/removed.json", 100_000);
        waitingFiles.waitAfterUndeliveredResult("/in/listed.json", 100_000);
        for (long now = 100_000; now <= 170_000; now += 500) {
            assertThat(waitingFiles.stillWaiting("/in/listed.json", 5, 10, now)).isTrue();
        }

        assertThat(waitingFiles.size()).as("the removed file is forgotten").isEqualTo(1);
        assertThat(waitingFiles.stillWaiting("/in/removed.json", 7, 20, 170_500))
                .as("a new file of the removed one's name")
                .isFalse();
        assertThat(waitingFiles.stillWaiting("/in/listed.json", 5, 10, 170_500)).isTrue();
    }
}
