package io.profilebridge.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.component.file.GenericFile;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InboxFileErrorsTest {

    private static FileSystemException outOfHandles(String file) {
        return new FileSystemException(file, null, "Too many open files");
    }

    /**
     * Pause audit: an instance of a shared inbox that stood still (SIGSTOP) past the marker's age found, once woken,
     * that another instance had taken its file over and moved it; its own failed move noted the file as answered but not
     * moved, a note that stayed for good beside a file no longer there, with a warning that the file "stays in the inbox".
     */
    @Test
    void anAnsweredFileMovedAwayBeforeItsOwnMoveLeavesNoNote(@TempDir Path inbox) throws Exception {
        Path gone = inbox.resolve("a.json");
        Path kept = inbox.resolve("b.json");
        Files.writeString(kept, "{}");
        InboxFileErrors errors = new InboxFileErrors(WaitingFiles.NONE);
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            for (Path file : List.of(gone, kept)) {
                errors.handleException(
                        "move failed", answered(context, file), new IOException("Cannot rename file " + file));
            }
        }
        assertThat(UnmovedNotes.read(gone, null))
                .as("a file moved away meanwhile")
                .isEmpty();
        assertThat(inbox.resolve(".a.json.answered")).doesNotExist();
        assertThat(UnmovedNotes.read(kept, null)).as("a file still in place").isPresent();
    }

    /**
     * Disk-full audit: on a full or read-only inbox no file could be taken for minutes, each said once a minute in the
     * log, while readiness was UP. The folder is told as giving no file while its takes are refused, and not after.
     */
    @Test
    void aFolderWhoseFilesCannotBeTakenIsToldUntilTakesAreRefusedNoMore(@TempDir Path inbox) throws Exception {
        Path orbit = Files.createDirectories(inbox.resolve("orbit"));
        InboxFileErrors errors = new InboxFileErrors(WaitingFiles.NONE);
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            Exchange taken = answered(context, orbit.resolve("a.json"));
            taken.getMessage().removeHeader(RequestAcceptance.VERDICT);
            errors.handleException(
                    "marker failed",
                    taken,
                    new FileSystemException(orbit + "/a.json.camelLock", null, "No space left on device"));
            Exchange vanished = answered(context, inbox.resolve("gone.json"));
            vanished.getMessage().removeHeader(RequestAcceptance.VERDICT);
            errors.handleException("gone", vanished, new NoSuchFileException(inbox + "/gone.json"));
        }
        assertThat(errors.foldersRefusingTakes())
                .as("a file that left meanwhile is no folder's trouble")
                .containsOnlyKeys(orbit);
        assertThat(errors.foldersRefusingTakes().get(orbit))
                .startsWith("its files cannot be taken since ")
                .contains("(No space left on device)");
        await().atMost(Duration.ofMillis(InboxFileErrors.REFUSALS_TOLD_MS * 3))
                .until(() -> errors.foldersRefusingTakes().isEmpty());
    }

    private static Exchange answered(CamelContext context, Path path) {
        Exchange exchange = new DefaultExchange(context);
        GenericFile<File> file = new GenericFile<>();
        file.setAbsoluteFilePath(path.toString());
        file.setFileNameOnly(path.getFileName().toString());
        exchange.getMessage().setBody(file);
        exchange.getMessage().setHeader(RequestAcceptance.VERDICT, "done");
        exchange.getMessage()
                .setHeader(RequestAcceptance.KEPT_NAME, path.getFileName().toString());
        exchange.getMessage().setHeader(RequestAcceptance.INBOX_FOLDER, "orbit");
        return exchange;
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
