package io.profilebridge.cluster;

import static io.profilebridge.BridgeRun.drop;
import static io.profilebridge.BridgeRun.results;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.profilebridge.BridgeProcess;
import io.profilebridge.BridgeRun;
import io.profilebridge.jms.BrokerAccounts;
import io.profilebridge.jms.EmbeddedBroker;
import io.profilebridge.sandbox.Simulator;
import io.profilebridge.sandbox.SimulatorSettings;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import jakarta.jms.Connection;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three bridge JVMs sharing one PostgreSQL job store, one Artemis broker and one inbox. 300 requests by file
 * and JMS; one instance is SIGKILLed mid-run. Every request gets exactly one result, one remote run, and the
 * instances together stay within Orbit's start limit (the simulator enforces 5/s, burst 25, and never had to).
 */
class ClusterTest {

    private static final int FILES_PER_API = 100;
    private static final int JMS_PER_API = 50;

    @TempDir
    Path root;
    EmbeddedPostgres postgres;
    EmbeddedBroker broker;
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
        String brokerUrl = "tcp://127.0.0.1:" + BridgeRun.freePort();
        BrokerAccounts accounts = new BrokerAccounts(new BrokerAccounts.Login("bridge", "bridge-secret"),
                new BrokerAccounts.Login("esb", "esb-secret"));
        broker = EmbeddedBroker.start(new EmbeddedBroker.Settings(root.resolve("broker"), brokerUrl,
                new EmbeddedBroker.Queues("profile-bridge.requests", "profile-bridge.results", "profile-bridge.failed"),
                accounts, 5, 1000, 10 * 1024 * 1024));
        for (int i = 0; i < 3; i++) {
            Map<String, String> properties = BridgeRun.testProperties(root, simulator.baseUrl());
            properties.put("bridge.data", root.resolve("data-" + i).toString());
            properties.put("bridge.instance-id", "node-" + i);
            properties.put("bridge.store.url", postgres.getJdbcUrl("postgres", "postgres"));
            properties.put("bridge.store.user", "postgres");
            properties.put("bridge.store.password", "postgres");
            properties.put("bridge.jms.enabled", "true");
            properties.put("bridge.jms.broker-url", brokerUrl);
            properties.put("bridge.jms.user", accounts.bridge().user());
            properties.put("bridge.jms.password", accounts.bridge().password());
            instances.add(BridgeProcess.start(properties, root.resolve("node-" + i + ".log")));
        }

        Set<String> jmsResults = ConcurrentHashMap.newKeySet();
        try (Connection connection = new ActiveMQConnectionFactory(brokerUrl, "esb", "esb-secret").createConnection()) {
            connection.start();
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer results = session.createConsumer(session.createQueue("profile-bridge.results"));
            results.setMessageListener(message -> {
                try {
                    jmsResults.add(message.getJMSCorrelationID());
                } catch (jakarta.jms.JMSException e) {
                    throw new IllegalStateException(e);
                }
            });
            try (MessageProducer producer = session.createProducer(session.createQueue("profile-bridge.requests"))) {
                for (int i = 0; i < JMS_PER_API; i++) {
                    TextMessage orbit = session.createTextMessage("{\"email\": \"jms" + i + "@example.com\"}");
                    orbit.setStringProperty("api", "orbit");
                    orbit.setJMSCorrelationID("orbit-" + i);
                    producer.send(orbit);
                    TextMessage openProspect = session.createTextMessage("{\"api\": \"openprospect\", \"request\": "
                            + "{\"profile_name\": \"JMS " + i + "\", \"ideal_customer_profile\": \"x\", \"target_countries\": [\"DE\"]}}");
                    openProspect.setJMSCorrelationID("openprospect-" + i);
                    producer.send(openProspect);
                }
            }
            for (int i = 0; i < FILES_PER_API; i++) {
                drop(root, "openprospect/op-" + i + ".json", "{\"profile_name\": \"File " + i
                        + "\", \"ideal_customer_profile\": \"SaaS\", \"target_countries\": [\"DE\"]}");
                drop(root, "orbit/orb-" + i + ".json", "{\"email\": \"file" + i + "@example.com\"}");
            }

            await().atMost(Duration.ofSeconds(90)).until(() -> simulator.ledger().runsStarted("orbit") >= 60);
            instances.get(0).destroyForcibly().waitFor();

            await().atMost(Duration.ofSeconds(180)).until(() ->
                    results(root).size() >= 2 * FILES_PER_API && jmsResults.size() >= 2 * JMS_PER_API);
        }
        assertThat(results(root)).hasSize(2 * FILES_PER_API);
        assertThat(results(root).values()).allSatisfy(r -> assertThat(r.get("outcome").asText()).isEqualTo("succeeded"));
        assertThat(jmsResults).hasSize(2 * JMS_PER_API);
        int perApi = FILES_PER_API + JMS_PER_API;
        assertThat(simulator.ledger().runsPerKey("openprospect")).hasSize(perApi).allSatisfy((k, n) -> assertThat(n).isEqualTo(1));
        assertThat(simulator.ledger().runsPerKey("orbit")).hasSize(perApi).allSatisfy((k, n) -> assertThat(n).isEqualTo(1));
        assertThat(simulator.ledger().rateLimitExceeded("orbit")).as("Orbit start limit never exceeded").isZero();
        assertThat(simulator.ledger().requestsBeforeRetryAfter()).isZero();
    }
}
