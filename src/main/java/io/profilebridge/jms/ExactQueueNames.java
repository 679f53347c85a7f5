package io.profilebridge.jms;

import jakarta.jms.Destination;
import jakarta.jms.JMSException;
import jakarta.jms.Session;
import org.apache.activemq.artemis.jms.client.ActiveMQDestination;
import org.springframework.jms.support.destination.DestinationResolver;
import org.springframework.jms.support.destination.DynamicDestinationResolver;

/**
 * Names a queue exactly as configured, without asking the broker. Artemis' JMS client, asked by name for a queue the
 * broker does not have and may not auto-create, falls back to the 1.x name {@code jms.queue.<name>} and creates that
 * where the account may (health audit: with the requests and results queues missing on an external broker, the bridge
 * read requests from and sent results to {@code jms.queue.profile-bridge.*}, which no ESB uses, every check UP). A
 * queue named exactly is refused while it is missing, and the jms-requests and jms-results checks say so. Topics, which
 * the bridge does not use, are resolved as Spring does.
 */
final class ExactQueueNames implements DestinationResolver {

    private final DestinationResolver topics = new DynamicDestinationResolver();

    @Override
    public Destination resolveDestinationName(Session session, String name, boolean pubSubDomain) throws JMSException {
        return pubSubDomain
                ? topics.resolveDestinationName(session, name, true)
                : ActiveMQDestination.createQueue(name);
    }
}
