package io.profilebridge.cluster;

import static io.profilebridge.BridgeRun.drop;
import static io.profilebridge.BridgeRun.results;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.profilebridge.BridgeProcess;
import io.profilebridge.BridgeRun;
import io.profilebridge.RedeliveryWindow;
import io.profilebridge.ResultTally;
import io.profilebridge.jms.EsbBroker;
import io.profilebridge.sandbox.Simulator;
import io.profilebridge.sandbox.SimulatorSettings;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import jakarta.jms.Connection;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three bridge JVMs sharing one PostgreSQL job store, one Artemis broker and one inbox. 180 requests by file
 * and JMS; one instance is SIGKILLed mid-run. Every request gets exactly one result (counted per correlation id and
 * per file, over the window in which a second one could still come), one remote run, and the instances together stay
 * within Orbit's start limit (the simulator enforces 5/s, burst 25, and never had to).
 */
class ClusterTest {

    private static final int FILES_PER_API = 60;
    private static final int JMS_PER_API = 30;

    @TempDir
    Path root;

    EmbeddedPostgres postgres;
    EsbBroker broker;
    Simulator simulator;
    final List<Process> instances = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        postgres = EmbeddedPostgres.builder().start();
        simulator = Simulator.start(new SimulatorSettings().jobDurationMs(1500).lostAnswerShare(0.03));
    }

    @AfterEach
    void stop() throws Exception {
        instances.forEach(Process::destroyForcibly);
        if (broker != null) {
            broker.close();
        }
        simulator.close();
        postgres.close();
    }

    @Test
    void threeInstancesShareTheWorkAndSurviveTheLossOfOne() throws Exception {
        Map<String, String> properties = BridgeRun.testProperties(root, simulator.baseUrl());
        ClusterNodes.onStore(properties, postgres);
        properties.put("bridge.cluster.heartbeat-ms", "500");
        properties.put("bridge.cluster.takeover-ms", "2000");
        // the broker's redelivery, as the bridge's own keys name it, so the window below covers it
        properties.put("bridge.jms.max-delivery-attempts", "3");
        properties.put("bridge.jms.redelivery-delay-ms", "200");
        broker = EsbBroker.start(root.resolve("broker"), properties);
        for (int i = 0; i < 3; i++) {
            instances.add(BridgeProcess.start(
                    ClusterNodes.node(properties, root, "node-" + i), root.resolve("node-" + i + ".log")));
        }

        List<String> correlationIds = new ArrayList<>();
        List<String> files = new ArrayList<>();
        try (ResultTally tally =
                        ResultTally.listen(broker.client(), "profile-bridge.results", "profile-bridge.failed");
                Connection connection = broker.client().createConnection()) {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            try (MessageProducer producer = session.createProducer(session.createQueue("profile-bridge.requests"))) {
                for (int i = 0; i < JMS_PER_API; i++) {
                    TextMessage orbit = session.createTextMessage("{\"email\": \"jms" + i + "@example.com\"}");
                    orbit.setStringProperty("api", "orbit");
                    orbit.setJMSCorrelationID("orbit-" + i);
                    producer.send(orbit);
                    TextMessage openProspect = session.createTextMessage(
                            "{\"api\": \"openprospect\", \"request\": " + "{\"profile_name\": \"JMS " + i
                                    + "\", \"ideal_customer_profile\": \"x\", \"target_countries\": [\"DE\"]}}");
                    openProspect.setJMSCorrelationID("openprospect-" + i);
                    producer.send(openProspect);
                    correlationIds.addAll(List.of("orbit-" + i, "openprospect-" + i));
                }
            }
            for (int i = 0; i < FILES_PER_API; i++) {
                drop(
                        root,
                        "openprospect/op-" + i + ".json",
                        "{\"profile_name\": \"File " + i
                                + "\", \"ideal_customer_profile\": \"SaaS\", \"target_countries\": [\"DE\"]}");
                drop(root, "orbit/orb-" + i + ".json", "{\"email\": \"file" + i + "@example.com\"}");
                files.addAll(List.of("openprospect/op-" + i + ".json", "orbit/orb-" + i + ".json"));
            }

            await().atMost(Duration.ofSeconds(90))
                    .until(() -> simulator.ledger().runsStarted("orbit") >= 40);
            instances.get(0).destroyForcibly().waitFor();

            // every request counted over the window in which a second result could still come: the dead instance's
            // jobs taken over, its unacknowledged requests redelivered, deliveries retried
            tally.assertExactlyOneEach(
                    correlationIds, root, files, Duration.ofSeconds(180), RedeliveryWindow.of(properties));
        }
        assertThat(results(root).values())
                .allSatisfy(r -> assertThat(r.get("outcome").asText()).isEqualTo("succeeded"));
        int perApi = FILES_PER_API + JMS_PER_API;
        assertThat(simulator.ledger().runsPerKey("openprospect"))
                .hasSize(perApi)
                .allSatisfy((k, n) -> assertThat(n).isEqualTo(1));
        assertThat(simulator.ledger().runsPerKey("orbit"))
                .hasSize(perApi)
                .allSatisfy((k, n) -> assertThat(n).isEqualTo(1));
        assertThat(simulator.ledger().rateLimitExceeded("orbit"))
                .as("Orbit start limit never exceeded")
                .isZero();
        assertThat(simulator.ledger().requestsBeforeRetryAfter()).isZero();
    }
}
