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
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        new JobMetrics(registry, refusingStore(), new StoreReadDeadline(1000, 2));
        assertThat(registry.get("profile_bridge_jobs").gauges())
                .isNotEmpty()
                .allSatisfy(gauge -> assertThat(gauge.value()).isNaN());
    }

    @Test
    void everyMeterSaysWhatItCounts() {
        // operations audit: the event counters' HELP lines were empty in a scrape
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        new JobMetrics(registry, refusingStore(), new StoreReadDeadline(1000, 2));
        assertThat(registry.getMeters())
                .isNotEmpty()
                .allSatisfy(meter -> assertThat(meter.getId().getDescription())
                        .as(meter.getId().getName())
                        .isNotBlank());
    }

    private JobStore refusingStore() {
        DataSource refusing = (DataSource) Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
                    throw new SQLException("the job store did not open: refused");
                });
        return new JobStore(refusing, false, InstanceLiveness.single("test"), Clock.systemUTC());
    }
}
