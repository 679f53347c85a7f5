package io.profilebridge.jms;

import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSException;
import org.apache.activemq.artemis.api.core.client.FailoverEventType;
import org.apache.activemq.artemis.jms.client.ActiveMQConnection;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

/**
 * The broker's connection factory, telling {@link BrokerReachability} whether each connection could be made and,
 * through Artemis's failover events, when a made one loses its broker and gets it back. The pool and the listener
 * containers use it as they would the factory itself.
 */
final class WatchedConnectionFactory implements ConnectionFactory {

    private final ActiveMQConnectionFactory broker;
    private final BrokerReachability reachability;

    WatchedConnectionFactory(ActiveMQConnectionFactory broker, BrokerReachability reachability) {
        this.broker = broker;
        this.reachability = reachability;
    }

    @Override
    public Connection createConnection() throws JMSException {
        return createConnection(broker.getUser(), broker.getPassword());
    }

    @Override
    public Connection createConnection(String user, String password) throws JMSException {
        try {
            Connection connection = broker.createConnection(user, password);
            ((ActiveMQConnection) connection).setFailoverListener(this::failover);
            reachability.reached();
            return connection;
        } catch (JMSException e) {
            reachability.lost(e.getMessage());
            throw e;
        }
    }

    private void failover(FailoverEventType event) {
        if (event == FailoverEventType.FAILOVER_COMPLETED) {
            reachability.reached();
        } else {
            reachability.lost(event == FailoverEventType.FAILURE_DETECTED ? "connection lost" : "reconnecting failed");
        }
    }

    @Override
    public JMSContext createContext() {
        return broker.createContext();
    }

    @Override
    public JMSContext createContext(String user, String password) {
        return broker.createContext(user, password);
    }

    @Override
    public JMSContext createContext(String user, String password, int sessionMode) {
        return broker.createContext(user, password, sessionMode);
    }

    @Override
    public JMSContext createContext(int sessionMode) {
        return broker.createContext(sessionMode);
    }
}
