package io.profilebridge.faults;

import static io.profilebridge.BridgeRun.drop;
import static io.profilebridge.BridgeRun.results;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.profilebridge.BridgeRun;
import io.profilebridge.Json;
import io.profilebridge.sandbox.Ledger;
import io.profilebridge.sandbox.RetryAfterFormat;
import io.profilebridge.sandbox.Simulator;
import io.profilebridge.sandbox.SimulatorSettings;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The API sees one client per key: a 429's Retry-After pauses every call of its bucket (not just the job that got
 * it), a 503's pauses the whole API, and a limit the API does not document is found by adapting to its 429s. The
 * simulator's ledger counts every call that reached a bucket inside a window it had opened.
 */
class BucketPauseTest {

    /**
     * Long enough for the status page to be read while the pause lasts on a loaded CI host (4 s failed there twice:
     * the page was read after the pause had ended); every test's results wait it out once.
     */
    private static final int RETRY_AFTER_SECONDS = 8;

    private static final String PAUSE_CAUSE = "Retry-After " + RETRY_AFTER_SECONDS + " (" + RETRY_AFTER_SECONDS + " s)";

    @TempDir
    Path root;

    Simulator simulator;
    Map<String, String> properties;
    String management;

    @BeforeEach
    void start() {
        simulator = Simulator.start(new SimulatorSettings().jobDurationMs(300).retryAfterSeconds(RETRY_AFTER_SECONDS));
        properties = BridgeRun.testProperties(root, simulator.baseUrl());
        management = "http://127.0.0.1:" + properties.get("camel.management.port");
    }

    @AfterEach
    void stop() {
        simulator.close();
    }

    @Test
    void aRateLimitOnOneJobPausesEveryCallOfItsBucketAndNoOtherBucket() throws Exception {
        simulator.settings().rateLimitedShare(1);
        drop(root, "openprospect/first.json", BridgeRun.openProspectRequest("first"));
        try (BridgeRun bridge = BridgeRun.start(root, properties)) {
            get("/"); // the page's first rendering (template, classes) is not to eat the window it is read in
            Ledger.Request limited =
                    await().atMost(Duration.ofSeconds(15)).until(() -> firstAnswered(429), r -> r != null);
            simulator.settings().rateLimitedShare(0);
            for (int i = 0; i < 4; i++) {
                drop(root, "openprospect/op-" + i + ".json", BridgeRun.openProspectRequest("op-" + i));
                drop(root, "orbit/orb-" + i + ".json", "{\"email\": \"orb" + i + "@example.com\"}");
            }
            // the simulator logs its 429 as it answers; the bridge records the pause once it has read that answer
            await().atMost(Duration.ofSeconds(RETRY_AFTER_SECONDS - 1))
                    .untilAsserted(() -> assertThat(get("/"))
                            .as("the status page names the paused key and its cause")
                            .contains("data-bucket=\"openprospect\" class=\"failed\"")
                            .contains("429, " + PAUSE_CAUSE));
            assertThat(Json.MAPPER.readTree(get("/jobs?api=openprospect")).findValuesAsText("pauseCause"))
                    .as("/jobs says why the jobs of the paused bucket wait")
                    .contains("429, " + PAUSE_CAUSE);
            assertThat(metric(
                            get("/observe/metrics"),
                            "profile_bridge_api_paused_seconds",
                            "openprospect",
                            "openprospect"))
                    .isPositive();
            await().atMost(Duration.ofSeconds(30)).until(() -> results(root).size() == 9);

            long from = limited.at();
            long until = from + RETRY_AFTER_SECONDS * 1000L;
            assertThat(requestsBetween("openprospect", from, until))
                    .as("OpenProspect calls inside the window")
                    .isEmpty();
            assertThat(requestsBetween("orbit", from, until))
                    .as("Orbit's buckets went on meanwhile")
                    .isNotEmpty();
            assertThat(simulator.ledger().requestsInsideBucketWindows()).isZero();
            assertThat(simulator.ledger().requestsBeforeRetryAfter()).isZero();
            assertThat(metric(
                            get("/observe/metrics"), "profile_bridge_api_pauses_total", "openprospect", "openprospect"))
                    .isEqualTo(1);
        }
        assertThat(results(root).values())
                .allSatisfy(r -> assertThat(r.get("outcome").asText()).isEqualTo("succeeded"));
    }

    @Test
    void aServerErrorWithRetryAfterPausesTheWholeApi() throws Exception {
        simulator.settings().jobDurationMs(6000);
        drop(root, "orbit/running.json", "{\"email\": \"running@example.com\"}");
        try (BridgeRun bridge = BridgeRun.start(root, properties)) {
            get("/"); // the page's first rendering (template, classes) is not to eat the window it is read in
            await().atMost(Duration.ofSeconds(15))
                    .until(() -> simulator.ledger().statusReads("orbit") >= 1);
            simulator.settings().serverErrorShare(1);
            Ledger.Request unavailable =
                    await().atMost(Duration.ofSeconds(15)).until(() -> firstAnswered(503), r -> r != null);
            simulator.settings().serverErrorShare(0);
            assertThat(unavailable.method()).as("a status read got the 503").isEqualTo("GET");
            drop(root, "orbit/started-later.json", "{\"email\": \"later@example.com\"}");
            await().atMost(Duration.ofSeconds(RETRY_AFTER_SECONDS - 1))
                    .untilAsserted(() -> assertThat(get("/"))
                            .contains("data-bucket=\"orbit-starts\" class=\"failed\"")
                            .contains("data-bucket=\"orbit-reads\" class=\"failed\"")
                            .contains("503, " + PAUSE_CAUSE));
            await().atMost(Duration.ofSeconds(30)).until(() -> results(root).size() == 2);

            long from = unavailable.at();
            assertThat(requestsBetween("orbit", from, from + RETRY_AFTER_SECONDS * 1000L))
                    .as("no Orbit call, start or read, inside the 503's window")
                    .isEmpty();
            assertThat(simulator.ledger().requestsInsideBucketWindows()).isZero();
        }
    }

