package io.profilebridge.operations;

import static io.profilebridge.BridgeRun.drop;
import static io.profilebridge.BridgeRun.results;
import static org.assertj.core.api.Assertions.assertThat;

import io.profilebridge.BridgeProcess;
import io.profilebridge.BridgeRun;
import io.profilebridge.sandbox.Simulator;
import io.profilebridge.sandbox.SimulatorSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SIGTERM in the middle of a batch: the process stops by itself in time, and a restart finishes every job once. */
class GracefulShutdownTest {

    @TempDir
    Path root;

    @Test
    void sigtermDuringABatchLosesNothing() throws Exception {
        try (Simulator simulator =
                Simulator.start(new SimulatorSettings().jobDurationMs(4000).addedLatencyMs(50))) {
            for (int i = 0; i < 20; i++) {
                drop(
                        root,
                        "openprospect/op-" + i + ".json",
                        "{\"profile_name\": \"p" + i
                                + "\", \"ideal_customer_profile\": \"x\", \"target_countries\": [\"DE\"]}");
                drop(root, "orbit/orb-" + i + ".json", "{\"email\": \"person" + i + "@example.com\"}");
            }
            var properties = BridgeRun.testProperties(root, simulator.baseUrl());
            Path log = root.resolve("bridge.log");
            Process bridge = BridgeProcess.start(properties, log);
            BridgeProcess.awaitWhileRunning(
                    bridge,
                    log,
                    Duration.ofSeconds(60),
                    () -> simulator.ledger().runsStarted("orbit") >= 5);
            bridge.destroy(); // SIGTERM
            assertThat(bridge.waitFor(40, TimeUnit.SECONDS))
                    .as("stopped within the shutdown timeout")
                    .isTrue();
            assertThat(Files.readString(log)).contains("is shutdown");
            assertThat(results(root).size()).isLessThan(40);

            Process restarted = BridgeProcess.start(properties, log);
            try {
                BridgeProcess.awaitWhileRunning(
                        restarted,
                        log,
                        Duration.ofSeconds(60),
                        () -> results(root).size() == 40);
            } finally {
                restarted.destroy();
                restarted.waitFor(40, TimeUnit.SECONDS);
            }
            assertThat(simulator.ledger().runsPerKey("openprospect"))
                    .hasSize(20)
                    .allSatisfy((k, n) -> assertThat(n).isEqualTo(1));
            assertThat(simulator.ledger().runsPerKey("orbit"))
                    .hasSize(20)
                    .allSatisfy((k, n) -> assertThat(n).isEqualTo(1));
        }
    }
}
