package io.profilebridge.jms;

import io.profilebridge.intake.RequestAcceptance;
import jakarta.jms.Message;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.NamedNode;
import org.apache.camel.Route;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.spi.RoutePolicy;
import org.apache.camel.spi.RoutePolicyFactory;
import org.apache.camel.support.RoutePolicySupport;

/**
 * Keeps the JMS message of every exchange a {@code jms:} consumer starts in the exchange property
 * {@link RequestAcceptance#JMS_MESSAGE}, before the route's first step: a step that replaces the body (Camel's
 * {@code convertBodyTo} also replaces the message that held it) leaves the intake the request's source all the same.
 * Done here for any JMS route, so no route file needs a step for it (review: a second queue's route without such a
 * step failed). Routes that read no queue get no policy, and pay nothing.
 */
final class JmsMessageKept implements RoutePolicyFactory {

    private static final RoutePolicy KEEP = new RoutePolicySupport() {
        @Override
        public void onExchangeBegin(Route route, Exchange exchange) {
            if (exchange.getMessage().getBody() instanceof Message message) {
                exchange.setProperty(RequestAcceptance.JMS_MESSAGE, message);
            }
        }
    };

    @Override
    public RoutePolicy createRoutePolicy(CamelContext context, String routeId, NamedNode route) {
        return route instanceof RouteDefinition definition
                        && definition.getInput() != null
                        && definition.getInput().getEndpointUri().startsWith("jms:")
                ? KEEP
                : null;
    }
}
