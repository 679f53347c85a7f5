package io.profilebridge.delivery;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fsedges audit: a consumer that takes each result away as soon as it appears took some before their sync, which then
 * failed, and those results were written again (up to three times). A result gone after its rename is delivered; a
 * folder gone is not.
 */
class DiskSyncTest {

    @TempDir
    Path outbox;

    @Test
    void aResultItsReaderTookBeforeTheSyncIsDelivered() throws Exception {
        Path result = Files.writeString(outbox.resolve("a.json"), "{}");
        Files.move(result, outbox.resolveSibling("taken-" + outbox.getFileName() + ".json"));

        assertThatCode(() -> new DiskSync().sync(result)).doesNotThrowAnyException();
    }

    @Test
    void aResultWhoseFolderIsGoneIsNot() {
        assertThatThrownBy(() -> new DiskSync().sync(outbox.resolve("gone/a.json")))
                .isInstanceOf(NoSuchFileException.class);
    }
}
