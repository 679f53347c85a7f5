package io.profilebridge.jms;

import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSException;
import jakarta.jms.JMSSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.apache.activemq.artemis.api.core.client.FailoverEventType;
import org.apache.activemq.artemis.jms.client.ActiveMQConnection;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

/**
 * The broker's connection factory, telling {@link BrokerReachability} whether each connection could be made and,
 * through Artemis's failover events, when a made one loses its broker and gets it back. The pool and the listener
 * containers use it as they would the factory itself.
 */
final class WatchedConnectionFactory implements ConnectionFactory {

    /**
     * How long a refused login keeps the bridge from logging in again: the listener containers try every second, and
     * a broker logs each refusal (matrix audit: 87 security warnings in 90 s on the broker's side, ~86,000 a day per
     * instance). Credentials change with a restart, or on the broker, where this is the longest wait.
     */
    static final Duration REFUSED_LOGIN_PAUSE = Duration.ofSeconds(30);

    private final ActiveMQConnectionFactory broker;
    private final BrokerReachability reachability;
    private final Clock clock;
    /** The last refused login, and until when no other is tried; null while logins succeed. */
    private volatile RefusedLogin refused;

    private record RefusedLogin(String reason, Instant until) {}

    WatchedConnectionFactory(ActiveMQConnectionFactory broker, BrokerReachability reachability) {
        this(broker, reachability, Clock.systemUTC());
    }

    WatchedConnectionFactory(ActiveMQConnectionFactory broker, BrokerReachability reachability, Clock clock) {
        this.broker = broker;
        this.reachability = reachability;
        this.clock = clock;
    }

    @Override
    public Connection createConnection() throws JMSException {
        return createConnection(broker.getUser(), broker.getPassword());
    }

    @Override
    public Connection createConnection(String user, String password) throws JMSException {
        RefusedLogin last = refused;
        if (last != null && clock.instant().isBefore(last.until())) {
            throw new JMSSecurityException(
                    "the broker refused the login (" + last.reason() + "); tried again after " + last.until());
        }
        try {
            Connection connection = broker.createConnection(user, password);
            ((ActiveMQConnection) connection).setFailoverListener(this::failover);
            refused = null;
            reachability.reached();
            return connection;
        } catch (JMSSecurityException e) {
            refused = new RefusedLogin(e.getMessage(), clock.instant().plus(REFUSED_LOGIN_PAUSE));
            reachability.loginRefused(e.getMessage());
            throw e;
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
