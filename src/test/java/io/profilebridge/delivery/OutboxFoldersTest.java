package io.profilebridge.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.profilebridge.FolderMaker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Deployment audit: on a Kubernetes volume with an fsGroup (folders setgid to that group), Camel's chmodDirectory made
 * the outbox folders 750 and cleared the setgid bit, so the results in them belonged to group 0 and readers relying on
 * the fsGroup could not read them. The folders a result needs are made with the folder mode and keep the setgid bit.
 */
class OutboxFoldersTest {

    private static final int SETGID = 02000;

    @TempDir
    Path root;

    @Test
    void aResultsNewFoldersKeepTheirParentsSetgidBitThroughCamelsWrite() throws Exception {
        Path shared = root.resolve("shared");
        Files.createDirectory(shared);
        Files.setAttribute(shared, "unix:mode", 02770);
        assumeTrue((mode(shared) & SETGID) != 0, "this file system keeps a folder's setgid bit");
        Path outbox = shared.resolve("outbox");
        ResultFiles results = new ResultFiles(outbox, new DeliveryRefusals(Clock.systemUTC()), "750", null);

        try (CamelContext camel = new DefaultCamelContext()) {
            camel.getRegistry().bind("resultFiles", results);
            camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    // the file endpoint of routes/deliver-result.camel.yaml, with and without the folders made first
                    String file =
                            "file:" + outbox + "?fileName=${header.bridgeResultFile}&chmod=640&chmodDirectory=750";
                    from("direct:deliver").bean("resultFiles", "claimName").to(file);
                    from("direct:camel-alone").to(file);
                }
            });
            camel.start();
            camel.createProducerTemplate()
                    .sendBodyAndHeader("direct:deliver", "{}", ResultHeaders.RESULT_FILE, "failed/orbit/a.json");
            camel.createProducerTemplate()
                    .sendBodyAndHeader("direct:camel-alone", "{}", ResultHeaders.RESULT_FILE, "openprospect/b.json");
        }

        assertThat(mode(outbox)).isEqualTo(02750);
        assertThat(mode(outbox.resolve("failed"))).isEqualTo(02750);
        assertThat(mode(outbox.resolve("failed/orbit"))).isEqualTo(02750);
        assertThat(mode(outbox.resolve("failed/orbit/a.json"))).isEqualTo(0640);
        // what Camel does alone: the folder mode without the setgid bit (the finding)
        assertThat(mode(outbox.resolve("openprospect"))).isEqualTo(0750);
    }

    @Test
    void aFolderWithoutSetgidParentGetsTheModeAndAnExistingFolderKeepsItsOwn() throws IOException {
        Files.setAttribute(root, "unix:mode", 0700);
        Path outbox = root.resolve("outbox");
        Files.createDirectory(outbox);
        Files.setAttribute(outbox, "unix:mode", 0770);
        FolderMaker folders = new FolderMaker("750");

        folders.make(outbox.resolve("orbit"));
        folders.make(outbox.resolve("orbit"));

        assertThat(mode(outbox)).isEqualTo(0770);
        assertThat(mode(outbox.resolve("orbit"))).isEqualTo(0750);
    }

    private static int mode(Path path) throws IOException {
        return (Integer) Files.getAttribute(path, "unix:mode") & 07777;
    }
}
