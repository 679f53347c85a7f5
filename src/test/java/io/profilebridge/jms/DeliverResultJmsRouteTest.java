package io.profilebridge.jms;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.apache.activemq.artemis.jms.client.ActiveMQDestination;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.jms.JmsConstants;
import org.apache.camel.component.mock.MockComponent;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.junit.jupiter.api.Test;
import org.springframework.jms.JmsSecurityException;

/**
 * JMS audit: on a broker where the bridge's account may not send to a caller's JMSReplyTo, the result was retried until
 * delivery gave up and reached no queue at all. Like a JMSReplyTo the broker does not have, it now goes to the default
 * queue, the failed queue for a failed result. The route file runs as packaged, on a stand-in for the broker.
 */
class DeliverResultJmsRouteTest {

    @Test
    void aResultTheBridgeMayNotSendToItsReplyToGoesToTheFailedQueue() throws Exception {
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            context.getPropertiesComponent()
                    .setInitialProperties(toProperties(Map.of(
                            "bridge.jms.results", "profile-bridge.results",
                            "bridge.jms.failed", "profile-bridge.failed")));
            // every send lands here; one naming the caller's reply-to is refused as the broker refuses it
            context.addComponent("jms", new MockComponent());
            context.getRegistry().bind("temporaryReplies", new TemporaryReplies(null));
            PluginHelper.getRoutesLoader(context)
                    .loadRoutes(ResourceHelper.resolveResource(context, "file:routes/deliver-result-jms.camel.yaml"));
            context.start();
            MockEndpoint broker = context.getEndpoints().stream()
                    .filter(MockEndpoint.class::isInstance)
                    .map(MockEndpoint.class::cast)
                    .findFirst()
                    .orElseThrow();
            broker.whenAnyExchangeReceived(exchange -> {
                if (exchange.getMessage().getHeader(JmsConstants.JMS_DESTINATION) != null) {
                    throw new JmsSecurityException(new jakarta.jms.JMSSecurityException(
                            "AMQ229032: User: bridge does not have permission='SEND' on address secured.replies"));
                }
            });

            ProducerTemplate template = context.createProducerTemplate();
            Exchange sent = template.request("direct:deliver-result-jms", exchange -> {
                exchange.getMessage().setBody("{\"outcome\": \"failed\"}");
                exchange.getMessage()
                        .setHeaders(Map.of(
                                "bridgeCorrelationId", "sec-rejected",
                                "bridgeApi", "orbit",
                                "bridgeOutcome", "failed",
                                "bridgeIdempotencyKey", "k-1",
                                "bridgeDuplicateId", "job-1",
                                "bridgeReplyTo", ActiveMQDestination.createQueue("secured.replies")));
            });

            assertThat(sent.getException()).isNull();
            Exchange last = broker.getReceivedExchanges().get(broker.getReceivedCounter() - 1);
            assertThat(last.getMessage().getHeader(JmsConstants.JMS_DESTINATION))
                    .isNull();
            assertThat(last.getMessage().getHeader(JmsConstants.JMS_DESTINATION_NAME))
                    .isEqualTo("profile-bridge.failed");
            assertThat(last.getMessage().getHeader("JMSCorrelationID")).isEqualTo("sec-rejected");
        }
    }

    private static java.util.Properties toProperties(Map<String, String> values) {
        java.util.Properties properties = new java.util.Properties();
        properties.putAll(values);
        return properties;
    }
}
