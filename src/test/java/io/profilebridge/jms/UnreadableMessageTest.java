package io.profilebridge.jms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.profilebridge.BridgeProcess;
import io.profilebridge.BridgeRun;
import io.profilebridge.Json;
import io.profilebridge.RedeliveryWindow;
import io.profilebridge.ResultTally;
import io.profilebridge.sandbox.Simulator;
import io.profilebridge.sandbox.SimulatorSettings;
import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.apache.activemq.artemis.api.core.ActiveMQException;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.api.core.client.ActiveMQClient;
import org.apache.activemq.artemis.api.core.client.ClientMessage;
import org.apache.activemq.artemis.api.core.client.ClientProducer;
import org.apache.activemq.artemis.api.core.client.ClientSession;
import org.apache.activemq.artemis.api.core.client.ClientSessionFactory;
import org.apache.activemq.artemis.api.core.client.ServerLocator;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Messages the bridge must not read whole or deserialize: an 80 MB request into a bridge with a 96 MB heap, and an
 * ObjectMessage. Before the fix the embedded broker stored any size and the bridge read every body whole, looping
 * on OutOfMemoryError with no result, ever; camel-jms deserialized every ObjectMessage.
 */
class UnreadableMessageTest {

    private static final int HUGE = 80_000_000;

    /** Set when a {@link Gadget} is deserialized anywhere in this JVM. */
    static final AtomicBoolean DESERIALIZED = new AtomicBoolean();

    /** Stands for the gadget classes of the classpath: any code in readObject runs on deserialization. */
    static final class Gadget implements Serializable {
        private static final long serialVersionUID = 1L;

