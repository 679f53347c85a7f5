package io.profilebridge.jms;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Lifecycle audit: a start on a full disk was told as "another process holds its journal". */
class BrokerStartFailureTest {

    private static final Path FOLDER = Path.of("/srv/bridge/data/artemis");

    @Test
    void aDiskTooFullForTheJournalIsToldAsSuch() {
        assertThat(EmbeddedBroker.whyNotStarted(FOLDER, "tcp://127.0.0.1:61616", 3 * 1024 * 1024))
                .isEqualTo("the disk of /srv/bridge/data/artemis has 3072 KiB free, less than the 24 MiB its journal"
                        + " files take; free some room there");
    }

    /** Disk-full audit: Artemis half made its journal files on a disk without room for them, and left them there. */
    @Test
    void aFirstStartNeedsRoomForTheJournalARestartFindsItMade(@TempDir Path folder) throws Exception {
        long tooLittle = EmbeddedBroker.JOURNAL_ROOM_BYTES - 1;
        assertThat(EmbeddedBroker.roomForJournal(folder, tooLittle)).isFalse();
        assertThat(EmbeddedBroker.roomForJournal(folder, EmbeddedBroker.JOURNAL_ROOM_BYTES))
                .isTrue();
        Files.createFile(Files.createDirectories(folder.resolve("journal")).resolve("activemq-data-1.amq"));
        assertThat(EmbeddedBroker.roomForJournal(folder, tooLittle)).isTrue();
    }

    @Test
    void otherwiseALockOrAPortAnotherProcessHolds() {
        assertThat(EmbeddedBroker.whyNotStarted(FOLDER, "tcp://127.0.0.1:61616", EmbeddedBroker.JOURNAL_ROOM_BYTES))
                .isEqualTo("another process holds its journal in /srv/bridge/data/artemis or listens on"
                        + " tcp://127.0.0.1:61616; give each instance its own bridge.data and bridge.jms.embedded-url"
                        + " (BRIDGE_DATA, BRIDGE_JMS_EMBEDDED_URL)");
    }
}
