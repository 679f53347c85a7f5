package io.profilebridge.operations;

import static org.assertj.core.api.Assertions.assertThat;

import io.profilebridge.job.InstanceLiveness;
import io.profilebridge.job.JobStore;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.camel.health.HealthCheck;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Slow-disk audit: a store whose commit a stalled disk held for 30 s answered reads, and this check said UP, while no
 * request was accepted or advanced. A commit held for 10 s makes it DOWN, naming why.
 */
class JobStoreHealthCheckTest {

    private final StoreReadDeadline deadline = new StoreReadDeadline(1000, 2);

    @AfterEach
    void close() {
        deadline.close();
    }

    @Test
    void aCommitHeldLongerThanItsLimitMakesTheCheckDown() {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:mem:health-check");
        JobStore store = new JobStore(h2, InstanceLiveness.single("test"), Clock.systemUTC());
        AtomicLong held = new AtomicLong();
        JobStoreHealthCheck check = new JobStoreHealthCheck(store, deadline, held::get, 10_000);

        assertThat(check.call(Map.of()).getState()).isEqualTo(HealthCheck.State.UP);
        held.set(9_999);
        assertThat(check.call(Map.of()).getState())
                .as("a commit under way, not yet held long")
                .isEqualTo(HealthCheck.State.UP);
        held.set(12_345);
        HealthCheck.Result health = check.call(Map.of());
        assertThat(health.getState()).isEqualTo(HealthCheck.State.DOWN);
        assertThat(health.getMessage())
                .hasValue("a write to the job store has waited 12 s for its commit (the data disk, or the database,"
                        + " holds it): no request is accepted or advanced until it ends");
    }
}
