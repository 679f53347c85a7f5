package io.profilebridge.jms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.profilebridge.BridgeRun;
import io.profilebridge.CapturedLog;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.JMSSecurityException;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.activemq.artemis.api.core.ActiveMQException;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.api.core.client.ActiveMQClient;
import org.apache.activemq.artemis.api.core.client.ClientMessage;
import org.apache.activemq.artemis.api.core.client.ClientProducer;
import org.apache.activemq.artemis.api.core.client.ClientSession;
import org.apache.activemq.artemis.api.core.client.ClientSessionFactory;
import org.apache.activemq.artemis.api.core.client.ServerLocator;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded broker refuses anonymous and unknown clients, lets the ESB account only send requests and read
 * results, refuses ObjectMessages and oversized messages, and listens on loopback. Before the fix it took
 * anonymous connections, let anyone read any queue, and stored whatever it was sent.
 */
class EmbeddedBrokerSecurityTest {

    @TempDir
    Path root;

    JmsBridgeRun jms;

    @AfterEach
    void stop() throws JMSException {
        if (jms != null) {
            jms.close();
        }
    }

    @Test
    void onlyTheConfiguredAccountsGetInAndTheEsbCanOnlySendRequestsAndReadResults() throws Exception {
        jms = JmsBridgeRun.start(root, Map.of());
        assertThatThrownBy(() -> new ActiveMQConnectionFactory(jms.url)
                        .createConnection()
                        .close())
                .isInstanceOf(JMSSecurityException.class);
        assertThatThrownBy(() -> new ActiveMQConnectionFactory(jms.url, JmsBridgeRun.CLIENT_USER, "guessed")
                        .createConnection()
                        .close())
                .isInstanceOf(JMSSecurityException.class);

        Session session = jms.session;
        assertThatThrownBy(() -> session.createConsumer(session.createQueue(JmsBridgeRun.REQUESTS))
                        .close())
                .as("reading other clients' requests")
                .isInstanceOf(JMSSecurityException.class);
        assertThatThrownBy(() -> {
                    try (MessageProducer producer =
                            session.createProducer(session.createQueue("profile-bridge.results"))) {
                        producer.send(session.createTextMessage("{\"outcome\": \"succeeded\"}"));
                    }
                })
                .as("forging results")
                .isInstanceOf(JMSSecurityException.class);
        try (MessageConsumer results = session.createConsumer(session.createQueue("profile-bridge.results"));
                MessageConsumer deadLetters =
                        session.createConsumer(session.createQueue(EmbeddedBroker.DEAD_LETTER_QUEUE))) {
            assertThat(results.receiveNoWait()).isNull();
            assertThat(deadLetters.receiveNoWait()).isNull();
        }
        // OpenShift audit: in a data folder shared with a group, the journal's files could be read by other users
        assertThat(java.nio.file.Files.getPosixFilePermissions(root.resolve("data/artemis")))
                .isEqualTo(java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
    }

    /**
     * AMQP audit: the ESB account could make a queue of its own on the results address (an AMQP "address::queue"
     * receiver), which then took the results from every other reader, and read the broker's notifications of every
     * client. Both are refused; a reply queue of its own it still makes and reads.
     */
    @Test
    void theEsbMakesNoQueueOnTheResultsAddressesAndReadsNoNotifications() throws Exception {
        jms = JmsBridgeRun.start(root, Map.of());
        Session session = jms.session;
        for (String address :
                List.of("profile-bridge.results", "profile-bridge.failed", EmbeddedBroker.DEAD_LETTER_QUEUE)) {
            assertThatThrownBy(() -> session.createConsumer(session.createQueue(address + "::esb-own"))
                            .close())
                    .as(address)
                    .isInstanceOf(JMSSecurityException.class);
        }
        assertThatThrownBy(() -> session.createConsumer(session.createTopic("activemq.notifications"))
                        .close())
                .isInstanceOf(JMSSecurityException.class);
        try (MessageConsumer replies = session.createConsumer(session.createQueue("esb.replies.own"))) {
            assertThat(replies.receiveNoWait()).isNull();
        }
        // AMQP audit: an address an AMQP client made by attaching a receiver without capabilities was MULTICAST, and
        // refused the bridge's reply sent there
        var made = jms.broker().activeServer().getAddressSettingsRepository().getMatch("esb.replies.amqp");
        assertThat(made.getDefaultAddressRoutingType()).isEqualTo(RoutingType.ANYCAST);
        assertThat(made.getDefaultQueueRoutingType()).isEqualTo(RoutingType.ANYCAST);
    }

    @Test
    void objectMessagesAndOversizedMessagesAreRefusedAtTheBroker() throws Exception {
        jms = JmsBridgeRun.start(root, Map.of("bridge.jms.max-message-bytes", "200000"));
        Session session = jms.session;
        assertThatThrownBy(() -> jms.send(session.createObjectMessage(new java.util.ArrayList<String>())))
                .isInstanceOf(JMSException.class)
                .hasMessageContaining("ObjectMessage is not accepted");
        assertThatThrownBy(() -> jms.send(session.createTextMessage("x".repeat(150_000))))
                .isInstanceOf(JMSException.class)
                .hasMessageContaining("bridge.jms.max-message-bytes");
        assertThat(jms.broker()
                        .activeServer()
                        .locateQueue(JmsBridgeRun.REQUESTS)
                        .getMessageCount())
                .isZero();
        // flood audit: by Artemis's default, half the heap held messages before any paged to disk
        assertThat(jms.broker().activeServer().getConfiguration().getGlobalMaxSize())
                .isEqualTo(Runtime.getRuntime().maxMemory() / 8);
    }

    /**
     * JMS audit: a CORE message the JMS client cannot make a message of (a type no JMS message has, a text body that
     * does not decode) failed in the bridge's client before it was seen, never reached the DLQ, and kept readiness
     * DOWN while its consumer was recreated every minute. The broker refuses it at the send now.
     */
    @Test
    void aCoreRequestNoJmsClientCouldReadIsRefusedAtTheBroker() throws Exception {
        jms = JmsBridgeRun.start(root, Map.of());
        try (ServerLocator locator = ActiveMQClient.createServerLocator(jms.url);
                ClientSessionFactory factory = locator.createSessionFactory();
                ClientSession core = factory.createSession(
                        JmsBridgeRun.CLIENT_USER, JmsBridgeRun.CLIENT_PASSWORD, false, true, true, false, 0);
                ClientProducer producer = core.createProducer(JmsBridgeRun.REQUESTS)) {
            ClientMessage oddType = core.createMessage((byte) 42, true);
            oddType.getBodyBuffer().writeNullableSimpleString(SimpleString.of("{}"));
            assertThatThrownBy(() -> producer.send(oddType))
                    .isInstanceOf(ActiveMQException.class)
                    .hasMessageContaining("a CORE message of type 42 is no JMS message");

            ClientMessage brokenText = core.createMessage(org.apache.activemq.artemis.api.core.Message.TEXT_TYPE, true);
            brokenText.getBodyBuffer().writeByte((byte) 1); // not null
            brokenText.getBodyBuffer().writeInt(1_000_000); // a length the body does not have
            brokenText.getBodyBuffer().writeByte((byte) 7);
            assertThatThrownBy(() -> producer.send(brokenText))
                    .isInstanceOf(ActiveMQException.class)
                    .hasMessageContaining("the body of this TextMessage cannot be decoded");

            ClientMessage fine = core.createMessage(org.apache.activemq.artemis.api.core.Message.TEXT_TYPE, true);
            fine.putStringProperty("api", "orbit");
            fine.setCorrelationID("core-fine");
            fine.getBodyBuffer().writeNullableSimpleString(SimpleString.of("{\"email\": \"core@example.com\"}"));
            producer.send(fine);

            // re-check audit: a JMSReplyTo of bytes failed every delivery in the client and went to the DLQ, no result
            ClientMessage bytesReplyTo =
                    core.createMessage(org.apache.activemq.artemis.api.core.Message.TEXT_TYPE, true);
            bytesReplyTo.putStringProperty("api", "orbit");
            bytesReplyTo.setCorrelationID("core-bytes-reply");
            bytesReplyTo.putBytesProperty("JMSReplyTo", "replies".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            bytesReplyTo
                    .getBodyBuffer()
                    .writeNullableSimpleString(SimpleString.of("{\"email\": \"core2@example.com\"}"));
            producer.send(bytesReplyTo);
        }
        jakarta.jms.Message result = jms.receive("profile-bridge.results");
        assertThat(result).as("a well-made CORE text request goes through").isNotNull();
        assertThat(result.getJMSCorrelationID()).isEqualTo("core-fine");
        jakarta.jms.Message refused = jms.receive("profile-bridge.failed");
        assertThat(refused).isNotNull();
        assertThat(refused.getJMSCorrelationID()).isEqualTo("core-bytes-reply");
        assertThat(((jakarta.jms.TextMessage) refused).getText()).contains("reply_to_invalid");
    }

    /**
     * JMS audit: in a transaction the refused send got no answer, the commit succeeded, the refused message was gone
     * and the others of the transaction went on. The commit fails now, and none of them is taken.
     */
    @Test
    void aTransactionHoldingARefusedMessageFailsAtItsCommit() throws Exception {
        jms = JmsBridgeRun.start(root, Map.of());
        try (Session transacted = jms.connection.createSession(true, Session.SESSION_TRANSACTED);
                MessageProducer producer = transacted.createProducer(transacted.createQueue(JmsBridgeRun.REQUESTS))) {
            producer.send(transacted.createObjectMessage(new java.util.ArrayList<String>()));
            TextMessage valid = transacted.createTextMessage("{\"email\": \"tx@example.com\"}");
            valid.setStringProperty("api", "orbit");
            producer.send(valid);
            assertThatThrownBy(transacted::commit)
                    .isInstanceOf(JMSException.class)
                    .hasStackTraceContaining("ObjectMessage is not accepted");
        }
        assertThat(jms.broker()
                        .activeServer()
                        .locateQueue(JmsBridgeRun.REQUESTS)
                        .getMessagesAdded())
                .as("nothing of the transaction reached the requests queue")
                .isZero();
    }

    @Test
    void itListensOnLoopbackAndKeepsGeneratedPasswordsAcrossRestarts() throws Exception {
        int port = BridgeRun.freePort();
        // no client password configured: one is generated and kept in the data folder, for the owner only
        Map<String, String> noPassword =
                Map.of("bridge.jms.embedded-url", "tcp://localhost:" + port, "bridge.jms.client-password", "");
        try (CapturedLog log = CapturedLog.start()) {
            jms = JmsBridgeRun.start(root, noPassword, false);
            // the start-up log names the address really bound (localhost resolved) and the clients' user
            assertThat(log.lines())
                    .anyMatch(line -> line.contains("embedded Artemis on tcp://127.0.0.1:" + port
                            + " (AMQP, CORE, OPENWIRE); ESB clients log in as \"esb\""));
        }
        Path file = root.resolve("data").resolve(BrokerAccounts.FILE);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-------");
        Properties kept = new Properties();
        try (var reader = Files.newBufferedReader(file)) {
            kept.load(reader);
        }
        String password = kept.getProperty("client.password");
        assertThat(password).hasSizeGreaterThan(20);
        jms.stopBridge();

        jms = JmsBridgeRun.start(root, jms.simulator, noPassword, false);
        try (Connection connection =
                new ActiveMQConnectionFactory(jms.url, JmsBridgeRun.CLIENT_USER, password).createConnection()) {
            connection.start();
        }
    }
}
