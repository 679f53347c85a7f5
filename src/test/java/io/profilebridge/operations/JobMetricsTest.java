package io.profilebridge.operations;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.profilebridge.Json;
import io.profilebridge.api.Api;
import io.profilebridge.api.ApiAnswer;
import io.profilebridge.api.ApiAnswerEvent;
import io.profilebridge.job.InstanceLiveness;
import io.profilebridge.job.JobCounts;
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
        new JobMetrics(
                registry, new JobCounts(refusingStore(), System::currentTimeMillis), new StoreReadDeadline(1000, 2));
        assertThat(registry.get("profile_bridge_jobs").gauges())
                .isNotEmpty()
                .allSatisfy(gauge -> assertThat(gauge.value()).isNaN());
    }

    @Test
    void everyMeterSaysWhatItCounts() {
        // operations audit: the event counters' HELP lines were empty in a scrape
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        new JobMetrics(
                registry, new JobCounts(refusingStore(), System::currentTimeMillis), new StoreReadDeadline(1000, 2));
        assertThat(registry.getMeters())
                .isNotEmpty()
                .allSatisfy(meter -> assertThat(meter.getId().getDescription())
                        .as(meter.getId().getName())
                        .isNotBlank());
    }

    @Test
    void orbitsCreditsAreThoseOfItsLastChargeOrRefusal() throws Exception {
        // API audit: a 402 naming remainingCredits only in its body left the gauge at the last 202's header
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        JobMetrics metrics = new JobMetrics(
                registry, new JobCounts(refusingStore(), System::currentTimeMillis), new StoreReadDeadline(1000, 2));
        assertThat(credits(registry)).isEqualTo(-1.0);
        metrics.notify(new ApiAnswerEvent(Api.ORBIT, new ApiAnswer(202, Json.object(), null, 990L, null)));
        assertThat(credits(registry)).isEqualTo(990.0);
        metrics.notify(new ApiAnswerEvent(Api.ORBIT, new ApiAnswer(200, Json.object(), null, 5L, null)));
        assertThat(credits(registry)).as("a status read moves no balance").isEqualTo(990.0);
        String refused = "{\"error\": {\"code\": \"developer_api_credits_insufficient\", \"message\": \"low\","
                + " \"requiredCredits\": 10, \"remainingCredits\": 3}}";
        metrics.notify(new ApiAnswerEvent(Api.ORBIT, new ApiAnswer(402, Json.parse(refused), null, null, null)));
        assertThat(credits(registry)).isEqualTo(3.0);
        metrics.notify(new ApiAnswerEvent(Api.ORBIT, new ApiAnswer(402, Json.parse(refused), null, 7L, null)));
        assertThat(credits(registry)).as("the header, where there is one").isEqualTo(7.0);
    }

    private static double credits(SimpleMeterRegistry registry) {
        return registry.get("profile_bridge_orbit_credits_remaining").gauge().value();
    }

    private JobStore refusingStore() {
        DataSource refusing = (DataSource) Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
                    throw new SQLException("the job store did not open: refused");
                });
        return new JobStore(refusing, InstanceLiveness.single("test"), Clock.systemUTC());
    }
}
