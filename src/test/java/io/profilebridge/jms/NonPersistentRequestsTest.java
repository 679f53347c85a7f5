package io.profilebridge.jms;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.jms.DeliveryMode;
import jakarta.jms.Message;
import jakarta.jms.MessageProducer;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * JMS audit: a request sent NON_PERSISTENT lived in the embedded broker's memory only, and those still waiting in the
 * queue were lost when the bridge stopped (505 of 1,763 at a SIGTERM). The broker keeps every request durable.
 */
class NonPersistentRequestsTest {

    @TempDir
    Path root;

    @Test
    void requestsSentNonPersistentOutliveAStopOfTheBridge() throws Exception {
        JmsBridgeRun first = JmsBridgeRun.start(root, Map.of());
        // the requests wait in the queue: nobody reads it until the restart
        first.bridge.context().getRouteController().stopRoute("jms-requests");
        try (MessageProducer producer =
                first.session.createProducer(first.session.createQueue(JmsBridgeRun.REQUESTS))) {
            producer.setDeliveryMode(DeliveryMode.NON_PERSISTENT);
            for (int i = 0; i < 3; i++) {
                Message request = first.session.createTextMessage("{\"email\": \"waiting" + i + "@example.com\"}");
                request.setStringProperty("api", "orbit");
                request.setJMSCorrelationID("waiting-" + i);
                producer.send(request);
            }
        }
        first.stopBridge();

        try (JmsBridgeRun restarted =
                JmsBridgeRun.start(root, first.simulator, Map.of("bridge.jms.embedded-url", first.url))) {
            Set<String> answered = new HashSet<>();
            for (int i = 0; i < 3; i++) {
                Message result = restarted.receive("profile-bridge.results");
                assertThat(result).as("result %d of 3", i + 1).isNotNull();
                answered.add(result.getJMSCorrelationID());
            }
            assertThat(answered).containsExactlyInAnyOrder("waiting-0", "waiting-1", "waiting-2");
        }
    }
}
