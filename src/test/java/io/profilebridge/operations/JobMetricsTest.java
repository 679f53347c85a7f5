package io.profilebridge.operations;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.profilebridge.job.InstanceLiveness;
import io.profilebridge.job.JobStore;
import java.lang.reflect.Proxy;
import java.sql.SQLException;
import java.time.Clock;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

class JobMetricsTest {

    @Test
    void aStoreThatCannotBeReadIsUnknownNotAStackTrace() {
        // before: a scrape while a refused store vetoed the start logged a JobStoreException's stack trace
        DataSource refusing = (DataSource) Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
                    throw new SQLException("the job store did not open: refused");
                });
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        new JobMetrics(
                registry,
                new JobStore(refusing, false, InstanceLiveness.single("test"), Clock.systemUTC()),
                new StoreReadDeadline(1000, 2));
        assertThat(registry.get("profile_bridge_jobs").gauges())
                .isNotEmpty()
                .allSatisfy(gauge -> assertThat(gauge.value()).isNaN());
    }
}
