package io.profilebridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A value that would start a bridge that stalls, fails every call or never takes a file stops the start with one line
 * naming its key (before: silently accepted, or a component's own message such as "Repeat interval must be >= 0").
 */
class PropertyChecksTest {

    private static BridgeSettings settings(Map<String, String> overrides) throws IOException {
        Properties defaults = new Properties();
        try (InputStream in = PropertyChecksTest.class.getClassLoader().getResourceAsStream("application.properties")) {
            defaults.load(in);
        }
        return new BridgeSettings(key -> Optional.ofNullable(overrides.getOrDefault(key, defaults.getProperty(key))));
    }

    @Test
    void aValueHoldingAPlaceholderThatNamesNothingIsToldSoWithoutTheValue() throws Exception {
        // placeholders audit: ORBIT_API_KEY='sk_orb_SECRETPART_{{nope.key}}' stopped the start as "not set"
        try (org.apache.camel.impl.DefaultCamelContext context = new org.apache.camel.impl.DefaultCamelContext()) {
            Properties properties = new Properties();
            properties.setProperty("orbit.api-key", "sk_orb_SECRETPART_{{nope.key}}");
            context.getPropertiesComponent().setInitialProperties(properties);
            assertThatThrownBy(() -> new BridgeSettings(context).text("orbit.api-key"))
                    .isInstanceOf(StartupFailure.class)
                    .hasMessageStartingWith(
                            "property orbit.api-key is not set, or its value holds a placeholder ({{...}})"
                                    + " naming nothing set")
                    .message()
                    .doesNotContain("SECRETPART");
        }
    }

    @Test
    void theManagementServerAndAnotherListenerOnOnePortStopTheStart() {
        // contract audit: the management server lost the port to the embedded broker, and the bridge ran on without
        // health or metrics
        assertThatThrownBy(() -> PropertyChecks.check(settings(
                        Map.of("camel.management.port", "42427", "bridge.jms.embedded-url", "tcp://127.0.0.1:42427"))))
                .isInstanceOf(StartupFailure.class)
                .hasMessage("property bridge.jms.embedded-url names port 42427, which camel.management.port names too:"
                        + " give each its own port");
        assertThatThrownBy(() -> PropertyChecks.check(settings(
                        Map.of("camel.management.port", "8099", "sandbox.enabled", "true", "sandbox.port", "8099"))))
                .isInstanceOf(StartupFailure.class)
                .hasMessageStartingWith("property sandbox.port names port 8099");
    }

    /** Upgrade audit: a config file of an earlier release set 30000, and a deadline raised to 60 s still cut at 30 s. */
    @Test
    void aReadTimeOutShorterThanTheDeadlineIsWarnedOf() throws Exception {
        try (LogCapture logs = LogCapture.start()) {
            PropertyChecks.check(settings(Map.of()));
            PropertyChecks.check(settings(Map.of("bridge.http.deadline-ms", "60000")));
            assertThat(logs.lines()).noneMatch(line -> line.contains("is shorter than bridge.http.deadline-ms"));
            PropertyChecks.check(settings(
                    Map.of("bridge.http.deadline-ms", "60000", "camel.component.https.response-timeout", "30000")));
            assertThat(logs.lines())
                    .filteredOn(line -> line.contains("is shorter than bridge.http.deadline-ms"))
                    .singleElement()
                    .satisfies(line -> assertThat(line)
                            .contains("WARN")
                            .contains("camel.component.https.response-timeout (30000 ms) is shorter than"
                                    + " bridge.http.deadline-ms (60000 ms)"));
        }
    }

    /** Integrator audit: camel.main.profile in a file chose no profile, and the banner named it all the same. */
    @Test
    void aProfileNamedOnlyInAPropertiesFileStopsTheStartNamingTheVariable() throws IOException {
        BridgeSettings named = settings(Map.of("camel.main.profile", "acme"));
        assertThatThrownBy(() -> PropertyChecks.checkProfile(named, Optional.empty()))
                .isInstanceOf(StartupFailure.class)
                .hasMessageContaining("camel.main.profile (\"acme\") is set in a properties file")
                .hasMessageContaining("CAMEL_MAIN_PROFILE=acme");
        assertThatThrownBy(() -> PropertyChecks.checkProfile(named, Optional.of("sandbox")))
                .isInstanceOf(StartupFailure.class);
        // the variable's own value, as Camel Main's settings see it
        assertThatCode(() -> PropertyChecks.checkProfile(named, Optional.of("acme")))
                .doesNotThrowAnyException();
        // manifests audit: an empty BRIDGE_STORE_URL (an empty key of a Secret) gave a cluster pod a store of its own
        BridgeSettings clustered = settings(Map.of(
                "bridge.store.url", "jdbc:postgresql://db/bridge", "bridge.jms.broker-url", "tcp://broker:61616"));
        assertThatCode(() -> PropertyChecks.checkProfile(clustered, Optional.of("cluster")))
                .doesNotThrowAnyException();
        assertThatThrownBy(() -> PropertyChecks.checkProfile(
                        settings(Map.of("bridge.jms.broker-url", "tcp://broker:61616")), Optional.of("cluster")))
                .hasMessageContaining("property bridge.store.url is empty under the profile cluster")
                .hasMessageContaining("Is BRIDGE_STORE_URL set to an empty value");
        assertThatThrownBy(() -> PropertyChecks.checkProfile(
                        settings(Map.of(
                                "bridge.store.url", "jdbc:postgresql://db/bridge", "bridge.jms.broker-url", " ")),
                        Optional.of("cluster")))
                .hasMessageContaining("property bridge.jms.broker-url is empty under the profile cluster");
        // re-check audit: with JMS off no broker starts, so none is missing
        assertThatCode(() -> PropertyChecks.checkProfile(
                        settings(Map.of(
                                "bridge.store.url", "jdbc:postgresql://db/bridge", "bridge.jms.enabled", "false")),
                        Optional.of("cluster")))
                .doesNotThrowAnyException();
        assertThatCode(() -> PropertyChecks.checkProfile(settings(Map.of()), Optional.empty()))
                .doesNotThrowAnyException();
    }

    @Test
    void thePackagedDefaultsPass() throws IOException {
        PropertyChecks.check(settings(Map.of()));
        assertThat(settings(Map.of()).integer("bridge.retry.orbit-failed-runs")).isZero();
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "bridge.poll.tick-ms|-5|bridge.poll.tick-ms must not be negative",
                "bridge.poll.tick-ms|9223372036854775807|bridge.poll.tick-ms must be at most 31536000000 (a year)",
                "bridge.orbit.read-min-rate|Infinity|bridge.orbit.read-min-rate must be a finite number",
                "bridge.orbit.read-min-rate|300|bridge.orbit.read-min-rate must not be more than"
                        + " bridge.orbit.read-max-rate (200)",
                "bridge.openprospect.max-rate|NaN|bridge.openprospect.max-rate must be a finite number",
                "bridge.openprospect.min-rate|-Infinity|bridge.openprospect.min-rate must be a finite number",
                "bridge.inbox.poll-ms|0|bridge.inbox.poll-ms must be more than 0",
                "bridge.outbox.file-mode|999|bridge.outbox.file-mode must be three octal digits",
                "openprospect.base-url|not-a-url|openprospect.base-url must be an http:// or https:// URL",
                "orbit.base-url|https://|orbit.base-url must be an http:// or https:// URL",
                "orbit.base-url|http://127.0.0.1:99999|orbit.base-url must be an http:// or https:// URL",
                // ipv6 audit: told they had no host
                "openprospect.base-url|http://bücher.example:8099|write a non-ASCII name in its punycode form",
                "orbit.base-url|http://my_sim:8099|and a name without '_'",
                "bridge.jms.embedded-url|tcp://my_host:61616|its host is no name or address a URL may hold",
                // CLI audit: told its host was no name or address
                "bridge.jms.embedded-url|tcp://127.0.0.1:abc|: its port \"abc\" is no number",
                "bridge.store.url|jdbc:mysql://localhost/x|bridge.store.url must be a jdbc:postgresql: URL",
                "bridge.jit|tiered|bridge.jit is read at launch, from BRIDGE_JIT or -Dbridge.jit only",
                "bridge.preload-classes|false|bridge.preload-classes is read at launch, from BRIDGE_PRELOAD_CLASSES",
                "camel.management.port|abc|camel.management.port must be a port number from 0 to 65535",
                "camel.management.port|99999|camel.management.port must be a port number from 0 to 65535",
                "camel.beans.intakeRetries.maximum-redeliveries|abc|camel.beans.intakeRetries.maximum-redeliveries must",
                "camel.beans.intakeRetries.maximum-redeliveries|-5|camel.beans.intakeRetries.maximum-redeliveries must",
                "camel.beans.jmsIntakeRetries.redelivery-delay|soon|camel.beans.jmsIntakeRetries.redelivery-delay must",
                "camel.beans.intakeRetries.redelivery-delay|abc|camel.beans.intakeRetries.redelivery-delay must",
                "camel.beans.intakeRetries.use-exponential-back-off|maybe|use-exponential-back-off must be true or",
                "camel.beans.jmsIntakeRetries.back-off-multiplier|-7|camel.beans.jmsIntakeRetries.back-off-multiplier",
                "camel.management.port|\u0663\u0663\u0666\u0662\u0660|camel.management.port must be a port number",
                "bridge.metrics.camel-and-jvm|yes|bridge.metrics.camel-and-jvm must be true or false",
                "camel.opentelemetry2.enabled|nah|camel.opentelemetry2.enabled must be true or false",
                "bridge.budget.decrease-factor|2|bridge.budget.decrease-factor must be less than 1",
                "bridge.inbox.incomplete-ms|-1|bridge.inbox.incomplete-ms must not be negative",
                "bridge.jms.broker-url|tcp://127.0.0.1:notaport|bridge.jms.broker-url must name its broker",
                // re-check audit: the general rule alone
                "bridge.jms.broker-url|tcp://127.0.0.1:abc|: its port \"abc\" is no port number",
                "bridge.jms.broker-url|tcp://127.0.0.1:0|: its port \"0\" is no port number",
                "bridge.jms.broker-url|broker:61616|bridge.jms.broker-url must name its broker",
                "camel.main.shutdown-timeout|abc|camel.main.shutdown-timeout must be a whole number",
                "camel.main.shutdown-timeout|-5|camel.main.shutdown-timeout must not be negative",
                "bridge.inbox|/srv/in%41 #1|bridge.inbox cannot hold \"%\"",
                "bridge.outbox|/srv/out?x=1|bridge.outbox cannot hold \"?\"",
                "bridge.data|data;INIT=x|bridge.data cannot hold \";\"",
                "camel.component.http.connect-timeout|abc|camel.component.http.connect-timeout must be a whole number",
                "camel.component.https.response-timeout|30s|camel.component.https.response-timeout must be a whole number",
                "camel.component.http.redirect-handling-disabled|yes|redirect-handling-disabled must be true or false",
                "camel.component.https.connections-per-route|many|connections-per-route must be a whole number",
                "bridge.jms.results|profile-bridge.requests|bridge.jms.results must name another queue than",
                "bridge.jms.failed|profile-bridge.requests|bridge.jms.failed must name another queue than",
                // configuration audit
                "bridge.jms.failed|DLQ|bridge.jms.failed must name another queue than the dead-letter queue",
                "bridge.openprospect.rate|500|bridge.openprospect.rate must lie between bridge.openprospect.min-rate"
                        + " (1) and bridge.openprospect.max-rate (200)",
                "bridge.orbit.read-rate|0.5|bridge.orbit.read-rate must lie between bridge.orbit.read-min-rate (1)",
                "bridge.openprospect.max-rate|1e10|bridge.openprospect.max-rate must be at most 1000000 (calls a second",
                "bridge.orbit.start-rate|1e10|bridge.orbit.start-rate must be at most 1000000",
                "bridge.orbit.start-rate|50|bridge.orbit.start-rate must be at most 5 (Orbit's documented limit",
                "bridge.orbit.start-burst|1000|bridge.orbit.start-burst must be at most 25 (Orbit's documented limit",
                "bridge.store.pool-size|2000000000|bridge.store.pool-size must be at most 1000",
                "bridge.jms.concurrent-consumers|1001|bridge.jms.concurrent-consumers must be at most 1000",
                // retrykeys audit: a paid Orbit run after every failure, until the request's age
                "bridge.retry.orbit-failed-runs|1000000|bridge.retry.orbit-failed-runs must be at most 10 (new runs",
                "bridge.retry.openprospect-failed-runs|11|bridge.retry.openprospect-failed-runs must be at most 10",
                "bridge.outbox.folder-mode|000|bridge.outbox.folder-mode must let the owner (the bridge's own user)"
                        + " read, write and enter",
                "bridge.outbox.folder-mode|600|bridge.outbox.folder-mode must let the owner",
                "bridge.outbox.file-mode|400|bridge.outbox.file-mode must let the owner (the bridge's own user) read"
                        + " and write",
                "bridge.poll.concurrency|3000000000|bridge.poll.concurrency must be a whole number of at most 2147483647",
                // retention audit: 0.5 for a whole number was told "must be a number"
                "bridge.jms.concurrent-consumers|0.5|bridge.jms.concurrent-consumers must be a whole number, not \"0.5\"",
                "bridge.jms.concurrent-consumers|+2|bridge.jms.concurrent-consumers must be a whole number written"
                        + " without a sign, not \"+2\"",
                "camel.main.shutdown-timeout|3000000000|camel.main.shutdown-timeout must be a whole number of at most"
                        + " 2147483647",
                "orbit.base-url|HTTP://127.0.0.1:8099|orbit.base-url must be an http:// or https:// URL with its scheme"
                        + " in lower case and no #fragment",
                "openprospect.base-url|https://api.example.com/api/v1/|openprospect.base-url must be the API's root,"
                        + " without /api/v1, which the bridge adds",
                "orbit.base-url|http://127.0.0.1:8099/gw/v2/developer|orbit.base-url must be the API's root, without"
                        + " /v2/developer",
                "bridge.poll.tick-ms|1|bridge.poll.tick-ms must be at least 10 (milliseconds",
                "bridge.inbox.orphaned-lock-ms|1000|bridge.inbox.orphaned-lock-ms must be at least 5000",
                "bridge.status.backlog-sample-ms|5|bridge.status.backlog-sample-ms must be at least 10",
                "bridge.orbit.max-in-flight|0|bridge.orbit.max-in-flight must be more than 0",
                "bridge.http.slow-call-ms|0|bridge.http.slow-call-ms must be more than 0",
                // a cut-down failed result must still fit (at 1000 every result was refused until delivery gave up)
                "bridge.jms.max-message-bytes|65535|bridge.jms.max-message-bytes must be at least 65536",
                "bridge.jms.max-disk-usage|101|bridge.jms.max-disk-usage must be a percentage of at most 100",
                // lifecycle audit: at 100 every start answer was cut off after the run was charged
                "bridge.http.max-answer-bytes|100|bridge.http.max-answer-bytes must be at least 65536"
            })
    void aValueThatCannotWorkStopsTheStartNamingItsKey(String key, String value, String message) {
        assertThatThrownBy(() -> PropertyChecks.check(settings(Map.of(key, value))))
                .isInstanceOf(StartupFailure.class)
                .hasMessageContaining(message)
                .hasMessageContaining("\"" + value + "\"");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                // placeholders audit: ?x=1 was taken, and went onto every call's URL
                "orbit.base-url|http://127.0.0.1:8099/?token=QUERYSECRET|must be the API's root, without a ?query",
                // re-check audit: an encoded ? was decoded by Camel and the root cut there, without a word
                "orbit.base-url|http://127.0.0.1:8099/prefix%3Fx=QUERYSECRET|must be the API's root, without a ?query",
                "orbit.base-url|http://127.0.0.1:8099/prefix%23QUERYSECRET|must be the API's root, without a ?query",
                "openprospect.base-url|http://127.0.0.1:8099#k=QUERYSECRET|must be an http:// or https:// URL with its"
                        + " scheme in lower case and no #fragment"
            })
    void anApiRootWithAQueryOrFragmentStopsTheStartWithoutShowingThem(String key, String value, String message) {
        // a query or fragment may carry a secret: not shown
        assertThatThrownBy(() -> PropertyChecks.check(settings(Map.of(key, value))))
                .isInstanceOf(StartupFailure.class)
                .hasMessageContaining("property " + key + " " + message)
                // readme-walk audit: the line showed the clean root alone, as if that were what it refused
                .hasMessageEndingWith("not shown)")
                .message()
                .doesNotContain("QUERYSECRET");
    }

    @Test
    void httpTimeoutsMayBeZeroAndResultsMayShareOneQueue() throws IOException {
        // 0: HttpClient sets no limit of its own; every call still has bridge.http.deadline-ms
        PropertyChecks.check(settings(Map.of(
                "camel.component.http.connect-timeout", "0",
                "bridge.jms.results", "esb.replies",
                "bridge.jms.failed", "esb.replies")));
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "openprospect.api-key|lnc_live_Abcd1234,TAILSECRET9",
                "openprospect.api-key|lnc_live_Abcd1234 TAILSECRET9",
                "orbit.api-key|sk_orb_x;y\"z"
            })
    void aKeyNoBearerTokenCanCarryIsRefusedWithoutShowingIt(String key, String value) {
        assertThatThrownBy(() -> PropertyChecks.check(settings(Map.of(key, value))))
                .isInstanceOf(StartupFailure.class)
                .hasMessageContaining("property " + key + " holds a character no Authorization header can carry")
                .hasMessageNotContaining("TAIL")
                .hasMessageNotContaining("sk_orb");
    }

    @Test
    void keysOfTheDocumentedShapesPass() throws IOException {
        PropertyChecks.check(settings(
                Map.of("openprospect.api-key", " lnc_live_Abc-12.3~x+y/z== ", "orbit.api-key", "sk_orb_testkey_0001")));
    }

    @Test
    void aUrlHoldingAUserOrPasswordIsRefusedWithoutShowingThem() {
        // operations audit: the refusal quoted the URL, and with it the key an operator had put before the host
        assertThatThrownBy(() -> PropertyChecks.check(
                        settings(Map.of("orbit.base-url", "https://plainKeyValue123456@api.orbitsearch.com"))))
                .hasMessage("property orbit.base-url must not hold a user or password before its host"
                        + " (\"https://****@api.orbitsearch.com\"): the API key goes in orbit.api-key");
        assertThatThrownBy(() -> PropertyChecks.check(
                        settings(Map.of("openprospect.base-url", "https://ops:plainPw77@api.example.com x"))))
                .hasMessageContaining("openprospect.base-url must be an http:// or https:// URL")
                .hasMessageNotContaining("plainPw77");
        assertThatThrownBy(() -> PropertyChecks.check(
                        settings(Map.of("bridge.store.url", "jdbc:mysql://db:s3cret@localhost/x"))))
                .hasMessageContaining("\"jdbc:mysql://****@localhost/x\"");
        assertThatThrownBy(() -> PropertyChecks.check(
                        settings(Map.of("bridge.store.url", "jdbc:postgresql://pgu:PgUiPw55@127.0.0.1:5432/db"))))
                .hasMessage("property bridge.store.url must not hold a user or password before its host"
                        + " (\"jdbc:postgresql://****@127.0.0.1:5432/db\"): set bridge.store.user and"
                        + " bridge.store.password");
    }

    @Test
    void aQueueNameHoldsNoUriSyntaxAndRequestsAreNotTheDeadLetterQueue() throws Exception {
        assertThatThrownBy(() -> PropertyChecks.check(settings(Map.of("bridge.jms.results", "res?timeToLive=1"))))
                .hasMessage("property bridge.jms.results must be a queue's name, without ?, &, %, #, braces or"
                        + " spaces, not \"res?timeToLive=1\"");
        assertThatThrownBy(() -> PropertyChecks.check(settings(Map.of("bridge.jms.requests", "DLQ"))))
                .hasMessageStartingWith("property bridge.jms.requests must name another queue than the dead-letter");
        PropertyChecks.check(settings(Map.of("bridge.jms.results", "orders.results-v2/eu:1")));
        assertThatThrownBy(() -> PropertyChecks.check(settings(Map.of("bridge.jms.results", "activemq.notifications"))))
                .hasMessageContaining("must not name one of the broker's own addresses");
    }

    @Test
    void theEmbeddedBrokersTwoAccountsHaveANameEach() throws Exception {
        assertThatThrownBy(() -> PropertyChecks.check(settings(Map.of("bridge.jms.client-user", "profile-bridge"))))
                .hasMessage("property bridge.jms.client-user must name another account than the bridge's own"
                        + " (bridge.jms.user, \"profile-bridge\") at the embedded broker");
        assertThatThrownBy(() -> PropertyChecks.check(settings(Map.of("bridge.jms.user", "esb"))))
                .hasMessageContaining("(bridge.jms.user, \"esb\")");
        PropertyChecks.check(settings(Map.of("bridge.jms.user", "esb", "bridge.jms.broker-url", "tcp://mq:61616")));
    }

    @Test
    void theIntakeRetriesTakeWhatCamelTakes() throws Exception {
        // review: the bridge's positive-number rule refused Camel's 0, -1 (for ever) and "5s"
        PropertyChecks.check(settings(Map.of(
                "camel.beans.intakeRetries.maximum-redeliveries", "0",
                "camel.beans.jmsIntakeRetries.maximum-redeliveries", "-1",
                "camel.beans.intakeRetries.redelivery-delay", "5s",
                "camel.beans.jmsIntakeRetries.maximum-redelivery-delay", "1m30s")));
    }

    @Test
    void aPostgresqlStoreNeedsTwoPooledConnections() throws Exception {
        String url = "jdbc:postgresql://127.0.0.1:5432/db";
        assertThatThrownBy(() ->
                        PropertyChecks.check(settings(Map.of("bridge.store.url", url, "bridge.store.pool-size", "1"))))
                .hasMessage("property bridge.store.pool-size must be at least 2 with a PostgreSQL store (a claim holds"
                        + " a connection while it takes a shared call place with another), not \"1\"");
        PropertyChecks.check(settings(Map.of("bridge.store.url", url, "bridge.store.pool-size", "2")));
        PropertyChecks.check(settings(Map.of("bridge.store.url", "jdbc:h2:./own", "bridge.store.pool-size", "1")));
    }

    @Test
    void theBrokerUrlsArtemisReadsPass() {
        for (String url : List.of(
                "tcp://broker:61616",
                "tcp://broker:61616?sslEnabled=true&trustStorePath=/x",
                "(tcp://a:61616,tcp://b:61617)?ha=true&reconnectAttempts=-1",
                "tcp://[::1]:61616",
                "tcp://bridge:s3cret@broker:61616",
                "tcp://a:61616?sslEnabled=true&trustStorePath=file:///etc/pki/ts.p12",
                "tcp://h:61616?sslEnabled=true&trustStorePassword=ENC(-5a2376c61c668aaf)",
                "udp://231.7.7.7:9876")) {
            assertThatCode(() -> PropertyChecks.brokerAddresses(url)).as(url).doesNotThrowAnyException();
        }
    }

    /** Matrix audit: amqp:// stopped the start with "Schema amqp not found", naming no property. */
    @Test
    void aBrokerUrlOfAnotherProtocolIsRefusedByName() {
        for (String url : List.of(
                "amqp://127.0.0.1:61616",
                "vm://0",
                "(tcp://a:61616,amqp://b:5672)",
                "ssl://broker:61617",
                "TCP://broker:61616",
                "failover:(tcp://a:61616)",
                "tcp://",
                "tcp://:61616")) {
            assertThatThrownBy(() -> PropertyChecks.brokerAddresses(url))
                    .as(url)
                    .hasMessageStartingWith("property bridge.jms.broker-url must name its broker as tcp://host:port")
                    .hasMessageContaining("amqp:// and openwire are for the ESB's clients");
        }
    }

    @Test
    void everyNumberTheBridgeReadsIsCheckedTheSameWay() throws IOException {
        assertThatThrownBy(
                        () -> settings(Map.of("bridge.retry.max-age-ms", "-1")).number("bridge.retry.max-age-ms"))
                .hasMessage("property bridge.retry.max-age-ms must not be negative, not \"-1\"");
        assertThatThrownBy(
                        () -> settings(Map.of("bridge.orbit.start-rate", "0")).decimal("bridge.orbit.start-rate"))
                .hasMessage("property bridge.orbit.start-rate must be more than 0, not \"0\"");
        assertThatThrownBy(
                        () -> settings(Map.of("bridge.poll.concurrency", "0")).integer("bridge.poll.concurrency"))
                .hasMessage("property bridge.poll.concurrency must be more than 0, not \"0\"");
    }

    @Test
    void zeroStaysAllowedWhereItMeansSomething() throws IOException {
        BridgeSettings zeros = settings(Map.of(
                "bridge.retry.openprospect-failed-runs", "0",
                "bridge.poll.first-delay-ms", "0",
                "bridge.inbox.stable-ms", "0",
                // re-check audit: documented as "0: never", it stopped the start
                "bridge.http.idle-close-ms", "0"));
        PropertyChecks.check(zeros);
        assertThat(zeros.integer("bridge.retry.openprospect-failed-runs")).isZero();
        assertThat(zeros.number("bridge.poll.first-delay-ms")).isZero();
        assertThat(zeros.number("bridge.http.idle-close-ms")).isZero();
    }

    /**
     * Secrets audit: /q/dev/eval-language read the API keys in clear, and /q/dev/send sent anywhere. Management-security
     * audit: /q/send read the process's environment through a file: endpoint, and /q/upload wrote above the routes
     * folder and a route file the next start ran.
     */
    @Test
    void camelsManagementSwitchesThatReadSecretsOrWriteFilesStopTheStart() {
        assertThatThrownBy(() ->
                        PropertyChecks.refuseManagementPowers(Map.of("camel.management.dev-console-enabled", true)))
                .isInstanceOf(StartupFailure.class)
                .hasMessageContaining("property camel.management.dev-console-enabled would serve Camel's developer"
                        + " consoles on the management port, which answers without a login");
        for (String key : List.of(
                "camel.management.send-enabled",
                "camel.management.upload-enabled",
                "camel.management.download-enabled")) {
            assertThatThrownBy(() -> PropertyChecks.refuseManagementPowers(Map.of(key, true)))
                    .isInstanceOf(StartupFailure.class)
                    .hasMessageStartingWith("property " + key + " would serve /q/")
                    .hasMessageContaining("which answers without a login");
        }
        assertThatCode(() -> PropertyChecks.refuseManagementPowers(Map.of(
                        "camel.management.dev-console-enabled", false,
                        "camel.management.send-enabled", false,
                        "camel.management.upload-enabled", false,
                        "camel.management.download-enabled", false)))
                .doesNotThrowAnyException();
    }

    /** Re-check audit: the management login switched on with no accounts asked no one for one, without a word. */
    @Test
    void camelsLoginWithoutItsAccountsStopsTheStart() {
        assertThatThrownBy(() -> PropertyChecks.refuseLoginWithoutAccounts(true, false))
                .isInstanceOf(StartupFailure.class)
                .hasMessageContaining(
                        "camel.management.authentication-enabled needs" + " camel.management.basic-properties-file");
        assertThatCode(() -> PropertyChecks.refuseLoginWithoutAccounts(true, true))
                .doesNotThrowAnyException();
        assertThatCode(() -> PropertyChecks.refuseLoginWithoutAccounts(false, false))
                .doesNotThrowAnyException();
    }

    /** Secrets audit: /observe/info answered 500, logging a NullPointerException, when JMX was off (the default). */
    @Test
    void camelsInfoPageWithoutJmxStopsTheStart() {
        assertThatThrownBy(() -> PropertyChecks.refuseInfoWithoutJmx(true, false))
                .isInstanceOf(StartupFailure.class)
                .hasMessageContaining("camel.management.info-enabled needs camel.main.jmx-enabled=true");
        assertThatCode(() -> PropertyChecks.refuseInfoWithoutJmx(true, true)).doesNotThrowAnyException();
        assertThatCode(() -> PropertyChecks.refuseInfoWithoutJmx(false, false)).doesNotThrowAnyException();
    }
}
