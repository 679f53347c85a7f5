package io.profilebridge.operations;

import io.profilebridge.jms.ListenerFailures;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.camel.Route;
import org.apache.camel.ServiceStatus;
import org.apache.camel.component.jms.JmsConsumer;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.springframework.jms.listener.AbstractMessageListenerContainer;
import org.springframework.jms.listener.DefaultMessageListenerContainer;

/**
 * {@code jms-requests}: DOWN while a started JMS intake route has no consumer on its queue. The broker can be
 * reachable (jms-broker UP) and still refuse the consumer: the bridge's account lost its consume permission, the queue
 * was removed. Spring logs that once and retries quietly, so the requests would wait on the queue unseen. Readiness
 * only: a restart would not give the account its permission back. Every route whose consumer is a JMS listener keeping
 * its consumer (cache level CACHE_CONSUMER, as routes/jms-requests.camel.yaml sets) is checked, so an intake route an
 * integrator adds is too.
 */
public final class JmsConsumersHealthCheck extends ReadinessCheck {

    private final ListenerFailures failures;

    public JmsConsumersHealthCheck(ListenerFailures failures) {
        super("jms-requests");
        this.failures = failures;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        List<String> unserved = new ArrayList<>();
        for (Route route : getCamelContext().getRoutes()) {
            if (route.getConsumer() instanceof JmsConsumer consumer
                    && getCamelContext().getRouteController().getRouteStatus(route.getRouteId())
                            == ServiceStatus.Started
                    && containerOf(consumer) instanceof DefaultMessageListenerContainer container
                    && container.isRunning()
                    && container.getCacheLevel() >= DefaultMessageListenerContainer.CACHE_CONSUMER
                    && !container.isRegisteredWithDestination()) {
                unserved.add("queue " + queueOf(container) + " (route " + route.getRouteId() + ")");
            }
        }
        if (unserved.isEmpty()) {
            builder.up();
            return;
        }
        builder.detail("queues", String.join(", ", unserved));
        builder.down()
                .message("no consumer takes requests from " + String.join(", ", unserved)
                        + ": they wait on the broker; "
                        + failures.last()
                                .map(failure -> "the broker last said at " + failure.at() + ": " + failure.reason())
                                .orElse("the listener is still connecting"));
    }

    /** A started route's consumer has its container already; asking never makes one here. */
    private static AbstractMessageListenerContainer containerOf(JmsConsumer consumer) {
        try {
            return consumer.isStarted() ? consumer.getListenerContainer() : null;
        } catch (Exception e) {
            return null;
        }
    }

    private static String queueOf(AbstractMessageListenerContainer container) {
        String name = container.getDestinationName();
        return name != null ? name : String.valueOf(container.getDestination());
    }
}
