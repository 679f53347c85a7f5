package io.profilebridge.faults;

import static io.profilebridge.BridgeRun.drop;
import static io.profilebridge.BridgeRun.results;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.profilebridge.BridgeRun;
import io.profilebridge.LogCapture;
import io.profilebridge.intake.RequestAcceptance;
import io.profilebridge.sandbox.Simulator;
import io.profilebridge.sandbox.SimulatorSettings;
import jakarta.jms.Connection;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.ConfigurationFactory;
import org.apache.logging.log4j.core.config.ConfigurationSource;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.logging.log4j.core.impl.Log4jLogEvent;
import org.apache.logging.log4j.message.SimpleMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What reaches a log line: never an API key, even with every logger at DEBUG; never a line an outsider wrote. */
class LogSafetyTest {

    private static final String BUYERS = "{\"profile_name\": \"Buyers\", \"ideal_customer_profile\": \"B2B SaaS\", "
            + "\"target_countries\": [\"DE\"]}";
    /** What a forged line would look like, after the line break an outside value smuggles in. */
    private static final String FORGED = "10:00:00.000 INFO  [main] Forged - ";

    @TempDir
    Path root;

    @AfterEach
    void restoreLogLevels() {
        ((LoggerContext) LogManager.getContext(false)).reconfigure();
    }

    @Test
    void noApiKeyReachesAnyLineWithEveryLoggerAtDebug() {
        List<String> lines;
        try (Simulator simulator = Simulator.start(new SimulatorSettings().jobDurationMs(100))) {
            Configurator.setAllLevels(LogManager.ROOT_LOGGER_NAME, Level.DEBUG);
            Configurator.setLevel("org.apache.hc.client5.http.wire", Level.DEBUG);
            Configurator.setLevel("org.apache.hc.client5.http.headers", Level.DEBUG);
            try (LogCapture logs = LogCapture.start()) {
                drop(root, "openprospect/a.json", BUYERS);
                drop(root, "orbit/b.json", "{\"email\": \"a@example.com\"}");
                try (BridgeRun bridge = BridgeRun.start(root, BridgeRun.testProperties(root, simulator.baseUrl()))) {
                    await().atMost(Duration.ofSeconds(30)).until(() -> results(root).size() == 2);
                }
                lines = logs.lines();
            }
        }
        // DEBUG really was on, down to HttpClient's headers and the bytes on the wire
        assertThat(lines).anyMatch(line -> line.contains("] headers ") && line.contains(">> Authorization: Bearer"));
        assertThat(lines).anyMatch(line -> line.contains("] wire ") && line.contains(">> \"Authorization: Bearer"));
        assertThat(lines).noneMatch(line -> line.contains("testkey_0001"))
                .noneMatch(line -> line.contains(BridgeRun.OPENPROSPECT_KEY) || line.contains(BridgeRun.ORBIT_KEY));
    }

    @Test
    void bothLayoutsEscapeMessagesAndStackTracesAndMaskKeys() {
        Throwable cause = new IllegalStateException("answer\n" + FORGED + "FORGED-IN-TRACE with Bearer "
                + BridgeRun.ORBIT_KEY + " and " + BridgeRun.OPENPROSPECT_KEY);
        LogEvent event = Log4jLogEvent.newBuilder().setLoggerName("io.profilebridge.Test").setLevel(Level.WARN)
                .setMessage(new SimpleMessage("file x\r\n" + FORGED + "FORGED-IN-MESSAGE \u001b[31m "
                        + BridgeRun.OPENPROSPECT_KEY)).setThrown(cause).build();

        String plain = LogCapture.consoleLayout().toSerializable(event).toString();
        assertThat(plain.lines()).noneMatch(line -> line.startsWith(FORGED));
        assertThat(plain).contains("FORGED-IN-MESSAGE", "FORGED-IN-TRACE", "\\r\\n" + FORGED, "Bearer ****")
                .doesNotContain("testkey_0001").doesNotContain("\u001b");

        // a configuration of its own, so the test's own logging stays as it is
        Configuration json = ConfigurationFactory.getInstance().getConfiguration(new LoggerContext("json-layout"),
                ConfigurationSource.fromUri(Path.of("config/log4j2-json.properties").toUri()));
        json.initialize();
        try {
            String line = json.getAppender("console").getLayout().toSerializable(event).toString();
            assertThat(line.lines()).hasSize(1);
            assertThat(line).contains("FORGED-IN-MESSAGE", "FORGED-IN-TRACE", "Bearer ****").doesNotContain("testkey_0001");
        } finally {
            json.stop();
        }
    }

    @Test
    void aLineBreakInAnOutsideValueNeverStartsALineOfItsOwn() throws Exception {
        List<String> lines;
        try (Simulator simulator = Simulator.start(new SimulatorSettings().jobDurationMs(100))) {
            String url = "tcp://127.0.0.1:" + BridgeRun.freePort();
            Map<String, String> properties = BridgeRun.testProperties(root, simulator.baseUrl());
            properties.put("bridge.jms.enabled", "true");
            properties.put("bridge.jms.embedded-url", url);
            properties.put("bridge.jms.client-user", "esb");
            properties.put("bridge.jms.client-password", "log-safety-test");
            Path folder = Files.createDirectories(BridgeRun.inbox(root).resolve("openprospect"));
            // a file name
            Files.writeString(folder.resolve("name\n" + FORGED + "FORGED-NAME.json"), BUYERS);
            // an envelope's key, in the rejection that names it and as the job key of an accepted request
            drop(root, "key.json", "{\"api\": \"orbit\", \"idempotencyKey\": \"k1\\r\\n" + FORGED
                    + "FORGED-KEY\", \"request\": {\"email\": \"a@example.com\", \"requestId\": \"other\"}}");
            drop(root, "job-key.json", "{\"api\": \"orbit\", \"idempotencyKey\": \"k2\\n" + FORGED
                    + "FORGED-JOB-KEY\", \"request\": {\"email\": \"b@example.com\"}}");
            // an accepted job's key is named only by the line that accepts it, which is DEBUG
            Configurator.setLevel(RequestAcceptance.class.getName(), Level.DEBUG);
            try (LogCapture logs = LogCapture.start(); BridgeRun bridge = BridgeRun.start(root, properties)) {
                // a JMS correlation id and api property
                Connection connection = new ActiveMQConnectionFactory(url, "esb", "log-safety-test").createConnection();
                try (connection) {
                    Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
                    TextMessage message = session.createTextMessage("{\"email\": \"c@example.com\"}");
                    message.setStringProperty("api", "orbit\n" + FORGED + "FORGED-API");
                    message.setJMSCorrelationID("c1\n" + FORGED + "FORGED-CORRELATION");
                    try (MessageProducer producer = session.createProducer(session.createQueue("profile-bridge.requests"))) {
                        producer.send(message);
                    }
                }
                await().atMost(Duration.ofSeconds(30)).until(() -> results(root).containsKey("failed/key.json")
                        && List.of("FORGED-NAME", "FORGED-JOB-KEY", "FORGED-CORRELATION").stream().allMatch(value ->
                                logs.lines().stream().anyMatch(line -> line.contains(value))));
                lines = logs.lines();
            }
        }
        for (String value : List.of("FORGED-NAME", "FORGED-KEY", "FORGED-JOB-KEY", "FORGED-API", "FORGED-CORRELATION")) {
            assertThat(lines).as(value).anyMatch(line -> line.contains(value));
        }
        // a log reader splits on \r and \n alike: no line may begin with what an outsider wrote
        assertThat(lines).noneMatch(line -> line.startsWith(FORGED));
    }
}
