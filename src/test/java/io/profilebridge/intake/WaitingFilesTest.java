package io.profilebridge.intake;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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

    /**
     * File-coordination audit: an answered file that could not be moved was known as such to the instance that
     * answered it alone; every other instance of a shared inbox answered it again. The note beside it tells them.
     */
    @Test
    void anAnsweredFileThatCouldNotBeMovedIsOnlyMovedByAnotherInstance(@TempDir Path inbox) throws Exception {
        Path file = Files.writeString(inbox.resolve("bad-1.json"), "{");
        String path = file.toAbsolutePath().toString();
        waitingFiles.moveFailed(path, 5, 10, "failed", "bad-1.json", 100_000);

        WaitingFiles elsewhere = new WaitingFiles(null, 1_000, 0, 600_000);
        assertThat(elsewhere.takenAgainToMove(path, 5, 10))
                .hasValueSatisfying(unmoved -> assertThat(unmoved.verdict()).isEqualTo("failed"));
        // lock audit: removed at the take, the note was gone when a SIGKILL cut the move short, and the next take
        // answered the file a second time
        assertThat(inbox.resolve(".bad-1.json.answered"))
                .as("kept until the file is moved")
                .exists();
        assertThat(new WaitingFiles(null, 1_000, 0, 600_000).takenAgainToMove(path, 5, 10))
                .as("a take after one cut short")
                .isPresent();
        elsewhere.moved(file);
        assertThat(inbox.resolve(".bad-1.json.answered")).doesNotExist();
        assertThat(elsewhere.takenAgainToMove(path, 5, 10)).isEmpty();

        waitingFiles.moveFailed(path, 5, 10, "failed", "bad-1.json", 100_000);
        assertThat(elsewhere.takenAgainToMove(path, 6, 10))
                .as("changed since: a new request")
                .isEmpty();
    }

    /**
     * Disk-full audit: on a full inbox the note beside an answered file could not be written either, and a restart
     * answered the file again (64 results the reader had already taken came back). The note goes to the instance's
     * data folder then, and a restart reads it there; it goes with the move.
     */
    @Test
    void anAnsweredFileWhoseNoteCannotGoBesideItIsOnlyMovedAfterARestart(@TempDir Path root) throws Exception {
        Path inbox = Files.createDirectories(root.resolve("inbox"));
        Path spare = root.resolve("data/unmoved-files");
        Path file = Files.writeString(inbox.resolve("r.json"), "{}");
        String path = file.toAbsolutePath().toString();
        // what a full disk does to the note beside it (as root, no permission stops a write)
        Files.writeString(
                Files.createDirectories(inbox.resolve(".r.json.answered")).resolve("x"), "");
        new WaitingFiles(null, 1_000, 0, 0, 600_000, spare).moveFailed(path, 5, 10, "done", "r.json", 100_000);

        WaitingFiles restarted = new WaitingFiles(null, 1_000, 0, 0, 600_000, spare);
        assertThat(restarted.takenAgainToMove(path, 5, 10))
                .hasValueSatisfying(unmoved -> assertThat(unmoved.verdict()).isEqualTo("done"));
        assertThat(restarted.takenAgainToMove(inbox.resolve("other.json").toString(), 5, 10))
                .as("another file's path")
                .isEmpty();
        restarted.moved(file);
        try (var notes = Files.list(spare)) {
            assertThat(notes).isEmpty();
        }
        assertThat(new WaitingFiles(null, 1_000, 0, 0, 600_000, spare).takenAgainToMove(path, 5, 10))
                .isEmpty();
    }

    /** Re-check audit: the spare note of a file its caller removed before it was moved stayed for good. */
    @Test
    void theSpareNoteOfAFileRemovedBeforeItsMoveIsForgottenAtTheNextStart(@TempDir Path root) throws Exception {
        Path inbox = Files.createDirectories(root.resolve("inbox"));
        Path spare = root.resolve("data/unmoved-files");
        WaitingFiles before = new WaitingFiles(null, 1_000, 0, 0, 600_000, spare);
        for (String name : new String[] {"kept.json", "removed.json"}) {
            Path file = Files.writeString(inbox.resolve(name), "{}");
            Files.writeString(
                    Files.createDirectories(inbox.resolve("." + name + ".answered"))
                            .resolve("x"),
                    "");
            before.moveFailed(file.toAbsolutePath().toString(), 5, 10, "done", name, 100_000);
        }
        Files.delete(inbox.resolve("removed.json"));

        WaitingFiles restarted = new WaitingFiles(null, 1_000, 0, 0, 600_000, spare);
        restarted.forgetNotesOfGoneFiles();
        try (var notes = Files.list(spare)) {
            assertThat(notes).hasSize(1);
        }
        assertThat(restarted.takenAgainToMove(
                        inbox.resolve("kept.json").toAbsolutePath().toString(), 5, 10))
                .isPresent();
    }

    /**
     * Review: this instance's memory of a file another instance moved since, and a note written for the file dropped
     * again under its name: the stale memory removed the right note, and the file was answered a second time.
     */
    @Test
    void aStaleMemoryDoesNotOutweighTheNoteOfTheFileNowThere(@TempDir Path inbox) throws Exception {
        Path file = Files.writeString(inbox.resolve("r.json"), "{}");
        String path = file.toAbsolutePath().toString();
        waitingFiles.moveFailed(path, 5, 10, "done", "r.json", 100_000);
        // another instance moves it; a new file of the name is answered there and cannot be moved either
        Files.delete(file);
        Files.writeString(file, "{\"new\": 1}");
        WaitingFiles elsewhere = new WaitingFiles(null, 1_000, 0, 600_000);
        elsewhere.moveFailed(path, 7, 12, "done", "r.json", 100_000);
        assertThat(waitingFiles.takenAgainToMove(path, 7, 12))
                .as("the note of the file now there")
                .isPresent();
        assertThat(inbox.resolve(".r.json.answered")).exists();
    }

    /**
     * Black-box audit: the stuck file removed, and the same file dropped again with its date and size (cp -p), was
     * taken for the stuck one by the note it had left, and moved to .done/ without a result.
     */
    @Test
    void theSameFileDroppedAgainInPlaceOfAStuckOneIsANewRequest(@TempDir Path inbox) throws Exception {
        Path file = Files.writeString(inbox.resolve("order.json"), "{}");
        String path = file.toAbsolutePath().toString();
        waitingFiles.moveFailed(path, 5, 10, "done", "order.json", 100_000);
        Files.delete(file);
        Files.writeString(inbox.resolve("copy.json"), "{}");
        Files.move(inbox.resolve("copy.json"), file);

        WaitingFiles elsewhere = new WaitingFiles(null, 1_000, 0, 600_000);
        assertThat(elsewhere.takenAgainToMove(path, 5, 10))
                .as("another instance, by the note")
                .isEmpty();
        waitingFiles.moveFailed(path, 5, 10, "done", "order.json", 100_000);
        Files.delete(file);
        Files.writeString(file, "{}");
        assertThat(waitingFiles.takenAgainToMove(path, 5, 10))
                .as("this instance, by its memory")
                .isEmpty();
    }

    /**
     * Diff review: the note was written through a link planted at its name, overwriting the link's target; and what a
     * note names is where the file is moved, so a note of someone else's must not name another place.
     */
    @Test
    void aNoteIsNeitherWrittenThroughALinkNorReadAsAPlaceOutsideItsFolder(@TempDir Path inbox) throws Exception {
        Path file = Files.writeString(inbox.resolve("r.json"), "{");
        String path = file.toAbsolutePath().toString();
        Path victim = Files.writeString(inbox.resolve("victim.txt"), "precious");
        Files.createSymbolicLink(inbox.resolve(".r.json.answered"), victim);
        waitingFiles.moveFailed(path, 5, 10, "failed", "r.json", 100_000);
        assertThat(victim).hasContent("precious");
        assertThat(inbox.resolve(".r.json.answered")).isRegularFile();

        String identity = UnmovedNotes.identityOf(file);
        // the move goes to .VERDICT/KEPT_NAME: each part a plain name, the verdict one of the two (mutation audit: no
        // test planted a verdict or a name of ".." that leads out of the inbox)
        for (String[] place : new String[][] {
            {"failed", "../../elsewhere.json"}, {"failed", ".."}, {"done/../..", "r.json"}, {"..", "r.json"}
        }) {
            Files.writeString(
                    inbox.resolve(".r.json.answered"),
                    "{\"modified\":5,\"length\":10,\"verdict\":\"" + place[0] + "\",\"keptName\":\"" + place[1]
                            + "\",\"identity\":\"" + identity + "\"}");
            assertThat(new WaitingFiles(null, 1_000, 0, 600_000).takenAgainToMove(path, 5, 10))
                    .as(String.join(" ", place))
                    .isEmpty();
        }
        Files.writeString(
                inbox.resolve(".r.json.answered"),
                "{\"modified\":5,\"length\":10,\"verdict\":\"failed\",\"keptName\":\"r.json\",\"identity\":\""
                        + identity + "\"}");
        assertThat(new WaitingFiles(null, 1_000, 0, 600_000).takenAgainToMove(path, 5, 10))
                .as("a note that names a plain place")
                .isPresent();
    }

    /** Black-box audit: a file dropped again in place of a stuck one waited out the stuck one's whole wait. */
    @Test
    void aStuckFilesWaitEndsWhenAnotherFileTakesItsPlace(@TempDir Path inbox) throws Exception {
        String path = Files.writeString(inbox.resolve("s.json"), "{}")
                .toAbsolutePath()
                .toString();
        waitingFiles.moveFailed(path, 5, 10, "done", "s.json", 100_000);
        assertThat(waitingFiles.stillWaiting(path, 5, 10, 101_000))
                .as("the stuck file itself")
                .isTrue();
        assertThat(waitingFiles.stillWaiting(path, 7, 12, 101_500))
                .as("another file in its place")
                .isFalse();
    }
}
