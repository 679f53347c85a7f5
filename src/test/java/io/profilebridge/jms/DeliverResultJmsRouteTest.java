package io.profilebridge.jms;

import static org.assertj.core.api.Assertions.assertThat;

import io.profilebridge.CapturedLog;
import io.profilebridge.ErrorText;
import io.profilebridge.delivery.DeliveryRefusals;
import io.profilebridge.delivery.OversizedResults;
import io.profilebridge.delivery.ResultQueues;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.activemq.artemis.api.core.ActiveMQAddressFullException;
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
import org.springframework.jms.UncategorizedJmsException;

/**
 * JMS audit: on a broker where the bridge's account may not send to a caller's JMSReplyTo, the result was retried until
 * delivery gave up and reached no queue at all. Like a JMSReplyTo the broker does not have, it now goes to the default
 * queue, the failed queue for a failed result. The route file runs as packaged, on a stand-in for the broker.
 */
class DeliverResultJmsRouteTest {

    @Test
    void aResultTheBridgeMayNotSendToItsReplyToGoesToTheFailedQueue() throws Exception {
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            // every send lands here; one naming the caller's reply-to is refused as the broker refuses it
            MockEndpoint broker = startRoute(context, new DeliveryRefusals(Clock.systemUTC()));
            broker.whenAnyExchangeReceived(exchange -> {
                // Camel's JMS producer takes the destination off the message as it sends
                if (exchange.getMessage().removeHeader(JmsConstants.JMS_DESTINATION) != null) {
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

    /**
     * Reply-to audit: a JMSReplyTo full under address-full-policy FAIL sent its result to the default queue, as it
     * should, with a line that named neither "full" nor the broker's reason ("Uncategorized exception occurred during JMS
     * processing").
     */
    @Test
    void aFullReplyToIsNamedWithTheBrokersReasonAsItsResultGoesToTheDefaultQueue() throws Exception {
        try (DefaultCamelContext context = new DefaultCamelContext();
                CapturedLog log = CapturedLog.start()) {
            MockEndpoint broker = startRoute(context, new DeliveryRefusals(Clock.systemUTC()));
            broker.whenAnyExchangeReceived(exchange -> {
                if (exchange.getMessage().removeHeader(JmsConstants.JMS_DESTINATION) != null) {
                    throw new UncategorizedJmsException(
                            new ActiveMQAddressFullException("AMQ229102: Address \"full.replies\" is full."));
                }
            });

            Exchange sent = context.createProducerTemplate().request("direct:deliver-result-jms", exchange -> {
                exchange.getMessage().setBody("{\"outcome\": \"succeeded\"}");
                exchange.getMessage()
                        .setHeaders(Map.of(
                                "bridgeCorrelationId", "full-1",
                                "bridgeApi", "orbit",
                                "bridgeOutcome", "succeeded",
                                "bridgeIdempotencyKey", "k-1",
                                "bridgeDuplicateId", "job-1",
                                "bridgeReplyTo", ActiveMQDestination.createQueue("full.replies")));
            });

            assertThat(sent.getException()).isNull();
            Exchange last = broker.getReceivedExchanges().get(broker.getReceivedCounter() - 1);
            assertThat(last.getMessage().getHeader(JmsConstants.JMS_DESTINATION_NAME))
                    .isNull();
            assertThat(log.lines())
                    .anyMatch(line -> line.contains("(correlation full-1) goes to the default queue")
                            && line.contains("is full")
                            && line.contains("AMQ229102: Address \"full.replies\" is full."));
        }
    }

    /**
     * Operations audit: with the results queue itself refused, the route logged that the result "goes to the default
     * queue" and sent it there again; every result was then given up after bridge.delivery.max-attempts, health UP.
     * The refusal now reaches the delivery (whose result waits, never given up) and the jms-results health check.
     */
    @Test
    void aRefusedResultsQueueIsNoReasonToSendThereAgainAndIsNotedForTheHealthCheck() throws Exception {
        DeliveryRefusals refusals = new DeliveryRefusals(Clock.systemUTC());
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            MockEndpoint broker = startRoute(context, refusals);
            AtomicBoolean refusing = new AtomicBoolean(true);
            broker.whenAnyExchangeReceived(exchange -> {
                if (refusing.get()) {
                    throw new JmsSecurityException(
                            new jakarta.jms.JMSSecurityException(
                                    "AMQ229032: User: bridge does not have permission='SEND' on address profile-bridge.results"));
                }
            });

            ProducerTemplate template = context.createProducerTemplate();
            Exchange sent = template.request("direct:deliver-result", exchange -> {
                exchange.getMessage().setBody("{\"outcome\": \"succeeded\"}");
                exchange.getMessage()
                        .setHeaders(Map.of(
                                "bridgeCorrelationId", "c-1",
                                "bridgeApi", "orbit",
                                "bridgeOutcome", "succeeded",
                                "bridgeIdempotencyKey", "k-1",
                                "bridgeDuplicateId", "job-1"));
            });

            assertThat(sent.getException()).as("handed back to the delivery").isNotNull();
            assertThat(ResultQueues.refusal(sent.getException())).isPresent();
            assertThat(broker.getReceivedCounter())
                    .as("not sent to the same queue again")
                    .isEqualTo(1);
            assertThat(refusals.refusal()).hasValueSatisfying(refusal -> {
                assertThat(refusal.places()).isEqualTo("profile-bridge.results");
                assertThat(refusal.reason()).contains("permission='SEND'");
            });

            refusing.set(false);
            template.request("direct:deliver-result", exchange -> {
                exchange.getMessage().setBody("{\"outcome\": \"succeeded\"}");
                exchange.getMessage().setHeaders(Map.of("bridgeOutcome", "succeeded", "bridgeDuplicateId", "job-2"));
            });
            assertThat(refusals.refusal()).as("the queue takes results again").isEmpty();
        }
    }

    /** Review: a full JMSReplyTo address was neither caught nor given up: its result waited for the caller's queue. */
    @Test
    void aResultWhoseReplyToAddressIsFullGoesToTheResultsQueue() throws Exception {
        DeliveryRefusals refusals = new DeliveryRefusals(Clock.systemUTC());
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            MockEndpoint broker = startRoute(context, refusals);
            broker.whenAnyExchangeReceived(exchange -> {
                if (exchange.getMessage().removeHeader(JmsConstants.JMS_DESTINATION) != null) {
                    jakarta.jms.JMSException full = new jakarta.jms.JMSException("AMQ219058: Address full");
                    full.initCause(new org.apache.activemq.artemis.api.core.ActiveMQAddressFullException("full"));
                    throw new org.springframework.jms.UncategorizedJmsException(full);
                }
            });
            Exchange sent = context.createProducerTemplate().request("direct:deliver-result", exchange -> {
                exchange.getMessage().setBody("{\"outcome\": \"succeeded\"}");
                exchange.getMessage()
                        .setHeaders(Map.of(
                                "bridgeOutcome",
                                "succeeded",
                                "bridgeDuplicateId",
                                "job-3",
                                "bridgeReplyTo",
                                ActiveMQDestination.createQueue("full.replies")));
            });
            assertThat(sent.getException()).isNull();
            Exchange last = broker.getReceivedExchanges().get(broker.getReceivedCounter() - 1);
            assertThat(last.getMessage().getHeader(JmsConstants.JMS_DESTINATION))
                    .isNull();
            assertThat(refusals.refusal())
                    .as("a caller's queue is not the bridge's to report")
                    .isEmpty();
        }
    }

    @Test
    void theBrokersRefusalsAreToldFromItsAbsence() {
        jakarta.jms.JMSException full = new jakarta.jms.JMSException("AMQ219058: Address full");
        full.initCause(new org.apache.activemq.artemis.api.core.ActiveMQAddressFullException("full"));
        assertThat(ResultQueues.refusal(new org.springframework.jms.UncategorizedJmsException(full)))
                .isPresent();
        assertThat(ResultQueues.refusal(new org.springframework.jms.InvalidDestinationException(
                        new jakarta.jms.InvalidDestinationException("no such queue"))))
                .isPresent();
        assertThat(ResultQueues.refusal(new org.springframework.jms.UncategorizedJmsException(
                        new jakarta.jms.JMSException("AMQ219010: Connection is destroyed"))))
                .as("a broker away")
                .isEmpty();
    }

    /**
     * The packaged route file on a stand-in for the broker, with delivery-errors' refusal note as deliver-result has it
     * (the JMS route's failure reaches it); returns the stand-in, where every send lands.
     */
    private static MockEndpoint startRoute(DefaultCamelContext context, DeliveryRefusals refusals) throws Exception {
        context.getPropertiesComponent()
                .setInitialProperties(toProperties(Map.of(
                        "bridge.jms.results", "profile-bridge.results",
                        "bridge.jms.failed", "profile-bridge.failed")));
        context.addComponent("jms", new MockComponent());
        context.getRegistry().bind("temporaryReplies", new TemporaryReplies(null));
        context.getRegistry().bind("resultQueues", new ResultQueues("profile-bridge.results", refusals));
        context.getRegistry().bind("oversizedResults", OversizedResults.unknownCap());
        context.getRegistry().bind("errorText", new ErrorText());
        PluginHelper.getRoutesLoader(context)
                .loadRoutes(ResourceHelper.resolveResource(context, "file:routes/deliver-result-jms.camel.yaml"));
        context.addRoutes(new org.apache.camel.builder.RouteBuilder() {
            @Override
            public void configure() {
                from("direct:deliver-result")
                        .onException(Exception.class)
                        .bean("resultQueues", "refused")
                        .end()
                        .to("direct:deliver-result-jms");
            }
        });
        context.start();
        return context.getEndpoints().stream()
                .filter(MockEndpoint.class::isInstance)
                .map(MockEndpoint.class::cast)
                .findFirst()
                .orElseThrow();
    }

    private static java.util.Properties toProperties(Map<String, String> values) {
        java.util.Properties properties = new java.util.Properties();
        properties.putAll(values);
        return properties;
    }
}
