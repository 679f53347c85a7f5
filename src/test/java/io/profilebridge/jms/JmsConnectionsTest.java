package io.profilebridge.jms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import io.profilebridge.CapturedLog;
import jakarta.jms.JMSException;
import jakarta.jms.MessageConsumer;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bridge keeps its broker connection: an idle bridge opens none and logs nothing, and results reuse the pooled
 * one. Before the fix the request consumers reopened a connection and session every second (a lazily created
 * JmsTransactionManager turned the listener container's cache off), each with audit log lines, and every result
 * opened a connection of its own.
 */
class JmsConnectionsTest {

    @TempDir
    Path root;
    JmsBridgeRun jms;

    @AfterEach
    void stop() throws JMSException {
        jms.close();
    }

    @Test
    void anIdleBridgeOpensNoConnectionAndLogsNothingAndResultsReuseThePool() throws Exception {
        jms = JmsBridgeRun.start(root, Map.of());
        jms.send("{\"email\": \"first@example.com\"}", Map.of("api", "orbit"), null, "first");
        assertThat(jms.receive("profile-bridge.results")).isNotNull();
        ActiveMQServer server = jms.broker().activeServer();
        long opened = server.getTotalConnectionCount();

        try (CapturedLog log = CapturedLog.start()) {
            await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5))
                    .until(() -> server.getTotalConnectionCount() == opened);
            assertThat(log.lines()).as("an idle bridge logs nothing").isEmpty();
        }

        try (MessageConsumer results = jms.session.createConsumer(jms.session.createQueue("profile-bridge.results"))) {
            for (int i = 0; i < 5; i++) {
                jms.send("{\"email\": \"person" + i + "@example.com\"}", Map.of("api", "orbit"), null, "c-" + i);
            }
            for (int i = 0; i < 5; i++) {
                assertThat(results.receive(20_000)).isNotNull();
            }
        }
        assertThat(server.getTotalConnectionCount()).as("connections opened by five results").isEqualTo(opened);
    }
}
