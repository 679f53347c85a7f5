package io.profilebridge.faults;

import static io.profilebridge.BridgeRun.drop;
import static io.profilebridge.BridgeRun.results;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.profilebridge.BridgeRun;
import io.profilebridge.Json;
import io.profilebridge.LogCapture;
import io.profilebridge.intake.RequestAcceptance;
import io.profilebridge.sandbox.Simulator;
import io.profilebridge.sandbox.SimulatorSettings;
import jakarta.jms.Connection;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
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
import org.apache.logging.log4j.util.SortedArrayStringMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What reaches a log line: never an API key, even with every logger at DEBUG; never a line an outsider wrote. */
class LogSafetyTest {

    private static final String BUYERS = "{\"profile_name\": \"Buyers\", \"ideal_customer_profile\": \"B2B SaaS\", "
            + "\"target_countries\": [\"DE\"]}";
    private static final String BRIDGE_PASSWORD = "bridge-broker-secret-7731";
    private static final String CLIENT_PASSWORD = "esb-broker-secret-9182";
    private static final String STORE_PASSWORD = "store-secret-4410";
    /** What a forged line would look like, after the line break an outside value smuggles in. */
    private static final String FORGED = "2026-01-01T10:00:00.000Z INFO  [main] Forged - ";

    @TempDir
    Path root;

    @AfterEach
    void restoreLogLevels() {
        ((LoggerContext) LogManager.getContext(false)).reconfigure();
    }

    /**
     * Every logger at DEBUG, HttpClient's headers and wire included, through a file request and a JMS request (the
     * embedded broker and its logins, the pooled client), a refused one among them: no API key, broker password or
     * store password in any line.
     */
    @Test
    void noSecretReachesAnyLineWithEveryLoggerAtDebug() throws Exception {
        List<String> lines;
        try (Simulator simulator = Simulator.start(new SimulatorSettings().jobDurationMs(100))) {
            String url = "tcp://127.0.0.1:" + BridgeRun.freePort();
            Map<String, String> properties = BridgeRun.testProperties(root, simulator.baseUrl());
            properties.put("bridge.jms.enabled", "true");
            properties.put("bridge.jms.embedded-url", url);
            properties.put("bridge.jms.password", BRIDGE_PASSWORD);
            properties.put("bridge.jms.client-password", CLIENT_PASSWORD);
            properties.put("bridge.store.user", "bridge");
            properties.put("bridge.store.password", STORE_PASSWORD);
            Configurator.setAllLevels(LogManager.ROOT_LOGGER_NAME, Level.DEBUG);
            Configurator.setLevel("org.apache.hc.client5.http.wire", Level.DEBUG);
            Configurator.setLevel("org.apache.hc.client5.http.headers", Level.DEBUG);
            try (LogCapture logs = LogCapture.start()) {
                drop(root, "openprospect/a.json", BUYERS);
                drop(root, "orbit/b.json", "{\"email\": \"a@example.com\"}");
                drop(root, "orbit/refused.json", "{\"email\": \"jane@localhost\"}");
                try (BridgeRun bridge = BridgeRun.start(root, properties)) {
                    Connection connection =
                            new ActiveMQConnectionFactory(url, "esb", CLIENT_PASSWORD).createConnection();
                    try (connection) {
                        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
                        TextMessage message = session.createTextMessage("{\"email\": \"c@example.com\"}");
                        message.setStringProperty("api", "orbit");
                        try (MessageProducer producer =
                                session.createProducer(session.createQueue("profile-bridge.requests"))) {
                            producer.send(message);
                        }
                        connection.start();
                        try (var results = session.createConsumer(session.createQueue("profile-bridge.results"))) {
                            assertThat(results.receive(30_000)).isNotNull();
                        }
                    }
                    await().atMost(Duration.ofSeconds(30))
                            .until(() -> results(root).size() == 3);
                }
                lines = logs.lines();
            }
        }
        // DEBUG really was on, down to HttpClient's headers and the bytes on the wire, and the broker's own loggers
        assertThat(lines).anyMatch(line -> line.contains("] headers ") && line.contains(">> Authorization: Bearer"));
        assertThat(lines).anyMatch(line -> line.contains("] wire ") && line.contains(">> \"Authorization: Bearer"));
        assertThat(lines).anyMatch(line -> line.contains("DEBUG") && line.contains("activemq"));
        for (String secret : List.of(
                "testkey_0001",
                BridgeRun.OPENPROSPECT_KEY,
                BridgeRun.ORBIT_KEY,
                BRIDGE_PASSWORD,
                CLIENT_PASSWORD,
                STORE_PASSWORD)) {
            assertThat(lines).as(secret).noneMatch(line -> line.contains(secret));
        }
    }

