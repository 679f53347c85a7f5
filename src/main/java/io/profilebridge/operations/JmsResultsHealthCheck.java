package io.profilebridge.operations;

import io.profilebridge.delivery.DeliveryRefusals;
import java.util.Map;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * DOWN while the broker refuses JMS results (no permission to send, no such queue, the address full), until a result
 * is sent again to each queue that refused one. Readiness only: a restart changes nothing on the broker, and the
 * results wait in the job store meanwhile.
 */
public class JmsResultsHealthCheck extends AbstractHealthCheck {

    private final DeliveryRefusals refusals;

    public JmsResultsHealthCheck(DeliveryRefusals refusals) {
        super("profile-bridge", "jms-results");
        this.refusals = refusals;
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        refusals.refusal()
                .ifPresentOrElse(
                        refusal -> builder.down()
                                .message("the broker refuses results sent to " + refusal.places() + " since "
                                        + refusal.since() + " (" + refusal.count()
                                        + " refused; the results wait in the job store): " + refusal.reason())
                                .detail("refusedSince", refusal.since().toString())
                                .detail("refused", refusal.count())
                                .detail("queues", refusal.places()),
                        builder::up);
    }
}
