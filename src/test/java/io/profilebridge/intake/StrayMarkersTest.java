package io.profilebridge.intake;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Re-check audit: an instance SIGKILLed between a file's move to .done/ and its marker's removal left the marker
 * alone in a shared inbox, for good; the same name and body dropped again later was taken for the take cut short,
 * and got no result. Such markers go once they are older than the orphaned-marker time.
 */
class StrayMarkersTest {

    private static final long ORPHANED_LOCK_MS = 60_000;

    @TempDir
    Path inbox;

    @Test
    void anOldMarkerWhoseFileIsGoneIsRemovedAndNoOther() throws Exception {
        Path stray = marker("moved.json", ORPHANED_LOCK_MS + 5_000);
        Path withItsFile = marker("waiting.json", ORPHANED_LOCK_MS + 5_000);
        Files.writeString(inbox.resolve("waiting.json"), "{}");
        Path young = marker("just-moved.json", 1_000);

        InboxMarkers markers = new InboxMarkers(WaitingFiles.NONE, ORPHANED_LOCK_MS);
        assertThat(markers.removeStray(List.of(inbox))).isEqualTo(1);

        assertThat(stray).doesNotExist();
        assertThat(withItsFile)
                .as("the listing's orphaned-marker check is its judge")
                .exists();
        assertThat(young)
                .as("a live take's marker, its file moved a moment ago")
                .exists();
    }

    private Path marker(String file, long ageMs) throws Exception {
        Path marker = Files.createFile(inbox.resolve(file + ".camelLock"));
        Files.setLastModifiedTime(marker, FileTime.fromMillis(System.currentTimeMillis() - ageMs));
        return marker;
    }
}