    @Test
    void bothLayoutsEscapeMessagesAndStackTracesAndMaskKeys() throws Exception {
        Throwable cause = new IllegalStateException("answer\n" + FORGED
                + "FORGED-IN-TRACE \u001b[31m\u0007\u0000\u007f\u202e with Bearer " + BridgeRun.ORBIT_KEY + " and "
                + BridgeRun.OPENPROSPECT_KEY + " at ht!tp://user:OtelSecret99@bad host");
        LogEvent event = Log4jLogEvent.newBuilder()
                .setLoggerName("io.profilebridge.Test")
                .setLevel(Level.WARN)
                .setMessage(new SimpleMessage("file x\r\n" + FORGED
                        + "FORGED-IN-MESSAGE \u001b[31m \u202egnp.json \u061cALM "
                        // logging audit: NEL and the line separator, which JSON need not escape, split a line in
                        // tools reading them as line ends
                        + "nel\u0085ls\u2028 "
                        + BridgeRun.OPENPROSPECT_KEY + " bridge.jms.client-password = " + CLIENT_PASSWORD
                        + " broker tcp://bridge:BrkSecretXYZ@127.0.0.1:61616"
                        // secrets audit: a URL missing a slash; review: a host before an address stays
                        + " and http:/uu:OneSlashPw4@h"
                        + " Orbit at http://127.0.0.1:33602 answered 400 for jane.doe@example.com"
                        // security audit: Camel's lines at DEBUG and TRACE, with a key of a shape the masks did not
                        // know
                        + " property openprospect.api-key with value: lnc_live_K9;TailSecret1,More to be used"
                        + " Parsed uri bridge.store.password -> StorePw_Secr3tValue"))
                .setThrown(cause)
                .build();

        String plain = LogCapture.consoleLayout().toSerializable(event).toString();
        assertThat(plain.lines()).noneMatch(line -> line.startsWith(FORGED));
        assertThat(plain)
                .contains(
                        "FORGED-IN-MESSAGE",
                        "FORGED-IN-TRACE",
                        "\\r\\n" + FORGED,
                        "Bearer ****",
                        "client-password = ****",
                        "tcp://****@127.0.0.1:61616",
                        "tp://****@bad host")
                .doesNotContain("testkey_0001")
                .doesNotContain(CLIENT_PASSWORD)
                .doesNotContain("BrkSecretXYZ")
                .doesNotContain("TailSecret1")
                .doesNotContain("Secr3tValue")
                .doesNotContain("OtelSecret99")
                .doesNotContain("OneSlashPw4")
                .contains("http://127.0.0.1:33602 answered 400 for jane.doe@example.com")
                // REST audit: a stack trace's control characters reached the console as they came
                .doesNotContain("\u001b", "\u0007", "\u0000", "\u007f")
                // inbox audit: a right-to-left override in a file name showed the rest of the line reversed; the
                // log-injection audit's Arabic letter mark came through
                .doesNotContain("\u202e", "\u061c");

        String line = inJsonLayout(event);
        assertThat(line.lines()).hasSize(1);
        assertThat(line)
                .contains("FORGED-IN-MESSAGE", "FORGED-IN-TRACE", "Bearer ****", "client-password = ****")
                .contains("tcp://****@127.0.0.1:61616", "tp://****@bad host")
                .doesNotContain("testkey_0001")
                .doesNotContain(CLIENT_PASSWORD)
                .doesNotContain("BrkSecretXYZ")
                .doesNotContain("TailSecret1")
                .doesNotContain("Secr3tValue")
                .doesNotContain("OtelSecret99")
                .doesNotContain("OneSlashPw4")
                .contains("http://127.0.0.1:33602 answered 400 for jane.doe@example.com")
                // logging audit: JSON escapes C0 controls only; the bidirectional marks came raw
                .doesNotContain("\u202e", "\u0085", "\u2028", "\u061c");
        assertThat(Json.parse(line).get("error.stack_trace").asText()).contains("FORGED-IN-TRACE", "Bearer ****");
        // a line with no exception has no error fields, not an empty "error.stack_trace" (operations audit)
        LogEvent plainEvent = Log4jLogEvent.newBuilder()
                .setLoggerName("io.profilebridge.Test")
                .setLevel(Level.INFO)
                .setMessage(new SimpleMessage("nothing went wrong"))
                .build();
        JsonNode quiet = Json.parse(inJsonLayout(plainEvent));
        assertThat(quiet.fieldNames()).toIterable().doesNotContain("error.stack_trace", "error.type");
    }

