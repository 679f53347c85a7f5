package io.profilebridge.faults;

import static io.profilebridge.BridgeRun.drop;
import static io.profilebridge.BridgeRun.results;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.profilebridge.BridgeProcess;
import io.profilebridge.BridgeRun;
import io.profilebridge.sandbox.Simulator;
import io.profilebridge.sandbox.SimulatorSettings;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bridge as a separate JVM, killed with SIGKILL again and again while a batch is in flight, on top of lost
 * answers and server errors. Afterwards every request has exactly one result and one remote run. The kills land
 * wherever the batch happens to be; each named crash point is halted on purpose by CrashPointsIT.
 */
class CrashTest {

    private static final int REQUESTS = 30;
    private static final int KILLS = 4;

    @TempDir
    Path root;

    Simulator simulator;
    Process bridge;

    @BeforeEach
    void start() {
        simulator = Simulator.start(
                new SimulatorSettings().jobDurationMs(800).lostAnswerShare(0.1).serverErrorShare(0.05));
    }

    @AfterEach
    void stop() {
        if (bridge != null) {
            bridge.destroyForcibly();
        }
        simulator.close();
    }

    @Test
    void everyRequestEndsWithOneResultAndOneRunAfterRepeatedKills() throws Exception {
        for (int i = 0; i < REQUESTS; i++) {
            drop(
                    root,
                    "openprospect/op-" + i + ".json",
                    "{\"profile_name\": \"Buyers " + i
                            + "\", \"ideal_customer_profile\": \"SaaS\", \"target_countries\": [\"DE\"]}");
            drop(root, "orbit/orb-" + i + ".json", "{\"email\": \"person" + i + "@example.com\"}");
        }
        for (int kill = 0; kill < KILLS; kill++) {
            bridge = startBridgeJvm();
            long killAfter = simulator.ledger().requests().size() + 8 + kill * 4L;
            Process running = bridge;
            // kill it in the middle of the work: once it has talked to the APIs a few more times
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> !running.isAlive()
                            || simulator.ledger().requests().size() >= killAfter
                            || results(root).size() == 2 * REQUESTS);
            bridge.destroyForcibly().waitFor();
        }
        bridge = startBridgeJvm();
        await().atMost(Duration.ofSeconds(90)).until(() -> results(root).size() >= 2 * REQUESTS);
        bridge.destroy();
        bridge.waitFor();

        Map<String, JsonNode> results = results(root);
        assertThat(results).hasSize(2 * REQUESTS);
        assertThat(results.values())
                .allSatisfy(r -> assertThat(r.get("outcome").asText()).isEqualTo("succeeded"));
        assertThat(simulator.ledger().runsPerKey("openprospect"))
                .hasSize(REQUESTS)
                .allSatisfy((k, n) -> assertThat(n).isEqualTo(1));
        assertThat(simulator.ledger().runsPerKey("orbit"))
                .hasSize(REQUESTS)
                .allSatisfy((k, n) -> assertThat(n).isEqualTo(1));
        assertThat(simulator.ledger().requestsBeforeRetryAfter()).isZero();
    }

    private Process startBridgeJvm() throws IOException {
        return BridgeProcess.start(BridgeRun.testProperties(root, simulator.baseUrl()), root.resolve("bridge.log"));
    }
}
