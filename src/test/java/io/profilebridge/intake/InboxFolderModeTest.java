package io.profilebridge.intake;

import static io.profilebridge.BridgeRun.drop;
import static io.profilebridge.BridgeRun.results;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.profilebridge.BridgeRun;
import io.profilebridge.sandbox.Simulator;
import io.profilebridge.sandbox.SimulatorSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The inbox folders the bridge makes are writable by the group of those who drop requests (deploy audit: made with the
 * process's umask, 755, so a producer in the shared volume's group could not drop a file into inbox/orbit).
 */
class InboxFolderModeTest {

    @TempDir
    Path root;

    @Test
    void theInboxFoldersTheBridgeMakesHaveTheInboxFolderMode() throws Exception {
        try (Simulator simulator = Simulator.start(new SimulatorSettings().jobDurationMs(100))) {
            Map<String, String> properties = BridgeRun.testProperties(root, simulator.baseUrl());
            Path inbox = BridgeRun.inbox(root);
            try (BridgeRun bridge = BridgeRun.start(root, properties)) {
                drop(root, "orbit/ok.json", "{\"email\": \"ok@example.com\"}");
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> results(root).size() == 1 && Files.exists(inbox.resolve("orbit/.done/ok.json")));
            }
            for (Path folder : List.of(
                    inbox, inbox.resolve("orbit"), inbox.resolve("openprospect"), inbox.resolve("orbit/.done"))) {
                assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(folder)))
                        .as(folder.toString())
                        .isEqualTo("rwxrwx---");
            }
        }
    }
}
