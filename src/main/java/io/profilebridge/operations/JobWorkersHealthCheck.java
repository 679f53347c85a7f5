package io.profilebridge.operations;

import io.profilebridge.job.JobDispatcher;
import java.util.Map;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * DOWN while remote work cannot advance: claiming due jobs fails, the poll trigger stopped, this instance lost its
 * heartbeat, or a job worker failed (until a later step succeeds).
 */
public class JobWorkersHealthCheck extends AbstractHealthCheck {

    private final JobDispatcher dispatcher;

    public JobWorkersHealthCheck(JobDispatcher dispatcher) {
        super("profile-bridge", "job-workers");
        this.dispatcher = dispatcher;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        dispatcher
                .problem()
                .ifPresentOrElse(
                        problem -> builder.down().message(problem),
                        () -> builder.up().detail("jobsInHand", dispatcher.inHand()));
    }
}
