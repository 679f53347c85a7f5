package io.profilebridge.job;

import static io.profilebridge.BridgeRun.drop;
import static io.profilebridge.BridgeRun.results;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.profilebridge.BridgeRun;
import io.profilebridge.sandbox.Simulator;
import io.profilebridge.sandbox.SimulatorSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.spi.InflightRepository;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A job's exchange starts from what the worker that handed it out carried, through wire taps and a split, each a
 * copy. Camel's metrics route policy leaves a timer property per route and exchange in every copy; unless the
 * hand-out drops them, each job inherits those of every job before it on the chain of workers, and every copy of a
 * step copies them all again (seen as a sixth of the bridge's CPU in the throughput benchmark).
 */
class JobExchangeSizeTest {

    private static final int JOBS = 40;

    @TempDir
    Path root;

    @Test
    void aJobHandedOutByAWorkerCarriesNoneOfThePreviousJobsProperties() {
        try (Simulator simulator = Simulator.start(new SimulatorSettings().jobDurationMs(0))) {
            Map<String, String> properties = BridgeRun.testProperties(root, simulator.baseUrl());
            // the tick starts chains of its own; rare ticks leave one long chain of jobs handed out by workers
            properties.put("bridge.poll.tick-ms", "5000");
            properties.put("bridge.poll.first-delay-ms", "0");
            properties.put("camel.main.inflight-repository-browse-enabled", "true");
            for (int i = 0; i < JOBS; i++) {
                drop(root, "openprospect/op-" + i + ".json", BridgeRun.openProspectRequest("op-" + i));
            }
            AtomicInteger mostProperties = new AtomicInteger();
            try (BridgeRun bridge = BridgeRun.start(root, properties)) {
                InflightRepository inflight = bridge.context().getInflightRepository();
                await().atMost(Duration.ofSeconds(60))
                        .pollInterval(Duration.ofMillis(2))
                        .until(() -> {
                            inflight.browse()
                                    .forEach(held -> mostProperties.accumulateAndGet(
                                            held.getExchange().getProperties().size(), Math::max));
                            return results(root).size() == JOBS;
                        });
            }
            assertThat(mostProperties.get())
                    .as("properties of an exchange in flight")
                    .isBetween(1, 40);
        }
    }
}
