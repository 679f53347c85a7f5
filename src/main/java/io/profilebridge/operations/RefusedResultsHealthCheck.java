package io.profilebridge.operations;

import io.profilebridge.delivery.DeliveryRefusals;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.camel.health.HealthCheckResultBuilder;

/**
 * DOWN while the places results go to refuse them, until a result reaches each place that refused one. Readiness
 * only: a restart gives the outbox no room and the broker no permission, and the results wait meanwhile (a job's in
 * the job store, a file request refused at intake in the inbox).
 */
public final class RefusedResultsHealthCheck extends ReadinessCheck {

    private final DeliveryRefusals refusals;
    private final String placesDetail;
    private final Function<DeliveryRefusals.Refusal, String> message;
    private final Supplier<Optional<String>> held;

    private RefusedResultsHealthCheck(
            String name,
            DeliveryRefusals refusals,
            String placesDetail,
            Function<DeliveryRefusals.Refusal, String> message,
            Supplier<Optional<String>> held) {
        super(name);
        this.refusals = refusals;
        this.placesDetail = placesDetail;
        this.message = message;
        this.held = held;
    }

    /** {@code outbox}: the outbox refuses result files (full, read-only, not a folder), by folder. */
    public static RefusedResultsHealthCheck outbox(Path outbox, DeliveryRefusals refusals) {
        return new RefusedResultsHealthCheck(
                "outbox",
                refusals,
                "folders",
                refusal -> "results cannot be written to " + outbox + " (" + refusal.places() + ") since "
                        + refusal.since() + " (" + refusal.count()
                        + " refused; a job's result waits in the job store, a request refused at intake in the inbox): "
                        + refusal.reason(),
                Optional::empty);
    }

    /**
     * {@code jms-results}: the broker refuses JMS results (no permission to send, no such queue, the address full), by
     * queue.
     */
    public static RefusedResultsHealthCheck jmsResults(DeliveryRefusals refusals, Supplier<Optional<String>> heldSend) {
        return new RefusedResultsHealthCheck(
                "jms-results",
                refusals,
                "queues",
                refusal -> "the broker refuses results sent to " + refusal.places() + " since " + refusal.since() + " ("
                        + refusal.count()
                        + " refused; a job's result, and a request refused at intake, wait in the job store): "
                        + refusal.reason(),
                heldSend);
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        Optional<DeliveryRefusals.Refusal> refusal = refusals.refusal();
        Optional<String> heldNow = held.get();
        if (refusal.isPresent()) {
            builder.down()
                    .message(message.apply(refusal.get()))
                    .detail("refusedSince", refusal.get().since().toString())
                    .detail("refused", refusal.get().count())
                    .detail(placesDetail, refusal.get().places());
        } else if (heldNow.isPresent()) {
            builder.down().message(heldNow.get());
        } else {
            builder.up();
        }
    }
}
