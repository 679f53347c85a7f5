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