    /**
     * Deployment audit: with BRIDGE_LOG_LEVEL=DEBUG the PostgreSQL driver logged "Connecting with URL:
     * jdbc:postgresql://host/app?password=SECRET&user=****": the mask of "password=" ended at the last "=" of the line,
     * so it hid the user and showed the password. A store or broker URL's password, pass or secret parameter is
     * masked, whatever its case and wherever it stands, in both layouts, message and stack trace.
     */
    @Test
    void aPasswordInAUrlsParametersIsMaskedInBothLayouts() throws Exception {
        String urls = "Connecting with URL: jdbc:postgresql://host/app?password=PgSecret1&user=app"
                + " broker tcp://broker:61616?user=bridge&password=ArtSecret2&sslEnabled=true"
                + " amqp://broker:5672?jms.username=esb&PASS=PassSecret3"
                + " https://exporter/v1?Secret=OtelSecret4 jdbc:postgresql://db/app?user=app&Password=PgSecret5";
        LogEvent event = Log4jLogEvent.newBuilder()
                .setLoggerName("org.postgresql.Driver")
                .setLevel(Level.DEBUG)
                .setMessage(new SimpleMessage(urls))
                .setThrown(new IllegalStateException("could not connect to " + urls))
                .build();
        List<String> secrets = List.of("PgSecret1", "ArtSecret2", "PassSecret3", "OtelSecret4", "PgSecret5");

        String plain = LogCapture.consoleLayout().toSerializable(event).toString();
        assertThat(plain)
                .contains("app?password=****", "&password=****", "&PASS=****", "?Secret=****", "&Password=****")
                .contains("could not connect to");
        secrets.forEach(secret -> assertThat(plain).doesNotContain(secret));

        String line = inJsonLayout(event);
        assertThat(Json.parse(line).get("message").asText())
                .contains("app?password=****", "&password=****", "&PASS=****", "?Secret=****", "&Password=****");
        assertThat(Json.parse(line).get("error.stack_trace").asText()).contains("could not connect to");
        secrets.forEach(secret -> assertThat(line).doesNotContain(secret));
    }

