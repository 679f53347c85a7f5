package io.profilebridge.sandbox;

import static io.profilebridge.BridgeRun.results;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.profilebridge.BridgeRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo's inbox folders, made as it copies the samples in, have the inbox folder mode as a plain start's do. */
class DemoInboxFolderModeTest {

    @TempDir
    Path root;

    @Test
    void theDemosInboxFoldersHaveTheInboxFolderMode() throws Exception {
        Map<String, String> properties = BridgeRun.testProperties(root, "http://127.0.0.1:9");
        int port = BridgeRun.freePort();
        properties.put("sandbox.enabled", "true");
        properties.put("sandbox.port", Integer.toString(port));
        properties.put("sandbox.job-duration-ms", "100");
        properties.put("sandbox.demo-samples", "file:samples");
        properties.put("openprospect.base-url", "http://127.0.0.1:" + port);
        properties.put("orbit.base-url", "http://127.0.0.1:" + port);
        try (BridgeRun bridge = BridgeRun.start(root, properties)) {
            await().atMost(Duration.ofSeconds(30)).until(() -> results(root).size() == 9);
        }
        Path inbox = BridgeRun.inbox(root);
        for (Path folder : List.of(inbox, inbox.resolve("orbit"), inbox.resolve("openprospect"))) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(folder)))
                    .as(folder.toString())
                    .isEqualTo("rwxrwx---");
        }
    }
}
