package io.profilebridge.crash;

import static io.profilebridge.BridgeRun.drop;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.profilebridge.BridgeRun;
import io.profilebridge.RedeliveryWindow;
import io.profilebridge.ResultTally;
import io.profilebridge.jms.EsbBroker;
import io.profilebridge.sandbox.Simulator;
import io.profilebridge.sandbox.SimulatorSettings;
import jakarta.jms.JMSException;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The packaged bridge ({@code target/profile-bridge.jar}) in a child JVM, halted ({@link Runtime#halt}: no shutdown
 * hook runs, nothing is flushed) at each {@link CrashPoint}, then started again. A file request (OpenProspect) and a
 * JMS request (Orbit, on a broker of this test's own, as an ESB's would be) go through every point together: the
 * first to arrive waits there for the other, then the JVM halts. Each test checks that the halt happened where it
 * says (exit status, and the state it left: the store, the inbox, the queue, the simulator's ledger), and that after
 * the restart each request has exactly one result, counted over the {@link RedeliveryWindow}, and one remote run.
 * <p>
 * Each point guards a promise; breaking it on purpose (in a copy of the tree, never committed) made its test fail:
 * <ul>
 * <li>BEFORE_JOB_COMMIT: the source is acknowledged only after the commit. With {@code preMove} on the inbox route
 *     the file had left the inbox at the halt; with {@code transacted: false} on jms-requests (Camel then
 *     acknowledges on receipt) the message was not back in its queue.</li>
 * <li>AFTER_JOB_COMMIT: the committed job is on disk before the source is acknowledged. With GroupCommit flushing
 *     nothing ({@code CHECKPOINT SYNC} dropped) the store held no job at the halt; with {@code transacted: false}
 *     the message was not back in its queue.</li>
 * <li>AFTER_FILE_MOVE: the job survives its file. With GroupCommit flushing nothing the store held no job at the
 *     halt.</li>
 * <li>AFTER_POST, AFTER_ANSWER: a start is sent again under the recorded key, so the API finds its run. With a new
 *     key per start (a random Idempotency-Key and requestId) OpenProspect ran the request two or three times.</li>
 * <li>BEFORE_DELIVERY: a job is final only once its result is out. Marking it delivered, durably, before sending
 *     left both requests without a result.</li>
 * <li>AFTER_DELIVERY: a result sent again after a crash replaces its own: the file in place, the JMS message
 *     dropped by the broker for its {@code _AMQ_DUPL_ID}. Without that header the JMS request got two results;
 *     with ResultFiles never reusing an existing name the file request got two result files.</li>
 * </ul>
 */
@Execution(ExecutionMode.CONCURRENT)
class CrashPointsIT {

    private static final Path JAR = Path.of(System.getProperty("bridge.jar", "target/profile-bridge.jar"))
            .toAbsolutePath();
    private static final String FILE_REQUEST = "openprospect/crash.json";
    private static final String JMS_REQUEST = "crash-jms";

    @TempDir
    Path root;

    Simulator simulator;
    EsbBroker broker;
    ActiveMQConnectionFactory esb;
    Map<String, String> properties;
    final List<Process> children = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        simulator = Simulator.start(new SimulatorSettings().jobDurationMs(300));
        properties = BridgeRun.testProperties(root, simulator.baseUrl());
        properties.put("bridge.jms.max-delivery-attempts", "5");
        properties.put("bridge.jms.redelivery-delay-ms", "100");
        broker = EsbBroker.start(root.resolve("broker"), properties);
        esb = broker.client();
    }

    @AfterEach
    void stop() throws Exception {
        for (Process child : children) {
            child.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
        broker.close();
        simulator.close();
    }

    @ParameterizedTest
    @EnumSource(CrashPoint.class)
    void afterAHaltAtEachPointEveryRequestHasOneResultAndOneRemoteRun(CrashPoint point) throws Exception {
        drop(root, FILE_REQUEST, BridgeRun.openProspectRequest("Crash at " + point));
        sendJmsRequest(
                "{\"email\": \"crash-" + point.name().toLowerCase(Locale.ROOT).replace('_', '-') + "@example.com\"}");
        try (ResultTally tally = ResultTally.listen(esb, "profile-bridge.results", "profile-bridge.failed")) {
            Process crashing = startBridge(point, point == CrashPoint.AFTER_FILE_MOVE ? 1 : 2, "crashing.log");
            assertThat(crashing.waitFor(120, TimeUnit.SECONDS))
                    .as("halted within 120 s; see crashing.log")
                    .isTrue();
            assertThat(crashing.exitValue())
                    .as("halted by the crash point, not dead on its own")
                    .isEqualTo(CrashPoint.HALT_STATUS);
            assertThat(Files.readString(root.resolve("crashing.log"))).contains(CrashPoint.HALTING + point);
            assertHaltedWhereItSays(point, tally);

            Process restarted = startBridge(null, 0, "restarted.log");
            // results sent before the halt are already counted: the window for a second one opens when the
            // restarted bridge runs, not when the first results came
            await().atMost(Duration.ofSeconds(120))
                    .until(() -> !restarted.isAlive()
                            || Files.readString(root.resolve("restarted.log")).contains(") is running"));
            assertThat(restarted.isAlive()).as("restarted; see restarted.log").isTrue();
            if (point == CrashPoint.AFTER_JOB_COMMIT) {
                // the file the halt left under its read-lock marker is taken at once, so a second result would come
                // within the window counted below (lifecycle audit: it was taken 60 s later, and delivered again)
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> !Files.exists(BridgeRun.inbox(root).resolve(FILE_REQUEST)));
            }
            Duration window = RedeliveryWindow.of(properties);
            tally.assertExactlyOneEach(
                    List.of(JMS_REQUEST), root, List.of(FILE_REQUEST), Duration.ofSeconds(120), window);
            restarted.destroy();
            assertThat(restarted.waitFor(60, TimeUnit.SECONDS)).isTrue();
            // both jobs recorded as delivered: any result sent again was sent before that, so it is counted by now
            assertThat(jobStates()).containsExactlyInAnyOrder("openprospect DELIVERED", "orbit DELIVERED");
            tally.assertExactlyOneEach(
                    List.of(JMS_REQUEST), root, List.of(FILE_REQUEST), Duration.ofSeconds(5), window);
        }
        assertThat(BridgeRun.results(root).values())
                .allSatisfy(result -> assertThat(result.get("outcome").asText()).isEqualTo("succeeded"));
        for (String api : List.of("openprospect", "orbit")) {
            assertThat(simulator.ledger().runsPerKey(api))
                    .as(api + " runs per key")
                    .hasSize(1)
                    .allSatisfy((key, runs) -> assertThat(runs).isEqualTo(1));
        }
    }

    /** What the halt left behind shows that it came at the point, and not before or after. */
    private void assertHaltedWhereItSays(CrashPoint point, ResultTally tally) throws Exception {
        Path inboxFile = BridgeRun.inbox(root).resolve(FILE_REQUEST);
        Path movedFile = BridgeRun.inbox(root).resolve("openprospect/.done/crash.json");
        switch (point) {
            case BEFORE_JOB_COMMIT -> {
                assertThat(jobStates()).as("nothing committed").isEmpty();
                assertThat(inboxFile).exists();
                awaitRequestBackInTheQueue();
                assertThat(simulator.ledger().requests()).isEmpty();
            }
            case AFTER_JOB_COMMIT -> {
                assertThat(jobStates()).as("both jobs on disk").hasSize(2);
                assertThat(inboxFile).as("not moved yet").exists();
                awaitRequestBackInTheQueue();
            }
            case AFTER_FILE_MOVE -> {
                assertThat(movedFile).exists();
                assertThat(inboxFile).doesNotExist();
                assertThat(jobStates()).as("the file's job on disk").contains("openprospect RECEIVED");
            }
            case AFTER_POST, AFTER_ANSWER -> {
                assertThat(simulator.ledger().runsStarted("openprospect")).isEqualTo(1);
                assertThat(simulator.ledger().runsStarted("orbit")).isEqualTo(1);
                assertThat(jobStates())
                        .as("the answers are not recorded")
                        .containsExactlyInAnyOrder("openprospect RECEIVED", "orbit RECEIVED");
            }
            case BEFORE_DELIVERY -> {
                assertThat(BridgeRun.results(root)).isEmpty();
                assertThat(tally.jmsResults()).isEmpty();
            }
            case AFTER_DELIVERY -> {
                assertThat(BridgeRun.results(root)).containsOnlyKeys(FILE_REQUEST);
                await().atMost(Duration.ofSeconds(10)).until(() -> tally.jmsResults(JMS_REQUEST) == 1);
                assertThat(jobStates()).as("not marked done").noneMatch(state -> state.endsWith("DELIVERED"));
            }
        }
    }

    /** The request message is back in its queue, to be delivered again: it was never acknowledged. */
    private void awaitRequestBackInTheQueue() {
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(broker.broker().messageCount(EsbBroker.REQUESTS))
                        .as("the request in its queue, never acknowledged")
                        .isEqualTo(1));
    }

    /** "api STATE" of every job the halted bridge left on disk (its store is free once its JVM is gone). */
    private List<String> jobStates() throws SQLException {
        String url = io.profilebridge.job.JobStoreDataSource.defaultUrl(root.resolve("data"));
        List<String> states = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(url);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT api, state FROM bridge_job")) {
            while (rs.next()) {
                states.add(rs.getString(1) + " " + rs.getString(2));
            }
        }
        return states;
    }

    private void sendJmsRequest(String body) throws JMSException {
        try (jakarta.jms.Connection connection = esb.createConnection()) {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            TextMessage message = session.createTextMessage(body);
            message.setStringProperty("api", "orbit");
            message.setJMSCorrelationID(JMS_REQUEST);
            try (MessageProducer producer = session.createProducer(session.createQueue(EsbBroker.REQUESTS))) {
                producer.send(message);
            }
        }
    }

    /**
     * {@code java -cp profile-bridge.jar:<test classes> CrashingBridge} in an empty working folder (so only the
     * packaged configuration and routes count), configured by environment variables as in production.
     */
    private Process startBridge(CrashPoint point, int arrivals, String logName) throws IOException {
        Path folder = Files.createDirectories(root.resolve("work"));
        ProcessBuilder builder = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                // a short-lived JVM: start-up matters more than peak speed
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                "-cp",
                JAR + File.pathSeparator + testClasses(),
                CrashingBridge.class.getName());
        builder.directory(folder.toFile());
        builder.environment().keySet().removeIf(name -> name.startsWith("CAMEL_") || name.startsWith("BRIDGE_"));
        properties.forEach((key, value) -> builder.environment()
                .put(key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_'), value));
        if (point != null) {
            builder.environment().put("CRASH_POINT", point.name());
            builder.environment().put("CRASH_ARRIVALS", Integer.toString(arrivals));
        }
        builder.redirectErrorStream(true);
        builder.redirectOutput(root.resolve(logName).toFile());
        Process process = builder.start();
        children.add(process);
        return process;
    }

    private static String testClasses() {
        try {
            return Path.of(CrashingBridge.class
                            .getProtectionDomain()
                            .getCodeSource()
                            .getLocation()
                            .toURI())
                    .toString();
        } catch (URISyntaxException e) {
            throw new UncheckedIOException(new IOException(e));
        }
    }
}
