package io.profilebridge.operations;

import io.profilebridge.job.JobStore;
import java.util.Map;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/** UP when the job store answers a query; without it nothing can be accepted or advanced. */
public class JobStoreHealthCheck extends AbstractHealthCheck {

    private final JobStore store;
    private final StoreReadDeadline deadline;

    public JobStoreHealthCheck(JobStore store, StoreReadDeadline deadline) {
        super("profile-bridge", "job-store");
        this.store = store;
        this.deadline = deadline;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        try {
            deadline.read(() -> {
                store.ping();
                return null;
            });
            builder.up();
        } catch (RuntimeException e) {
            // the message only: the cause chain beside it repeated it (operations audit)
            builder.down().message("job store unreachable: " + e.getMessage());
        }
    }
}