        private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
            in.defaultReadObject();
            DESERIALIZED.set(true);
        }
    }

    @TempDir
    Path root;

    Simulator simulator;
    EmbeddedActiveMQ externalBroker;
    Process bridge;

    @BeforeEach
    void start() {
        simulator = Simulator.start(new SimulatorSettings().jobDurationMs(100));
    }

    @AfterEach
    void stop() throws Exception {
        if (bridge != null) {
            bridge.destroyForcibly().waitFor();
        }
        if (externalBroker != null) {
            externalBroker.stop();
        }
        simulator.close();
    }

    @Test
    void theEmbeddedBrokerRefusesAHugeMessageAtTheSenderAndTheBridgeCarriesOn() throws Exception {
        String url = "tcp://127.0.0.1:" + BridgeRun.freePort();
        Map<String, String> properties = BridgeRun.testProperties(root, simulator.baseUrl());
        properties.put("bridge.jms.enabled", "true");
        properties.put("bridge.jms.embedded-url", url);
        properties.put("bridge.jms.client-password", JmsBridgeRun.CLIENT_PASSWORD);
        properties.put("JDK_JAVA_OPTIONS", "-Xmx96m");
        Path log = root.resolve("bridge.log");
        bridge = BridgeProcess.start(properties, log);
        ConnectionFactory factory =
                new ActiveMQConnectionFactory(url, JmsBridgeRun.CLIENT_USER, JmsBridgeRun.CLIENT_PASSWORD);
        try (Connection connection =
                await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(factory::createConnection, c -> true)) {
            connection.start();
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            assertThatThrownBy(() -> send(session, request(session.createTextMessage("x".repeat(HUGE)), "huge-1")))
                    .isInstanceOf(JMSException.class)
                    .hasMessageContaining("bridge.jms.max-message-bytes");

            send(session, request(session.createTextMessage("{\"email\": \"after@example.com\"}"), "after-1"));
            Message result = receive(session, "profile-bridge.results", Duration.ofSeconds(60));
            assertThat(result)
                    .as(() -> "the next request's result; the bridge logged:\n" + tail(log))
                    .isNotNull();
            assertThat(result.getJMSCorrelationID()).isEqualTo("after-1");
        }
        assertThat(Files.readString(log)).doesNotContain("OutOfMemoryError").doesNotContain("Java heap space");
    }

    /**
     * Big-bodies audit: a CORE text body over 100 KiB, which the broker keeps as a large message, went past the gate's
     * decoding; one that does not decode failed in the bridge's client about once a minute for good, readiness
     * {@code jms-requests} DOWN, never reaching the DLQ. It is refused at the send now, as a small one is, and
     * leaves no file.
     */
    @Test
    void aLargeCoreTextMessageThatDoesNotDecodeIsRefusedAtTheSend() throws Exception {
        JmsBridgeRun jms = JmsBridgeRun.start(root, simulator, Map.of());
        try (CoreRequests requests = CoreRequests.open(jms.url, false)) {
            ClientSession core = requests.session();
            ClientProducer producer = requests.producer();
            ClientMessage brokenText = core.createMessage(org.apache.activemq.artemis.api.core.Message.TEXT_TYPE, true);
            brokenText.putStringProperty("api", "orbit");
            brokenText.getBodyBuffer().writeByte((byte) 1); // not null
            brokenText.getBodyBuffer().writeInt(400_000); // a length the body does not have
            brokenText.getBodyBuffer().writeBytes(new byte[200_000]);
            assertThatThrownBy(() -> producer.send(brokenText))
                    .isInstanceOf(ActiveMQException.class)
                    .hasMessageContaining("the body of this TextMessage cannot be decoded");

            Path largeMessages = root.resolve("data/artemis/large-messages");
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(files(largeMessages))
                            .as("large-messages after the refusal")
                            .isEmpty());

            // a large text that decodes still goes through, read once by the gate and once by the bridge
            ClientMessage largeText = core.createMessage(org.apache.activemq.artemis.api.core.Message.TEXT_TYPE, true);
            largeText.putStringProperty("api", "orbit");
            largeText.setCorrelationID("large-1");
            largeText
                    .getBodyBuffer()
                    .writeNullableSimpleString(
                            SimpleString.of("{\"email\": \"large@example.com\"" + " ".repeat(60_000) + "}"));
            producer.send(largeText);
            send(jms.session, request(jms.session.createTextMessage("{\"email\": \"after@example.com\"}"), "after-1"));
            List<String> results = new java.util.ArrayList<>();
            for (int i = 0; i < 2; i++) {
                Message result = receive(jms.session, "profile-bridge.results", Duration.ofSeconds(30));
                assertThat(result).as("a result after " + results).isNotNull();
                results.add(result.getJMSCorrelationID());
            }
            assertThat(results).containsExactlyInAnyOrder("large-1", "after-1");
        } finally {
            jms.stopBridge();
        }
    }

    /**
     * Re-check audit: a CORE client compressing large messages ({@code compressLargeMessages}) sent a text body that
     * does not decode as a large message carrying {@code _AMQ_LARGE_COMPRESSED}; the gate left it to the bridge's
     * client, where it failed every minute for good (and one announcing 300,000,000 bytes, stored as a file of
     * 290 KB, was inflated there: OutOfMemoryError). A compressed message is refused at the send now, and leaves no
     * file.
     */
    @Test
    void aCompressedLargeTextMessageIsRefusedAtTheSendAndLeavesNoFile() throws Exception {
        JmsBridgeRun jms = JmsBridgeRun.start(root, simulator, Map.of());
        try (CoreRequests requests = CoreRequests.open(jms.url, true)) {
            ClientSession core = requests.session();
            ClientProducer producer = requests.producer();
            byte[] incompressible = new byte[200_000];
            new java.util.Random(7).nextBytes(incompressible);
            ClientMessage brokenText = core.createMessage(org.apache.activemq.artemis.api.core.Message.TEXT_TYPE, true);
            brokenText.putStringProperty("api", "orbit");
            brokenText.getBodyBuffer().writeByte((byte) 1); // not null
            brokenText.getBodyBuffer().writeInt(400_000); // a length the body does not have
            brokenText.getBodyBuffer().writeBytes(incompressible); // still over 100 KiB compressed: a large message
            assertThatThrownBy(() -> producer.send(brokenText))
                    .isInstanceOf(ActiveMQException.class)
                    .hasMessageContaining(MessageGate.COMPRESSED);

            Path largeMessages = root.resolve("data/artemis/large-messages");
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(files(largeMessages))
                            .as("large-messages after the refusal")
                            .isEmpty());
        } finally {
            jms.stopBridge();
        }
    }

    /**
     * Re-check audit: a valid JSON TextMessage of 150 KB, sent compressed, shrank under 100 KiB and came as a regular
     * message with a compressed body; it was refused as "cannot be decoded (NegativeArraySizeException)", a reason
     * that sent its sender looking at the JSON. It is refused for what it is, and the bridge carries on.
     */
    @Test
    void aValidTextMessageSentCompressedIsRefusedForBeingCompressed() throws Exception {
        JmsBridgeRun jms = JmsBridgeRun.start(root, simulator, Map.of());
        try (CoreRequests requests = CoreRequests.open(jms.url, true)) {
            ClientSession core = requests.session();
            ClientProducer producer = requests.producer();
            ClientMessage json = core.createMessage(org.apache.activemq.artemis.api.core.Message.TEXT_TYPE, true);
            json.putStringProperty("api", "orbit");
            json.setCorrelationID("compressed-1");
            json.getBodyBuffer()
                    .writeNullableSimpleString(
                            SimpleString.of("{\"email\": \"compressed@example.com\"" + " ".repeat(75_000) + "}"));
            assertThatThrownBy(() -> producer.send(json))
                    .isInstanceOf(ActiveMQException.class)
                    .hasMessageContaining(MessageGate.COMPRESSED)
                    .hasMessageNotContaining("NegativeArraySizeException");

            send(jms.session, request(jms.session.createTextMessage("{\"email\": \"after@example.com\"}"), "after-1"));
            Message result = receive(jms.session, "profile-bridge.results", Duration.ofSeconds(30));
            assertThat(result).as("the plain request's result").isNotNull();
            assertThat(result.getJMSCorrelationID()).isEqualTo("after-1");
        } finally {
            jms.stopBridge();
        }
    }

    @Test
    void aHugeBytesMessageThroughAnExternalBrokerGetsOneFailedResultWithoutBeingRead() throws Exception {
        String url = startExternalBroker();
        Map<String, String> properties = externalBrokerBridge(url);
        properties.put("JDK_JAVA_OPTIONS", "-Xmx96m");
        Path log = root.resolve("bridge.log");
        ActiveMQConnectionFactory factory = new ActiveMQConnectionFactory(url);
        try (Connection connection = factory.createConnection();
                ResultTally tally = ResultTally.listen(factory, "profile-bridge.results", "profile-bridge.failed")) {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            BytesMessage huge = session.createBytesMessage();
            huge.writeBytes(new byte[HUGE]);
            send(session, request(huge, "huge-1"));
            bridge = BridgeProcess.start(properties, log);

            tally.assertExactlyOneEach(List.of("huge-1"), Duration.ofSeconds(90), RedeliveryWindow.of(properties));
            JsonNode error = Json.parse(tally.body("huge-1")).get("error");
            assertThat(error.get("code").asText()).isEqualTo("request_too_large");
            assertThat(error.get("message").asText())
                    .contains("has " + HUGE + " bytes")
                    .contains("bridge.request.max-bytes");
        } finally {
            factory.close();
        }
        assertThat(Files.readString(log)).doesNotContain("OutOfMemoryError").doesNotContain("Java heap space");
    }

    @Test
    void anObjectMessageThroughAnExternalBrokerIsRefusedWithoutBeingDeserialized() throws Exception {
        String url = startExternalBroker();
        try (Connection connection = new ActiveMQConnectionFactory(url).createConnection()) {
            connection.start();
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            send(session, request(session.createObjectMessage(new Gadget()), "object-1"));
            // the bridge in this JVM, so that a deserialization would show in DESERIALIZED
            try (BridgeRun inProcess = BridgeRun.start(root, externalBrokerBridge(url))) {
                TextMessage result = (TextMessage) receive(session, "profile-bridge.failed", Duration.ofSeconds(30));
                assertThat(result.getJMSCorrelationID()).isEqualTo("object-1");
                JsonNode error = Json.parse(result.getText()).get("error");
                assertThat(error.get("code").asText()).isEqualTo("request_type_unsupported");
                assertThat(error.get("message").asText()).contains("ObjectMessage");
            }
        }
        assertThat(DESERIALIZED).as("nothing the peer sent was deserialized").isFalse();
    }

    /** An external broker with no checks of its own: security off, no size limit, messages kept in memory. */
    private String startExternalBroker() throws Exception {
        String url = "tcp://127.0.0.1:" + BridgeRun.freePort();
        externalBroker = new EmbeddedActiveMQ()
                .setConfiguration(new ConfigurationImpl()
                        .setPersistenceEnabled(false)
                        .setSecurityEnabled(false)
                        .addAcceptorConfiguration("tcp", url))
                .start();
        return url;
    }

    private Map<String, String> externalBrokerBridge(String url) {
        Map<String, String> properties = BridgeRun.testProperties(root, simulator.baseUrl());
        properties.put("bridge.jms.enabled", "true");
        properties.put("bridge.jms.broker-url", url);
        // what that broker does (Artemis' defaults: redelivery at once, ten deliveries), for the RedeliveryWindow
        properties.put("bridge.jms.redelivery-delay-ms", "0");
        properties.put("bridge.jms.max-delivery-attempts", "10");
        return properties;
    }

    private static Message request(Message message, String correlationId) throws JMSException {
        message.setStringProperty("api", "orbit");
        message.setJMSCorrelationID(correlationId);
        return message;
    }

    private static void send(Session session, Message message) throws JMSException {
        try (MessageProducer producer = session.createProducer(session.createQueue(JmsBridgeRun.REQUESTS))) {
            producer.send(message);
        }
    }

    private static Message receive(Session session, String queue, Duration timeout) throws JMSException {
        try (MessageConsumer consumer = session.createConsumer(session.createQueue(queue))) {
            return consumer.receive(timeout.toMillis());
        }
    }

    /** A CORE client's producer on the requests queue, logged in as the ESB: no JMS client writes what it sends. */
    private record CoreRequests(
            ServerLocator locator, ClientSessionFactory factory, ClientSession session, ClientProducer producer)
            implements AutoCloseable {

        static CoreRequests open(String url, boolean compressLarge) throws Exception {
            ServerLocator locator = ActiveMQClient.createServerLocator(url).setCompressLargeMessage(compressLarge);
            ClientSessionFactory factory = locator.createSessionFactory();
            ClientSession session = factory.createSession(
                    JmsBridgeRun.CLIENT_USER, JmsBridgeRun.CLIENT_PASSWORD, false, true, true, false, 0);
            return new CoreRequests(locator, factory, session, session.createProducer(JmsBridgeRun.REQUESTS));
        }

        @Override
        public void close() throws Exception {
            producer.close();
            session.close();
            factory.close();
            locator.close();
        }
    }

    private static List<Path> files(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.toList();
        }
    }

    private static String tail(Path log) {
        try {
            String text = Files.readString(log);
            return text.substring(Math.max(0, text.length() - 6000));
        } catch (IOException e) {
            return e.toString();
        }
    }
}
