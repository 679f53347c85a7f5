package io.profilebridge.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.profilebridge.BridgeRun;
import io.profilebridge.StartupFailure;
import io.profilebridge.jms.EsbBroker;
import io.profilebridge.sandbox.Simulator;
import io.profilebridge.sandbox.SimulatorSettings;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Matrix audit: an instance with an embedded broker of its own started on a store other instances shared with an
 * external broker, and 2 of the 4 results of the JMS requests sent to it went into the other broker, where their caller
 * did not read. Any instance delivers any job's result, so the instances on one store must share their broker.
 */
class BrokerAgreementTest {

    @TempDir
    Path root;

    @Test
    void anInstanceWithAnotherBrokerIsRefusedOnAStoreOthersShareAndOneWithTheSameBrokerJoins() throws Exception {
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().start();
                Simulator simulator = Simulator.start(new SimulatorSettings().jobDurationMs(100))) {
            Map<String, String> shared =
                    ClusterNodes.onStore(BridgeRun.testProperties(root, simulator.baseUrl()), postgres);
            shared.put("bridge.jms.max-delivery-attempts", "3");
            shared.put("bridge.jms.redelivery-delay-ms", "200");
            Map<String, String> first = ClusterNodes.node(shared, root, "a");
            try (EsbBroker esb = EsbBroker.start(root.resolve("esb"), first);
                    BridgeRun running = BridgeRun.start(root, first)) {
                Map<String, String> ownBroker = ClusterNodes.node(shared, root, "b");
                ownBroker.put("bridge.jms.enabled", "true");
                ownBroker.put("bridge.jms.embedded-url", "tcp://127.0.0.1:" + BridgeRun.freePort());
                assertThatThrownBy(() -> BridgeRun.start(root, ownBroker))
                        .rootCause()
                        .isInstanceOf(StartupFailure.class)
                        .hasMessageStartingWith(
                                "instances [a] on this job store name another JMS broker than this one");

                Map<String, String> sameBroker = new HashMap<>(ClusterNodes.node(shared, root, "c"));
                for (String key : new String[] {
                    "bridge.jms.enabled", "bridge.jms.broker-url", "bridge.jms.user", "bridge.jms.password"
                }) {
                    sameBroker.put(key, first.get(key));
                }
                try (BridgeRun joined = BridgeRun.start(root, sameBroker)) {
                    assertThat(joined).isNotNull();
                }
            }
        }
    }
}
