package io.profilebridge.faults;

import static io.profilebridge.BridgeRun.drop;
import static io.profilebridge.BridgeRun.results;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.profilebridge.BridgeRun;
import io.profilebridge.sandbox.Ledger;
import io.profilebridge.sandbox.Simulator;
import io.profilebridge.sandbox.SimulatorSettings;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A call of a bucket leaves only after the answer of the one before has been read (bridge.*max-in-flight = 1), so
 * none is on its way when a 429 or 503 opens a Retry-After window. The simulator answers slowly, so calls sent
 * together would arrive together; the ledger shows when each arrived.
 */
class OneCallInFlightTest {

    private static final long ANSWER_MS = 300;
    private static final int RETRY_AFTER_SECONDS = 1;

    @TempDir
    Path root;

    Simulator simulator;
    Map<String, String> properties;

    @BeforeEach
    void start() {
        simulator = Simulator.start(new SimulatorSettings()
                .jobDurationMs(300)
                .addedLatencyMs(ANSWER_MS)
                .retryAfterSeconds(RETRY_AFTER_SECONDS));
        properties = BridgeRun.testProperties(root, simulator.baseUrl());
    }

    @AfterEach
    void stop() {
        simulator.close();
    }

    @Test
    void jobsOfOneBucketCallOneAfterTheOtherAndNoneLandsInsideAWindow() throws Exception {
        simulator.settings().rateLimitedShare(1);
        for (int i = 0; i < 3; i++) {
            drop(root, "openprospect/op-" + i + ".json", BridgeRun.openProspectRequest("op-" + i));
        }
        try (BridgeRun bridge = BridgeRun.start(root, properties)) {
            Ledger.Request limited =
                    await().atMost(Duration.ofSeconds(15)).until(() -> firstAnswered(429), r -> r != null);
            simulator.settings().rateLimitedShare(0);
            await().atMost(Duration.ofSeconds(30)).until(() -> results(root).size() == 3);

            List<Ledger.Request> calls = simulator.ledger().requests().stream()
                    .filter(r -> r.api().equals("openprospect"))
                    .sorted(Comparator.comparingLong(Ledger.Request::at))
                    .toList();
            assertThat(calls).hasSizeGreaterThanOrEqualTo(6);
            for (int i = 1; i < calls.size(); i++) {
                assertThat(calls.get(i).at() - calls.get(i - 1).at())
                        .as("call %d arrived after call %d had been answered", i, i - 1)
                        .isGreaterThanOrEqualTo(ANSWER_MS);
            }
            long windowEnd = limited.at() + ANSWER_MS + RETRY_AFTER_SECONDS * 1000L;
            assertThat(calls)
                    .filteredOn(r -> r.at() > limited.at())
                    .allSatisfy(r -> assertThat(r.at()).isGreaterThanOrEqualTo(windowEnd));
            assertThat(simulator.ledger().requestsInsideBucketWindows()).isZero();
            assertThat(simulator.ledger().requestsBeforeRetryAfter()).isZero();
            assertThat(metrics())
                    .contains(
                            "profile_bridge_api_max_calls_in_flight{api=\"openprospect\",bucket=\"openprospect\"} 1.0")
                    .contains("profile_bridge_api_calls_in_flight{api=\"openprospect\",bucket=\"openprospect\"}");
        }
        assertThat(results(root).values())
                .allSatisfy(r -> assertThat(r.get("outcome").asText()).isEqualTo("succeeded"));
    }

    @Test
    void anOrbitStartIsNotOnItsWayWhileAReadAwaitsItsAnswer() throws Exception {
        simulator.settings().jobDurationMs(1000);
        for (int i = 0; i < 3; i++) {
            drop(root, "orbit/orb-" + i + ".json", "{\"email\": \"orb" + i + "@example.com\"}");
        }
        try (BridgeRun bridge = BridgeRun.start(root, properties)) {
            await().atMost(Duration.ofSeconds(30)).until(() -> results(root).size() == 3);
        }
        List<Ledger.Request> calls = simulator.ledger().requests().stream()
                .filter(r -> r.api().equals("orbit"))
                .sorted(Comparator.comparingLong(Ledger.Request::at))
                .toList();
        assertThat(calls.stream().map(Ledger.Request::method).distinct()).contains("POST", "GET");
        for (int i = 1; i < calls.size(); i++) {
            assertThat(calls.get(i).at() - calls.get(i - 1).at())
                    .as(
                            "Orbit call %d (%s) arrived after call %d had been answered",
                            i, calls.get(i).method(), i - 1)
                    .isGreaterThanOrEqualTo(ANSWER_MS);
        }
    }

    private Ledger.Request firstAnswered(int status) {
        return simulator.ledger().requests().stream()
                .filter(r -> r.status() == status)
                .findFirst()
                .orElse(null);
    }

    private String metrics() throws Exception {
        String management = "http://127.0.0.1:" + properties.get("camel.management.port");
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(management + "/observe/metrics"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
    }
}
