package io.profilebridge.jms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.profilebridge.BridgeRun;
import io.profilebridge.sandbox.Simulator;
import io.profilebridge.sandbox.SimulatorSettings;
import jakarta.jms.Connection;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.core.server.impl.AddressInfo;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Health audit: on an external broker that may not auto-create the bridge's queues, a requests queue missing made
 * Artemis' client fall back to {@code jms.queue.profile-bridge.requests}, which it created, and the bridge read there
 * with readiness UP while the ESB's requests sat unread. The queue is named exactly: its consumer is refused while it
 * is missing, jms-requests says so, and the requests are read once it is there.
 */
class MissingQueueTest {

    @TempDir
    Path root;

    Simulator simulator;
    EmbeddedActiveMQ externalBroker;
    Map<String, String> properties;

    @BeforeEach
    void start() throws Exception {
        simulator = Simulator.start(new SimulatorSettings().jobDurationMs(100));
        String url = "tcp://127.0.0.1:" + BridgeRun.freePort();
        AddressSettings noAutoCreate =
                new AddressSettings().setAutoCreateQueues(false).setAutoCreateAddresses(false);
        externalBroker = new EmbeddedActiveMQ()
                .setConfiguration(new ConfigurationImpl()
                        .setPersistenceEnabled(false)
                        .setSecurityEnabled(false)
                        .addAcceptorConfiguration("tcp", url)
                        .addAddressSetting("profile-bridge.#", noAutoCreate))
                .start();
        properties = BridgeRun.testProperties(root, simulator.baseUrl());
        properties.put("bridge.jms.enabled", "true");
        properties.put("bridge.jms.broker-url", url);
        properties.put("bridge.jms.redelivery-delay-ms", "0");
        properties.put("bridge.jms.max-delivery-attempts", "10");
    }

    @AfterEach
    void stop() throws Exception {
        externalBroker.stop();
        simulator.close();
    }

    @Test
    void aRequestsQueueTheBrokerDoesNotHaveIsReportedNotReplacedByAnotherName() throws Exception {
        for (String queue : new String[] {EsbBroker.RESULTS, EsbBroker.FAILED}) {
            createQueue(queue);
        }
        try (BridgeRun bridge = BridgeRun.start(root, properties)) {
            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> assertThat(
                                    check("jms-requests").path("status").asText())
                            .isEqualTo("DOWN"));
            assertThat(externalBroker.getActiveMQServer().locateQueue("jms.queue." + EsbBroker.REQUESTS))
                    .as("no queue of another name made in its place")
                    .isNull();

            createQueue(EsbBroker.REQUESTS);
            await().atMost(Duration.ofSeconds(60))
                    .untilAsserted(() -> assertThat(
                                    check("jms-requests").path("status").asText())
                            .isEqualTo("UP"));
        }
    }

    @Test
    void aResultsQueueTheBrokerDoesNotHaveIsReportedNotReplacedByAnotherName() throws Exception {
        createQueue(EsbBroker.REQUESTS);
        createQueue(EsbBroker.FAILED);
        try (BridgeRun bridge = BridgeRun.start(root, properties);
                ActiveMQConnectionFactory esb = new ActiveMQConnectionFactory(properties.get("bridge.jms.broker-url"));
                Connection connection = esb.createConnection();
                Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
                MessageProducer producer = session.createProducer(session.createQueue(EsbBroker.REQUESTS))) {
            TextMessage request = session.createTextMessage("{\"email\": \"q@example.com\"}");
            request.setStringProperty("api", "orbit");
            request.setJMSCorrelationID("missing-results-1");
            producer.send(request);
            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(
                            () -> assertThat(check("jms-results").path("status").asText())
                                    .isEqualTo("DOWN"));
            assertThat(externalBroker.getActiveMQServer().locateQueue("jms.queue." + EsbBroker.RESULTS))
                    .as("no queue of another name made in its place")
                    .isNull();
        }
    }

    private void createQueue(String name) throws Exception {
        externalBroker.getActiveMQServer().addAddressInfo(new AddressInfo(name).addRoutingType(RoutingType.ANYCAST));
        externalBroker
                .getActiveMQServer()
                .createQueue(QueueConfiguration.of(name)
                        .setRoutingType(RoutingType.ANYCAST)
                        .setDurable(true));
    }

    private JsonNode check(String name) throws Exception {
        return BridgeRun.readinessCheck(properties.get("camel.management.port"), name);
    }
}
