package io.profilebridge.intake;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.camel.Exchange;
import org.apache.camel.component.file.GenericFile;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** When the read lock notes an answered inbox file as not moved, at the end of its commit. */
class InboxReadLockTest {

    @TempDir
    Path inbox;

    private final InboxReadLock lock = new InboxReadLock(new WaitingFiles(null, 0, 0, 60_000), 0);

    @Test
    void anAnsweredFileStillInPlaceWithNothingWhereItWasToGoIsNoted() throws Exception {
        Path file = Files.writeString(inbox.resolve("a.json"), "{}");
        Exchange exchange = answered("done", "a.json");
        lock.releaseExclusiveReadLockOnCommit(null, listed(file), exchange);
        assertThat(inbox.resolve(".a.json.answered")).exists();
        assertThat(InboxReadLock.noted(exchange))
                .as("told to the exception handler")
                .isTrue();
    }

    /** Diff review: a file dropped again under the name just after a move that worked was noted, and never answered. */
    @Test
    void aFileDroppedAgainAfterAMoveThatWorkedIsNotNoted() throws Exception {
        Files.createDirectories(inbox.resolve(".done"));
        Files.writeString(inbox.resolve(".done/a.json"), "{}");
        Path again = Files.writeString(inbox.resolve("a.json"), "{}");
        Exchange exchange = answered("done", "a.json");
        lock.releaseExclusiveReadLockOnCommit(null, listed(again), exchange);
        assertThat(inbox.resolve(".a.json.answered")).doesNotExist();
        assertThat(InboxReadLock.noted(exchange)).isFalse();
    }

    @Test
    void aFileNotAnsweredIsNotNoted() throws Exception {
        Path file = Files.writeString(inbox.resolve("a.json"), "{}");
        lock.releaseExclusiveReadLockOnCommit(null, listed(file), new DefaultExchange(new DefaultCamelContext()));
        assertThat(inbox.resolve(".a.json.answered")).doesNotExist();
    }

    @Test
    void aFileTakenAgainOnlyToBeMovedLosesItsNoteOnceMovedNotBefore() throws Exception {
        WaitingFiles waitingFiles = new WaitingFiles(null, 0, 0, 60_000);
        InboxReadLock reading = new InboxReadLock(waitingFiles, 0);
        Path file = Files.writeString(inbox.resolve("a.json"), "{}");
        waitingFiles.moveFailed(file.toString(), 5, 10, "done", "a.json", 100_000);
        Path note = inbox.resolve(".a.json.answered");

        Exchange stillThere = answered("done", "a.json");
        stillThere.setProperty(RequestAcceptance.MOVE_ONLY, true);
        reading.releaseExclusiveReadLockOnCommit(null, listed(file), stillThere);
        assertThat(note).as("the move failed again").exists();

        GenericFile<File> taken = listed(file);
        Files.createDirectories(inbox.resolve(".done"));
        Files.move(file, inbox.resolve(".done/a.json"));
        Exchange moved = answered("done", "a.json");
        moved.setProperty(RequestAcceptance.MOVE_ONLY, true);
        reading.releaseExclusiveReadLockOnCommit(null, taken, moved);
        assertThat(note).doesNotExist();
    }

    private static Exchange answered(String verdict, String keptName) {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.getMessage().setHeader(RequestAcceptance.VERDICT, verdict);
        exchange.getMessage().setHeader(RequestAcceptance.KEPT_NAME, keptName);
        return exchange;
    }

    private static GenericFile<File> listed(Path path) throws Exception {
        GenericFile<File> file = new GenericFile<>();
        file.setFile(path.toFile());
        file.setAbsolute(true);
        file.setAbsoluteFilePath(path.toAbsolutePath().toString());
        file.setLastModified(Files.getLastModifiedTime(path).toMillis());
        file.setFileLength(Files.size(path));
        return file;
    }
}