    @Test
    void anUndocumentedLimitIsFoundByAdaptingToItsRateLimits() throws Exception {
        simulator.settings().retryAfterSeconds(1);
        adaptsToTheSimulatorsOpenProspectLimit(16);
    }

    @Test
    void anUndocumentedLimitWhose429sCarryNoRetryAfterIsFoundTheSameWay() throws Exception {
        // neither API document promises a Retry-After; the bridge's default pause and its adaptive rate pace it then
        simulator.settings().retryAfterFormat(RetryAfterFormat.NONE);
        adaptsToTheSimulatorsOpenProspectLimit(8);
    }

    /**
     * Neither API document promises a Retry-After, which the simulator sends by default: Orbit's 429s and 503s without
     * one, on starts and status reads, pause with the bridge's own default and lose nothing, and no start runs twice
     * (simulator-fidelity audit: only OpenProspect's 429 was tested without the header).
     */
    @Test
    void orbitsRateLimitsAndServerErrorsWithoutRetryAfterLoseNothingAndRunNothingTwice() {
        simulator
                .settings()
                .retryAfterFormat(RetryAfterFormat.NONE)
                .rateLimitedShare(0.4)
                .serverErrorShare(0.4);
        int requests = 6;
        for (int i = 0; i < requests; i++) {
            drop(root, "orbit/orb-" + i + ".json", "{\"email\": \"orb" + i + "@example.com\"}");
        }
        try (BridgeRun bridge = BridgeRun.start(root, properties)) {
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> firstAnswered(429) != null && firstAnswered(503) != null);
            simulator.settings().rateLimitedShare(0.2).serverErrorShare(0.2);
            await().atMost(Duration.ofSeconds(60)).until(() -> results(root).size() == requests);
        }
        assertThat(results(root).values())
                .allSatisfy(r -> assertThat(r.get("outcome").asText()).isEqualTo("succeeded"));
        assertThat(simulator.ledger().runsPerKey("orbit"))
                .hasSize(requests)
                .allSatisfy((k, n) -> assertThat(n).isEqualTo(1));
    }

    private void adaptsToTheSimulatorsOpenProspectLimit(int requests) throws Exception {
        simulator.settings().openProspectRate(2).openProspectBurst(2);
        properties.put("bridge.openprospect.rate", "20");
        properties.put("bridge.openprospect.burst", "5");
        properties.put("bridge.orbit.read-rate", "20");
        properties.put("bridge.budget.increase-interval-ms", "2000");
        for (int i = 0; i < requests; i++) {
            drop(root, "openprospect/op-" + i + ".json", BridgeRun.openProspectRequest("op-" + i));
        }
        try (BridgeRun bridge = BridgeRun.start(root, properties)) {
            await().atMost(Duration.ofSeconds(60)).until(() -> results(root).size() == requests);
            String metrics = get("/observe/metrics");
            assertThat(simulator.ledger().rateLimitExceeded("openprospect"))
                    .as("the limit was met")
                    .isPositive();
            assertThat(metric(metrics, "profile_bridge_api_rate", "openprospect", "openprospect"))
                    .as("and the rate came down towards it")
                    .isLessThanOrEqualTo(10);
            assertThat(metric(metrics, "profile_bridge_api_pauses_total", "openprospect", "openprospect"))
                    .isPositive();
            assertThat(metric(metrics, "profile_bridge_api_rate", "orbit", "orbit-reads"))
                    .as("another bucket keeps its rate")
                    .isEqualTo(20);
        }
        assertThat(results(root).values())
                .allSatisfy(r -> assertThat(r.get("outcome").asText()).isEqualTo("succeeded"));
        assertThat(simulator.ledger().runsPerKey("openprospect"))
                .hasSize(requests)
                .allSatisfy((k, n) -> assertThat(n).isEqualTo(1));
    }

    private Ledger.Request firstAnswered(int status) {
        return simulator.ledger().requests().stream()
                .filter(r -> r.status() == status)
                .findFirst()
                .orElse(null);
    }

    /** Requests that reached the API after {@code from} (the answer that opened the window excluded) and before {@code until}. */
    private List<Ledger.Request> requestsBetween(String api, long from, long until) {
        return simulator.ledger().requests().stream()
                .filter(r -> r.api().equals(api) && r.at() > from && r.at() < until)
                .toList();
    }

    private String get(String path) throws Exception {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(management + path)).build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
    }

    /** One sample of a Prometheus metric with api and bucket labels. */
    static double metric(String exposition, String name, String api, String bucket) {
        Matcher m = Pattern.compile("(?m)^" + name + "\\{api=\"" + api + "\",bucket=\"" + bucket + "\"} (\\S+)$")
                .matcher(exposition);
        assertThat(m.find()).as(name + " for " + bucket + " in\n" + exposition).isTrue();
        return Double.parseDouble(m.group(1));
    }
}
