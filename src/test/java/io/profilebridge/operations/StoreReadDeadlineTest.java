package io.profilebridge.operations;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.profilebridge.job.InstanceLiveness;
import io.profilebridge.job.JobCounts;
import io.profilebridge.job.JobStore;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.util.Map;
import javax.sql.DataSource;
import org.apache.camel.health.HealthCheck;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A store that does not answer (a database away, its pool waiting out a 30 s connection timeout) holds no management
 * answer for longer than the deadline: the readiness check is DOWN and the job gauges unknown within about a second,
 * and once the readers are all taken, at once (operations audit: liveness probes and scrapes timed out behind such a
 * read during a store outage).
 */
class StoreReadDeadlineTest {

    private final StoreReadDeadline deadline = new StoreReadDeadline(1000, 2);

    @AfterEach
    void close() {
        deadline.close();
    }

    @Test
    void aStoreThatDoesNotAnswerIsReportedWithinTheDeadline() {
        DataSource hanging = (DataSource) Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
                    Thread.sleep(30_000);
                    throw new IllegalStateException("not reached");
                });
        JobStore store = new JobStore(hanging, InstanceLiveness.single("test"), Clock.systemUTC());

        long started = System.nanoTime();
        HealthCheck.Result health = new JobStoreHealthCheck(store, deadline).call(Map.of());
        assertThat(health.getState()).isEqualTo(HealthCheck.State.DOWN);
        assertThat(health.getMessage()).hasValue("job store unreachable: the job store did not answer within 1000 ms");

        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        new JobMetrics(registry, new JobCounts(store, System::currentTimeMillis), deadline);
        assertThat(registry.get("profile_bridge_jobs").gauges())
                .isNotEmpty()
                .allSatisfy(gauge -> assertThat(gauge.value()).isNaN());
        assertThat((System.nanoTime() - started) / 1_000_000)
                .as("the health check and a scrape of every job gauge, in ms")
                .isLessThan(5_000);
    }
}
