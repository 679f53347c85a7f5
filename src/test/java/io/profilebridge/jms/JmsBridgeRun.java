package io.profilebridge.jms;

import io.profilebridge.BackgroundStart;
import io.profilebridge.BridgeRun;
import io.profilebridge.ResultTally;
import io.profilebridge.sandbox.Simulator;
import io.profilebridge.sandbox.SimulatorSettings;
import jakarta.jms.Connection;
import jakarta.jms.Destination;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

/**
 * The bridge with its embedded broker on a free port, the simulators behind it, and an ESB client logged in with
 * the client account: what every JMS test starts from.
 */
final class JmsBridgeRun implements AutoCloseable {

    static final String CLIENT_USER = "esb";
    static final String CLIENT_PASSWORD = "esb-test-password";
    static final String REQUESTS = "profile-bridge.requests";

    final Simulator simulator;
    final BridgeRun bridge;
    final String url;
    final Map<String, String> properties;
    final ActiveMQConnectionFactory esb;
    final Connection connection;
    final Session session;

    private JmsBridgeRun(
            Simulator simulator, BridgeRun bridge, String url, Map<String, String> properties, boolean connect)
            throws JMSException {
        this.simulator = simulator;
        this.bridge = bridge;
        this.url = url;
        this.properties = properties;
        this.esb = new ActiveMQConnectionFactory(url, CLIENT_USER, CLIENT_PASSWORD);
        this.connection = connect ? esb.createConnection() : null;
        if (connect) {
            connection.start();
        }
        this.session = connect ? connection.createSession(false, Session.AUTO_ACKNOWLEDGE) : null;
    }

    /** The bridge on {@code root}, with {@code overrides} on top of the test properties, and a client logged in. */
    static JmsBridgeRun start(Path root, Map<String, String> overrides) throws JMSException {
        return start(root, overrides, true);
    }

    static JmsBridgeRun start(Path root, Map<String, String> overrides, boolean connect) throws JMSException {
        Simulator simulator = Simulator.start(
                SimulatorSettings.fromProperties(Map.of("sandbox.port", "0", "sandbox.job-duration-ms", "200")::get));
        return start(root, simulator, overrides, connect);
    }

    /** Another bridge run on the same simulator and folders (a restart); the port is taken from the overrides. */
    static JmsBridgeRun start(Path root, Simulator simulator, Map<String, String> overrides) throws JMSException {
        return start(root, simulator, overrides, true);
    }

    static JmsBridgeRun start(Path root, Simulator simulator, Map<String, String> overrides, boolean connect)
            throws JMSException {
        Map<String, String> properties = BridgeRun.testProperties(root, simulator.baseUrl());
        properties.put("bridge.jms.enabled", "true");
        properties.put("bridge.jms.embedded-url", "tcp://127.0.0.1:" + BridgeRun.freePort());
        properties.put("bridge.jms.client-password", CLIENT_PASSWORD);
        // a redelivery within a test's patience, and a short window for counting results (RedeliveryWindow)
        properties.put("bridge.jms.max-delivery-attempts", "3");
        properties.put("bridge.jms.redelivery-delay-ms", "100");
        properties.putAll(overrides);
        BridgeRun bridge = BridgeRun.start(root, properties);
        return new JmsBridgeRun(simulator, bridge, properties.get("bridge.jms.embedded-url"), properties, connect);
    }

    static Map<String, String> with(String... keysAndValues) {
        Map<String, String> map = new HashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }

    @SuppressWarnings("unchecked")
    EmbeddedBroker broker() throws Exception {
        return ((BackgroundStart<EmbeddedBroker>)
                        bridge.context().getRegistry().lookupByName(JmsConfiguration.EMBEDDED_BROKER))
                .resource();
    }

    TextMessage send(String body, Map<String, String> properties, Destination replyTo, String correlationId)
            throws JMSException {
        TextMessage message = session.createTextMessage(body);
        for (var property : properties.entrySet()) {
            message.setStringProperty(property.getKey(), property.getValue());
        }
        message.setJMSReplyTo(replyTo);
        message.setJMSCorrelationID(correlationId);
        send(message);
        return message;
    }

    /** Counts every result from now on, per correlation id, on the results and failed queues. */
    ResultTally tally() throws JMSException {
        return ResultTally.listen(esb, "profile-bridge.results", "profile-bridge.failed");
    }

    void send(Message message) throws JMSException {
        try (MessageProducer producer = session.createProducer(session.createQueue(REQUESTS))) {
            producer.send(message);
        }
    }

    Message receive(String queue) throws JMSException {
        return receive(session.createQueue(queue));
    }

    Message receive(Destination destination) throws JMSException {
        try (MessageConsumer consumer = session.createConsumer(destination)) {
            return consumer.receive(Duration.ofSeconds(20).toMillis());
        }
    }

    /** Closes the client and the bridge; the simulator stays for a restart. */
    void stopBridge() throws JMSException {
        if (connection != null) {
            connection.close();
        }
        esb.close();
        bridge.close();
    }

    @Override
    public void close() throws JMSException {
        stopBridge();
        simulator.close();
    }
}
