package io.profilebridge.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.profilebridge.job.OutboxBlocked;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile-files audit: a result is never written through a link, whether planted at its temporary name or in place of
 * one of the outbox's folders, and never outside the outbox.
 */
class OutboxLinksTest {

    @TempDir
    Path root;

    @Test
    void aLinkAtTheTemporaryNameIsRemovedAndWhatItPointsToIsLeftAlone() throws Exception {
        Path outbox = root.resolve("outbox");
        Files.createDirectories(outbox.resolve("orbit"));
        Path victim = Files.writeString(root.resolve("victim.txt"), "keep me");
        Files.createSymbolicLink(outbox.resolve("orbit/.a.json.part"), victim);

        deliver(outbox, "orbit/a.json");

        assertThat(victim).hasContent("keep me");
        assertThat(outbox.resolve("orbit/a.json")).isRegularFile().hasContent("{\"outcome\":\"succeeded\"}");
        assertThat(Files.isSymbolicLink(outbox.resolve("orbit/a.json"))).isFalse();
        assertThat(outbox.resolve("orbit/.a.json.part")).doesNotExist();
    }

    @Test
    void aFolderOfTheOutboxThatIsALinkRefusesTheResultNamingTheFolder() throws Exception {
        Path outbox = root.resolve("outbox");
        Files.createDirectories(outbox.resolve("failed"));
        Path elsewhere = Files.createDirectory(root.resolve("elsewhere"));
        Files.createSymbolicLink(outbox.resolve("failed/orbit"), elsewhere);

        assertThatThrownBy(() -> deliver(outbox, "failed/orbit/bad.json"))
                .isInstanceOf(CamelExecutionException.class)
                .satisfies(refusal -> assertThat(OutboxBlocked.why(refusal))
                        .as("blocked, never given up, and said so")
                        .hasValueSatisfying(why -> assertThat(why)
                                .contains(outbox.resolve("failed/orbit").toString(), "is a symbolic link")));
        assertThat(elsewhere).isEmptyDirectory();
    }

    /** Fsedges audit: the refusal came before a name was claimed, and the outbox's check stayed UP meanwhile. */
    @Test
    void aFolderThatIsALinkMakesTheOutboxCheckNameIt() throws Exception {
        Path outbox = root.resolve("outbox");
        Files.createDirectories(outbox);
        Files.createSymbolicLink(outbox.resolve("orbit"), Files.createDirectory(root.resolve("elsewhere")));
        DeliveryRefusals refusals = new DeliveryRefusals(Clock.systemUTC());
        ResultFiles results = new ResultFiles(outbox, refusals, "750", null);
        try (CamelContext camel = new DefaultCamelContext()) {
            Exchange exchange = new DefaultExchange(camel);
            exchange.getMessage().setBody("{\"outcome\":\"succeeded\"}");
            exchange.getMessage().setHeader(ResultHeaders.RESULT_FILE, "orbit/a.json");
            assertThatThrownBy(() -> results.claimName(exchange))
                    .satisfies(refusal -> exchange.setProperty(Exchange.EXCEPTION_CAUGHT, refusal));

            results.refused(exchange);
        }

        assertThat(refusals.refusal())
                .hasValueSatisfying(refusal -> assertThat(refusal.places()).isEqualTo("orbit"));
    }

    /** Fsedges audit: an outbox linked to a mount that is gone gave results up after the attempts. */
    @Test
    void anOutboxThatLinksToNothingIsBlockedNotGivenUp() throws Exception {
        Path outbox = Files.createSymbolicLink(root.resolve("outbox"), root.resolve("gone"));

        assertThatThrownBy(() -> deliver(outbox, "orbit/a.json"))
                .isInstanceOf(CamelExecutionException.class)
                .satisfies(refusal -> assertThat(OutboxBlocked.why(refusal))
                        .hasValue(outbox.toAbsolutePath() + " is a symbolic link to nothing"));
    }

    /**
     * A write cut short (a full disk) leaves its temporary file, with the umask's mode and part of the result in it: the
     * refusal removes it (constrained-host audit: 488 of them, 644, on a full outbox).
     */
    @Test
    void aRefusedWritesTemporaryFileIsRemoved() throws Exception {
        Path outbox = root.resolve("outbox");
        ResultFiles results = new ResultFiles(outbox, new DeliveryRefusals(Clock.systemUTC()), "750", null);
        try (CamelContext camel = new DefaultCamelContext()) {
            Exchange exchange = new DefaultExchange(camel);
            exchange.getMessage().setBody("{\"outcome\":\"succeeded\"}");
            exchange.getMessage().setHeader(ResultHeaders.RESULT_FILE, "orbit/a.json");
            results.claimName(exchange);
            Path temporary = Files.writeString(outbox.resolve("orbit/.a.json.part"), "{\"outco");
            exchange.setProperty(Exchange.EXCEPTION_CAUGHT, new java.io.IOException("No space left on device"));

            results.refused(exchange);

            assertThat(temporary).doesNotExist();
        }
    }

    /** Writes a result with the file endpoint of routes/deliver-result.camel.yaml. */
    private static void deliver(Path outbox, String relative) throws Exception {
        ResultFiles results = new ResultFiles(outbox, new DeliveryRefusals(Clock.systemUTC()), "750", null);
        try (CamelContext camel = new DefaultCamelContext()) {
            camel.getRegistry().bind("resultFiles", results);
            camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("direct:deliver")
                            .bean("resultFiles", "claimName")
                            .to("file:" + outbox + "?fileName=${header.bridgeResultFile}"
                                    + "&tempFileName=.${file:onlyname}.part&fileExist=TryRename&chmod=640")
                            .bean("resultFiles", "written");
                }
            });
            camel.start();
            camel.createProducerTemplate()
                    .sendBodyAndHeader(
                            "direct:deliver", "{\"outcome\":\"succeeded\"}", ResultHeaders.RESULT_FILE, relative);
        }
    }
}
