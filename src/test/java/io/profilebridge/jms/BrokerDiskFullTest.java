package io.profilebridge.jms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.profilebridge.BridgeRun;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Disk-full audit: over Artemis's max-disk-usage (90% by default) the embedded broker blocked every ESB send, while
 * every check stayed UP. A threshold of 1% makes the disk "full": the jms-broker readiness
 * check must then say so, naming the disk and the property. 1% (the least the property takes) of the test's disk is used
 * once the journal's 24 MiB are on it, on any disk smaller than 2.4 GB, and by much else on any real one.
 */
class BrokerDiskFullTest {

    @TempDir
    Path root;

    @Test
    void anEmbeddedBrokerOverItsDiskUsageMakesReadinessDownNamingTheDiskAndTheProperty() throws Exception {
        try (JmsBridgeRun jms = JmsBridgeRun.start(root, Map.of("bridge.jms.max-disk-usage", "1"), false)) {
            String port = jms.properties.get("camel.management.port");
            // Artemis looks at its disk every 5 s
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> "DOWN".equals(brokerCheck(port).path("status").asText()));
            assertThat(brokerCheck(port).path("message").asText())
                    .contains("the embedded broker takes no message")
                    .contains("over bridge.jms.max-disk-usage (1%)")
                    .contains("artemis");
        }
    }

    private static JsonNode brokerCheck(String port) throws Exception {
        return BridgeRun.readinessCheck(port, "jms-broker");
    }
}
