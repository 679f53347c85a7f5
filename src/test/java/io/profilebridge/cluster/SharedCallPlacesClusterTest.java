package io.profilebridge.cluster;

import static io.profilebridge.BridgeRun.drop;
import static io.profilebridge.BridgeRun.results;
import static org.assertj.core.api.Assertions.assertThat;

import io.profilebridge.BridgeProcess;
import io.profilebridge.BridgeRun;
import io.profilebridge.sandbox.Ledger;
import io.profilebridge.sandbox.Simulator;
import io.profilebridge.sandbox.SimulatorSettings;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two bridge JVMs on one PostgreSQL store, with the same keys, against an API that answers slowly: one call in flight
 * per bucket holds for the key, so a call of one instance leaves only after the other's has been answered (with a
 * gate per process, two calls were out at once and a 429 found the other already on its way).
 */
class SharedCallPlacesClusterTest {

    private static final long ANSWER_MS = 300;
    private static final int REQUESTS = 10;

    @TempDir
    Path root;

    EmbeddedPostgres postgres;
    Simulator simulator;
    final List<Process> instances = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        postgres = EmbeddedPostgres.builder().start();
        simulator = Simulator.start(new SimulatorSettings().jobDurationMs(300).addedLatencyMs(ANSWER_MS));
    }

    @AfterEach
    void stop() throws Exception {
        instances.forEach(Process::destroyForcibly);
        simulator.close();
        postgres.close();
    }

    @Test
    void theInstancesOfOneKeyHaveOneCallOfABucketOutAtATime() throws Exception {
        Map<String, String> properties = BridgeRun.testProperties(root, simulator.baseUrl());
        ClusterNodes.onStore(properties, postgres);
        // the default slow-call time (2 s): a place's time counts from each send, where it is renewed, so an instance
        // held up between claim and send withdraws its call if its place went to the other one meanwhile (in CI run 68,
        // with the time counted from the claim, a cold JVM on a loaded host sent beside the other instance's call)
        List<Map<String, String>> nodes = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            nodes.add(ClusterNodes.node(properties, root, "node-" + i));
            instances.add(BridgeProcess.start(nodes.get(i), root.resolve("node-" + i + ".log")));
        }
        // both working before the first request comes, so that both claim
        for (int i = 0; i < 2; i++) {
            ClusterNodes.awaitUp(instances.get(i), nodes.get(i), root.resolve("node-" + i + ".log"));
        }
        for (int i = 0; i < REQUESTS; i++) {
            drop(root, "openprospect/op-" + i + ".json", BridgeRun.openProspectRequest("op-" + i));
        }
        BridgeProcess.awaitWhileRunning(
                instances.get(0),
                root.resolve("node-0.log"),
                Duration.ofSeconds(90),
                () -> results(root).size() == REQUESTS);

        assertThat(results(root).values())
                .allSatisfy(r -> assertThat(r.get("outcome").asText()).isEqualTo("succeeded"));
        assertThat(simulator.ledger().runsPerKey("openprospect"))
                .hasSize(REQUESTS)
                .allSatisfy((key, runs) -> assertThat(runs).isEqualTo(1));
        List<Ledger.Request> calls = simulator.ledger().requests().stream()
                .filter(r -> r.api().equals("openprospect"))
                .sorted(Comparator.comparingLong(Ledger.Request::at))
                .toList();
        for (int i = 1; i < calls.size(); i++) {
            assertThat(calls.get(i).at() - calls.get(i - 1).at())
                    .as("call %d arrived after call %d had been answered, whichever instance sent it", i, i - 1)
                    .isGreaterThanOrEqualTo(ANSWER_MS);
        }
    }
}
