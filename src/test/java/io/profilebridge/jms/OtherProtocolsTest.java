package io.profilebridge.jms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.profilebridge.Json;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.JMSSecurityException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TemporaryQueue;
import jakarta.jms.TextMessage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.qpid.jms.JmsConnectionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ESB clients that speak AMQP 1.0 (Qpid JMS) or OpenWire (the ActiveMQ Classic client) reach the embedded broker on
 * its one port, with the client account, exactly as the README shows. Before, the broker spoke CORE only.
 */
class OtherProtocolsTest {

    /** A low cap, so that a refused message is quick to send (the broker's own floor is 64 KiB). */
    private static final int MAX_MESSAGE_BYTES = 200 * 1024;

    @TempDir
    Path root;

    JmsBridgeRun jms;
    String hostAndPort;

    @BeforeEach
    void start() throws JMSException {
        jms = JmsBridgeRun.start(root, Map.of("bridge.jms.max-message-bytes", String.valueOf(MAX_MESSAGE_BYTES)));
        URI url = URI.create(jms.url);
        hostAndPort = url.getHost() + ":" + url.getPort();
    }

    @AfterEach
    void stop() throws JMSException {
        jms.close();
    }

    @Test
    void anAmqpClientSendsARequestAndReadsItsResult() throws Exception {
        assertThatThrownBy(() -> {
                    try (Connection anonymous = new JmsConnectionFactory("amqp://" + hostAndPort).createConnection()) {
                        anonymous.start();
                    }
                })
                .as("no anonymous AMQP clients")
                .isInstanceOf(JMSSecurityException.class);

        JmsConnectionFactory factory = new JmsConnectionFactory(
                JmsBridgeRun.CLIENT_USER, JmsBridgeRun.CLIENT_PASSWORD, "amqp://" + hostAndPort);
        try (Connection connection = factory.createConnection()) {
            connection.start();
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            TemporaryQueue replies = session.createTemporaryQueue();
            TextMessage request = session.createTextMessage("{\"email\": \"amqp@example.com\"}");
            request.setStringProperty("api", "orbit");
            request.setJMSCorrelationID("amqp-1");
            request.setJMSReplyTo(replies);
            try (MessageProducer producer = session.createProducer(session.createQueue(JmsBridgeRun.REQUESTS));
                    MessageConsumer consumer = session.createConsumer(replies)) {
                producer.send(request);
                Message result = consumer.receive(20_000);
                assertThat(result).isNotNull();
                assertThat(result.getJMSCorrelationID()).isEqualTo("amqp-1");
                assertThat(result.getStringProperty("outcome")).isEqualTo("succeeded");
                JsonNode document = Json.parse(((TextMessage) result).getText());
                assertThat(document.get("idempotencyKey").asText())
                        .isEqualTo(result.getStringProperty("idempotencyKey"));
                assertThat(document.get("profiles")).hasSize(1);
            }
        }
    }

    @Test
    void anOpenWireClientSendsARequestAndReadsItsResult() throws Exception {
        assertThatThrownBy(() -> {
                    try (javax.jms.Connection anonymous = new org.apache.activemq.ActiveMQConnectionFactory(
                                    "tcp://" + hostAndPort)
                            .createConnection()) {
                        anonymous.start();
                    }
                })
                .as("no anonymous OpenWire clients")
                .isInstanceOf(javax.jms.JMSSecurityException.class);

        var factory = new org.apache.activemq.ActiveMQConnectionFactory(
                JmsBridgeRun.CLIENT_USER, JmsBridgeRun.CLIENT_PASSWORD, "tcp://" + hostAndPort);
        try (javax.jms.Connection connection = factory.createConnection()) {
            connection.start();
            javax.jms.Session session = connection.createSession(false, javax.jms.Session.AUTO_ACKNOWLEDGE);
            javax.jms.TextMessage request = session.createTextMessage("{\"email\": \"openwire@example.com\"}");
            request.setStringProperty("api", "orbit");
            request.setJMSCorrelationID("openwire-1");
            try (javax.jms.MessageProducer producer =
                            session.createProducer(session.createQueue(JmsBridgeRun.REQUESTS));
                    javax.jms.MessageConsumer consumer =
                            session.createConsumer(session.createQueue("profile-bridge.results"))) {
                producer.send(request);
                javax.jms.Message result = consumer.receive(20_000);
                assertThat(result).isNotNull();
                assertThat(result.getJMSCorrelationID()).isEqualTo("openwire-1");
                assertThat(result.getStringProperty("outcome")).isEqualTo("succeeded");
            }
        }
    }

    /**
     * Big-bodies audit: an OpenWire message over the broker's journal record size (490 KiB) is made a large message,
     * a file in large-messages, before the gate sees it; a refused one left its file there until the next start, one
     * per refused send (10-21 MB each at the default cap), so an ESB retrying an oversize send filled the disk.
     */
    @Test
    void anOversizeOpenWireMessageIsRefusedAndLeavesNoFileBehind() throws Exception {
        var factory = new org.apache.activemq.ActiveMQConnectionFactory(
                JmsBridgeRun.CLIENT_USER, JmsBridgeRun.CLIENT_PASSWORD, "tcp://" + hostAndPort);
        try (javax.jms.Connection connection = factory.createConnection()) {
            connection.start();
            javax.jms.Session session = connection.createSession(false, javax.jms.Session.AUTO_ACKNOWLEDGE);
            javax.jms.BytesMessage bytes = session.createBytesMessage();
            bytes.writeBytes(new byte[600_000]);
            javax.jms.TextMessage text = session.createTextMessage("x".repeat(300_000));
            try (javax.jms.MessageProducer producer =
                    session.createProducer(session.createQueue(JmsBridgeRun.REQUESTS))) {
                for (javax.jms.Message oversize : List.of(bytes, text)) {
                    oversize.setStringProperty("api", "orbit");
                    assertThatThrownBy(() -> producer.send(oversize))
                            .isInstanceOf(javax.jms.JMSException.class)
                            .hasMessageContaining("bridge.jms.max-message-bytes");
                }
            }
        }
        Path largeMessages = root.resolve("data/artemis/large-messages");
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(files(largeMessages))
                        .as("large-messages after two refused sends")
                        .isEmpty());
        assertThat(jms.broker()
                        .activeServer()
                        .locateQueue(JmsBridgeRun.REQUESTS)
                        .getMessageCount())
                .isZero();
    }

    private static List<Path> files(Path folder) {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
