package io.profilebridge.intake;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import org.junit.jupiter.api.Test;

class InboxFileErrorsTest {

    private static FileSystemException outOfHandles(String file) {
        return new FileSystemException(file, null, "Too many open files");
    }

    /**
     * Lowres audit: with no file handles left, every inbox file had its own line, 172 in one second. Files that fail
     * for the same reason share one line a minute, the next one counting them; a file's own trouble keeps its line.
     */
    @Test
    void filesFailingForTheSameReasonShareOneLineAMinute() {
        InboxFileErrors errors = new InboxFileErrors(WaitingFiles.NONE);
        long now = 1_000_000;
        assertThat(errors.lineDue("a.json", outOfHandles("a.json.camelLock"), now))
                .hasValue("");
        for (int file = 0; file < 171; file++) {
            assertThat(errors.lineDue("f" + file + ".json", outOfHandles("f" + file + ".json.camelLock"), now + file))
                    .isEmpty();
        }
        assertThat(errors.lineDue(
                        "b.json", new java.io.FileNotFoundException("/inbox/b.json (Too many open files)"), now))
                .as("java.io's form of the same reason")
                .isEmpty();
        assertThat(errors.lineDue("mine.json", new AccessDeniedException("mine.json"), now))
                .as("a file's own trouble")
                .hasValue("");
        assertThat(errors.lineDue("a.json", outOfHandles("a.json.camelLock"), now + InboxFileErrors.REPEAT_MS))
                .hasValue(" (and 172 other inbox files the same way since the last such line)");
    }
}
