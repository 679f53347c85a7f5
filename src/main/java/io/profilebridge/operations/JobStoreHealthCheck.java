package io.profilebridge.operations;

import io.profilebridge.job.JobStore;
import java.util.Map;
import java.util.function.LongSupplier;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * UP when the job store answers a query and takes writes; without it nothing can be accepted or advanced. A store
 * whose commit has been held for {@link #HELD_WRITE_DOWN_MS} (a stalled data disk under H2's sync, a database that
 * takes no commit) still answers reads, but every write waits behind that commit (slow-disk audit: a 30 s stall
 * stopped all work while this check said UP).
 */
public class JobStoreHealthCheck extends AbstractHealthCheck {

    /** A commit held this long makes the check DOWN: H2's sync and a PostgreSQL commit take milliseconds. */
    static final long HELD_WRITE_DOWN_MS = 10_000;

    private final JobStore store;
    private final StoreReadDeadline deadline;
    private final LongSupplier writeHeldMs;
    private final long heldWriteDownMs;

    public JobStoreHealthCheck(JobStore store, StoreReadDeadline deadline) {
        this(store, deadline, store::writeHeldMs, HELD_WRITE_DOWN_MS);
    }

    JobStoreHealthCheck(JobStore store, StoreReadDeadline deadline, LongSupplier writeHeldMs, long heldWriteDownMs) {
        super("profile-bridge", "job-store");
        this.store = store;
        this.deadline = deadline;
        this.writeHeldMs = writeHeldMs;
        this.heldWriteDownMs = heldWriteDownMs;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        try {
            deadline.read(() -> {
                store.ping();
                return null;
            });
        } catch (RuntimeException e) {
            // the message only: the cause chain beside it repeated it (operations audit)
            builder.down().message("job store unreachable: " + e.getMessage());
            return;
        }
        long held = writeHeldMs.getAsLong();
        if (held >= heldWriteDownMs) {
            builder.down()
                    .message("a write to the job store has waited " + held / 1000 + " s for its commit (the data"
                            + " disk, or the database, holds it): no request is accepted or advanced until it ends");
        } else {
            builder.up();
        }
    }
}
