package io.profilebridge.operations;

import io.profilebridge.delivery.DeliveryRefusals;
import java.nio.file.Path;
import java.util.Map;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * DOWN while the outbox refuses results (full, read-only, not a folder), until a result is written again to each folder
 * that refused one. Readiness
 * only: a restart gives the outbox no room, and the results wait meanwhile (a job's in the job store, a request refused
 * at intake as its file in the inbox).
 */
public class OutboxHealthCheck extends AbstractHealthCheck {

    private final Path outbox;
    private final DeliveryRefusals refusals;

    public OutboxHealthCheck(Path outbox, DeliveryRefusals refusals) {
        super("profile-bridge", "outbox");
        this.outbox = outbox;
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
                                .message("results cannot be written to " + outbox + " (" + refusal.places()
                                        + ") since " + refusal.since() + " ("
                                        + refusal.count()
                                        + " refused; a job's result waits in the job store, a request refused at intake"
                                        + " in the inbox): "
                                        + refusal.reason())
                                .detail("refusedSince", refusal.since().toString())
                                .detail("refused", refusal.count())
                                .detail("folders", refusal.places()),
                        builder::up);
    }
}
