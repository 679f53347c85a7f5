package io.profilebridge.operations;

import io.profilebridge.job.JobStore;
import java.util.Map;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/** UP when the job store answers a query; without it nothing can be accepted or advanced. */
public class JobStoreHealthCheck extends AbstractHealthCheck {

    private final JobStore store;

    public JobStoreHealthCheck(JobStore store) {
        super("profile-bridge", "job-store");
        this.store = store;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        try {
            store.ping();
            builder.up();
        } catch (RuntimeException e) {
            builder.down().message("job store unreachable: " + e.getMessage()).error(e);
        }
    }
}