    /**
     * A line break in every outside value that reaches a log line: a file name, an envelope's key (in the rejection
     * that names it and as a job's key), an Orbit body's requestId, the JMS correlation id, the api and idempotencyKey
     * properties, a JMSReplyTo name, and the error code and message of an API's answer.
     */
    @Test
    void aLineBreakInAnOutsideValueNeverStartsALineOfItsOwn() throws Exception {
        List<String> values = List.of(
                "FORGED-NAME",
                "FORGED-KEY",
                "FORGED-JOB-KEY",
                "FORGED-REQUEST-ID",
                "FORGED-API",
                "FORGED-CORRELATION",
                "FORGED-JMS-KEY",
                "FORGED-REPLY",
                "FORGED-API-CODE");
        List<String> lines;
        try (Simulator simulator = Simulator.start(new SimulatorSettings().jobDurationMs(100));
                MisbehavingOpenProspect openProspect = new MisbehavingOpenProspect()) {
            String url = "tcp://127.0.0.1:" + BridgeRun.freePort();
            Map<String, String> properties = BridgeRun.testProperties(root, simulator.baseUrl());
            // its status answers FAILED with the profile name as the error code and message, line breaks and all
            properties.put("openprospect.base-url", openProspect.baseUrl());
            properties.put("bridge.jms.enabled", "true");
            properties.put("bridge.jms.embedded-url", url);
            properties.put("bridge.jms.client-user", "esb");
            properties.put("bridge.jms.client-password", "log-safety-test");
            Path folder = Files.createDirectories(BridgeRun.inbox(root).resolve("openprospect"));
            // a file name
            Files.writeString(folder.resolve("name\n" + FORGED + "FORGED-NAME.json"), BUYERS);
            // an envelope's key, in the rejection that names it and as the job key of an accepted request
            drop(
                    root,
                    "key.json",
                    "{\"api\": \"orbit\", \"idempotencyKey\": \"k1\\r\\n" + FORGED
                            + "FORGED-KEY\", \"request\": {\"email\": \"a@example.com\", \"requestId\": \"other\"}}");
            drop(
                    root,
                    "job-key.json",
                    "{\"api\": \"orbit\", \"idempotencyKey\": \"k2\\n" + FORGED
                            + "FORGED-JOB-KEY\", \"request\": {\"email\": \"b@example.com\"}}");
            // an Orbit body's own key
            drop(
                    root,
                    "orbit/request-id.json",
                    "{\"requestId\": \"r1\\n" + FORGED + "FORGED-REQUEST-ID\", " + "\"email\": \"d@example.com\"}");
            // the API's error code and message
            drop(
                    root,
                    "openprospect/failing.json",
                    BridgeRun.openProspectRequest("forged-failure\\n" + FORGED + "FORGED-API-CODE"));
            // an accepted job's key is named only by the line that accepts it, which is DEBUG
            Configurator.setLevel(RequestAcceptance.class.getName(), Level.DEBUG);
            try (LogCapture logs = LogCapture.start();
                    BridgeRun bridge = BridgeRun.start(root, properties)) {
                Connection connection = new ActiveMQConnectionFactory(url, "esb", "log-safety-test").createConnection();
                try (connection) {
                    Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
                    // a JMS correlation id and api property
                    TextMessage message = session.createTextMessage("{\"email\": \"c@example.com\"}");
                    message.setStringProperty("api", "orbit\n" + FORGED + "FORGED-API");
                    message.setJMSCorrelationID("c1\n" + FORGED + "FORGED-CORRELATION");
                    // a JMS key property
                    TextMessage keyed = session.createTextMessage("{\"email\": \"e@example.com\"}");
                    keyed.setStringProperty("api", "orbit");
                    keyed.setStringProperty("idempotencyKey", "k3\n" + FORGED + "FORGED-JMS-KEY");
                    // a reply destination
                    TextMessage replying = session.createTextMessage("{\"email\": \"f@example.com\"}");
                    replying.setStringProperty("api", "orbit");
                    replying.setJMSReplyTo(session.createQueue("replies\n" + FORGED + "FORGED-REPLY"));
                    try (MessageProducer producer =
                            session.createProducer(session.createQueue("profile-bridge.requests"))) {
                        for (TextMessage each : List.of(message, keyed, replying)) {
                            producer.send(each);
                        }
                    }
                }
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> results(root).containsKey("failed/key.json")
                                && values.stream()
                                        .allMatch(
                                                value -> logs.lines().stream().anyMatch(line -> line.contains(value))));
                lines = logs.lines();
            }
        }
        for (String value : values) {
            assertThat(lines).as(value).anyMatch(line -> line.contains(value));
        }
        // a log reader splits on \r and \n alike: no line may begin with what an outsider wrote
        assertThat(lines).noneMatch(line -> line.startsWith(FORGED));
    }

    /**
     * Logging audit: the JSON layout wrote the MDC as it came, so a caller's idempotency key holding a configured key
     * came out whole ("idempotencyKey":"key-lnc_live_...", where the result said "key-[API key]"), and raw U+202E.
     */
    @Test
    void aJobsKeyInTheJsonFieldsIsMaskedAndCleanedAsTheMessageIs() throws Exception {
        SortedArrayStringMap context = new SortedArrayStringMap();
        context.putValue("jobId", "job-1");
        context.putValue("idempotencyKey", "key-" + BridgeRun.OPENPROSPECT_KEY + " \u202eyek");
        context.putValue("trace.id", "4bf92f3577b34da6a3ce929d0e0e4736");
        LogEvent event = Log4jLogEvent.newBuilder()
                .setLoggerName("io.profilebridge.Test")
                .setLevel(Level.INFO)
                .setMessage(new SimpleMessage("Result succeeded"))
                .setContextData(context)
                .build();

        JsonNode line = Json.parse(inJsonLayout(event));

        assertThat(line.get("idempotencyKey").asText())
                .startsWith("key-lnc_live_****")
                .doesNotContain(BridgeRun.OPENPROSPECT_KEY.substring("lnc_live_".length()))
                .doesNotContain("\u202e");
        assertThat(line.get("jobId").asText()).isEqualTo("job-1");
        assertThat(line.get("trace.id").asText()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
    }

    /**
     * Logging audit: the JSON configuration lacked a quieting rule of the plain one (the OTLP exporter's ERRORs). Each
     * logger the plain configuration sets is set alike in the JSON one (the start-up banner's is the plain layout's own).
     */
    @Test
    void theJsonConfigurationQuietsTheLoggersThePlainOneDoes() throws Exception {
        Properties plain = new Properties();
        try (var in = LogSafetyTest.class.getResourceAsStream("/log4j2.properties")) {
            plain.load(in);
        }
        Properties json = new Properties();
        try (var in = Files.newInputStream(Path.of("config/log4j2-json.properties"))) {
            json.load(in);
        }
        for (String name : plain.stringPropertyNames()) {
            if (name.startsWith("logger.") && !name.startsWith("logger.banner.")) {
                assertThat(json.getProperty(name)).as(name).isEqualTo(plain.getProperty(name));
            }
        }
    }

    /**
     * Log-injection audit: with BRIDGE_LOG_LEVEL=DEBUG the embedded broker's AMQP frame trace logged each incoming
     * request whole, its body with personal data; it keeps its own level in both layouts, as HttpClient's wire does.
     */
    @Test
    void theAmqpFrameTraceDoesNotFollowTheRootToDebug() throws Exception {
        inBothLayouts((file, config) -> {
            // set by name, not inherited from the root that BRIDGE_LOG_LEVEL sets
            assertThat(config.getLoggerConfig("proton.trace"))
                    .as(file)
                    .satisfies(trace -> assertThat(trace.getName()).isEqualTo("proton.trace"))
                    .satisfies(trace -> assertThat(trace.getLevel()).isEqualTo(Level.INFO));
            assertThat(config.getLoggerConfig("org.apache.qpid.proton.engine.impl.SaslImpl"))
                    .as(file)
                    .satisfies(qpid -> assertThat(qpid.getName()).isEqualTo("org.apache.qpid"))
                    .satisfies(qpid -> assertThat(qpid.getLevel()).isEqualTo(Level.WARN));
        });
    }

    /**
     * JMS-backlog audit: a clean SIGTERM with an ESB consumer connected printed Artemis's "AMQ222230: Failed to send
     * notification" and a stack trace ("IDGenerator has been stopped"); both layouts leave that line out, and keep the
     * broker's other warnings.
     */
    @Test
    void theBrokersNotificationFailureAtItsStopIsLeftOut() throws Exception {
        inBothLayouts((file, config) -> {
            var server = config.getLoggerConfig("org.apache.activemq.artemis.core.server");
            assertThat(server.isFiltered(brokerWarning("AMQ222230: Failed to send notification")))
                    .as(file)
                    .isTrue();
            assertThat(server.isFiltered(brokerWarning("AMQ222010: Critical IO Error, shutting down the server")))
                    .as(file)
                    .isFalse();
        });
    }

    /**
     * Re-check audit: the start-up banner printed a folder setting's U+202E raw; its lines keep their line breaks (the
     * banner is several lines) and lose the other control characters, as every other line does.
     */
    @Test
    void theBannerNeutralisesControlCharactersAndKeepsItsLines() {
        inBothLayouts((file, config) -> {
            if (config.getAppender("banner") == null) {
                return; // the JSON layout writes the banner as one JSON line, escaped
            }
            String banner = config.getAppender("banner")
                    .getLayout()
                    .toSerializable(Log4jLogEvent.newBuilder()
                            .setLoggerName("io.profilebridge.StartupChecks")
                            .setLevel(Level.INFO)
                            .setMessage(new SimpleMessage("profile-bridge\n  inbox   /srv/in\u202ebox\u001b[31m"))
                            .build())
                    .toString();
            assertThat(banner)
                    .contains("\n  inbox   /srv/in\uFFFDbox\uFFFD[31m")
                    .doesNotContain("\u202e", "\u001b");
        });
    }

    /** Runs the check on the plain and the JSON layout's configuration, each loaded on its own. */
    private static void inBothLayouts(java.util.function.BiConsumer<String, Configuration> check) {
        for (String file : List.of("src/main/resources/log4j2.properties", "config/log4j2-json.properties")) {
            Configuration config = ConfigurationFactory.getInstance()
                    .getConfiguration(
                            new LoggerContext(file),
                            ConfigurationSource.fromUri(Path.of(file).toUri()));
            config.initialize();
            try {
                check.accept(file, config);
            } finally {
                config.stop();
            }
        }
    }

    private static LogEvent brokerWarning(String message) {
        return Log4jLogEvent.newBuilder()
                .setLoggerName("org.apache.activemq.artemis.core.server")
                .setLevel(Level.WARN)
                .setMessage(new SimpleMessage(message))
                .build();
    }

    /** The event as the JSON layout (config/log4j2-json.properties) writes it, in a configuration of its own. */
    private static String inJsonLayout(LogEvent event) {
        Configuration json = ConfigurationFactory.getInstance()
                .getConfiguration(
                        new LoggerContext("json-layout"),
                        ConfigurationSource.fromUri(
                                Path.of("config/log4j2-json.properties").toUri()));
        json.initialize();
        try {
            return json.getAppender("console").getLayout().toSerializable(event).toString();
        } finally {
            json.stop();
        }
    }
}
