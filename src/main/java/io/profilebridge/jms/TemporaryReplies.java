package io.profilebridge.jms;

import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSException;
import jakarta.jms.Session;
import org.apache.activemq.artemis.api.core.ActiveMQException;
import org.apache.activemq.artemis.jms.client.ActiveMQDestination;
import org.apache.activemq.artemis.jms.client.ActiveMQSession;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.jms.JmsConstants;
import org.messaginghub.pooled.jms.JmsPoolSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A result for a temporary JMSReplyTo whose client has left goes to the results (or failed) queue. A temporary queue
 * lives as long as the connection that made it; sent to once it is gone, the broker makes an ordinary queue of that
 * name (where the result waits for a reader that will never come), or a temporary one of the bridge's own, gone with
 * the bridge's connection, and a temporary topic without its subscriber drops the result. The JMS API cannot ask
 * whether a destination exists, so this asks Artemis (the bridge's client is always Artemis's) with an address query.
 */
public final class TemporaryReplies {

    private static final Logger LOG = LoggerFactory.getLogger(TemporaryReplies.class);

    private final ConnectionFactory connections;

    public TemporaryReplies(ConnectionFactory connections) {
        this.connections = connections;
    }

    /**
     * Used by routes/deliver-result-jms.camel.yaml: drops the result's {@code CamelJmsDestination} when it is a
     * temporary destination the broker no longer has, so the route sends it to its default queue.
     */
    public void dropIfGone(Exchange exchange) throws JMSException {
        Message message = exchange.getMessage();
        if (message.getHeader(JmsConstants.JMS_DESTINATION) instanceof ActiveMQDestination destination
                && destination.isTemporary()
                && !exists(destination)) {
            LOG.warn(
                    "Result {} (correlation {}) goes to the default queue: its temporary JMSReplyTo {} is gone (the"
                            + " client that made it has left)",
                    message.getHeader("outcome"),
                    message.getHeader("JMSCorrelationID"),
                    destination.getName());
            message.removeHeader(JmsConstants.JMS_DESTINATION);
        }
    }

    private boolean exists(ActiveMQDestination destination) throws JMSException {
        try (Connection connection = connections.createConnection();
                Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE)) {
            Session artemis = session instanceof JmsPoolSession pooled ? pooled.getInternalSession() : session;
            return ((ActiveMQSession) artemis)
                    .getCoreSession()
                    .addressQuery(destination.getSimpleAddress())
                    .isExists();
        } catch (ActiveMQException e) {
            // a broker that will not answer (an external one whose rules refuse the query): sent as given, as before
            LOG.debug("Cannot ask the broker whether {} exists; the result is sent to it", destination.getName(), e);
            return true;
        }
    }
}
