package io.profilebridge.intake;

import static org.assertj.core.api.Assertions.assertThat;

import io.profilebridge.LogCapture;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.camel.Exchange;
import org.apache.camel.component.file.FileConsumer;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile-files audit: a request file written over while it was taken in was moved to .done unread, and its request
 * went unanswered without a word. The move still takes it (Camel's file consumer expects a name written only once it
 * has left the inbox); a warning says what happened and what to do.
 */
class FileChangedWhileTakenTest {

    @TempDir
    Path inbox;

    @Test
    void aFileWrittenOverAfterItWasReadIsNamedWhenItIsMoved() throws Exception {
        Path file = Files.writeString(inbox.resolve("a.json"), "{\"email\": \"a@example.com\"}");
        try (DefaultCamelContext camel = new DefaultCamelContext();
                LogCapture logs = LogCapture.start()) {
            Exchange exchange = new DefaultExchange(camel);
            exchange.getMessage().setBody(FileConsumer.asGenericFile(inbox.toString(), file.toFile(), null, false));
            exchange.setProperty(RequestAcceptance.READ_AS, FileAsRead.of(file).orElseThrow());

            RequestAcceptance.reportChangedSinceRead(exchange, "done", "a.json");
            assertThat(logs.lines()).as("unchanged").noneMatch(line -> line.contains("changed while"));

            Files.writeString(file, "{\"email\": \"another.person@example.com\"}");
            RequestAcceptance.reportChangedSinceRead(exchange, "done", "a.json");
            assertThat(logs.lines())
                    .filteredOn(line -> line.contains("a.json changed while it was taken in"))
                    .singleElement()
                    .asString()
                    .contains("WARN", "(26 bytes)", "(39 bytes) goes to .done/a.json with it, unread");
        }
    }
}
