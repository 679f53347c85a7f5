package io.profilebridge.faults;

import static io.profilebridge.BridgeRun.drop;
import static io.profilebridge.BridgeRun.results;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.profilebridge.BridgeRun;
import io.profilebridge.api.Api;
import io.profilebridge.sandbox.Simulator;
import io.profilebridge.sandbox.SimulatorSettings;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** API keys never reach a result, the job store, the health check or the metrics, even on the error paths. */
class SecretsTest {

    @TempDir
    Path root;

    @Test
    void keysAppearNowhereAnOperatorOrIntegratorCanRead() throws Exception {
        try (Simulator simulator =
                Simulator.start(new SimulatorSettings().jobDurationMs(100).serverErrorShare(0.3))) {
            simulator.settings().revokedKeys().add(BridgeRun.ORBIT_KEY);
            var properties = BridgeRun.testProperties(root, simulator.baseUrl());
            properties.put("bridge.retry.hold-interval-ms", "200");
            drop(
                    root,
                    "openprospect/a.json",
                    "{\"profile_name\": \"p\", \"ideal_customer_profile\": \"x\", \"target_countries\": [\"DE\"]}");
            drop(root, "orbit/b.json", "{\"email\": \"a@example.com\"}");
            try (BridgeRun bridge = BridgeRun.start(root, properties)) {
                await().atMost(Duration.ofSeconds(20)).until(() -> results(root).size() == 1);
                String base = "http://127.0.0.1:" + properties.get("camel.management.port");
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> get(base + "/observe/health").contains("api_key_invalid"));
                String everything = get(base + "/observe/health")
                        + get(base + "/observe/metrics")
                        + results(root)
                        + bridge.store().list(Api.OPENPROSPECT, null, 0, 10).stream()
                                .map(j -> bridge.store().findById(j.id()).orElseThrow())
                                .map(j -> j.lastError() + j.result() + j.lastStatus() + j.requestBody() + j.source())
                                .toList()
                        + bridge.store().list(Api.ORBIT, null, 0, 10).stream()
                                .map(j -> bridge.store().findById(j.id()).orElseThrow())
                                .map(j -> j.lastError() + j.result() + j.lastStatus() + j.requestBody() + j.source())
                                .toList();
                assertThat(everything)
                        .doesNotContain(BridgeRun.OPENPROSPECT_KEY)
                        .doesNotContain(BridgeRun.ORBIT_KEY)
                        .doesNotContain("lnc_live_")
                        .doesNotContain("sk_orb_");
            }
        }
    }

    @Test
    void aKeyTheApiEchoesIsMaskedInTheResultTheStoreAndTheHealthCheck() throws Exception {
        try (MisbehavingOpenProspect api = new MisbehavingOpenProspect()) {
            var properties = BridgeRun.testProperties(root, api.baseUrl());
            drop(root, "openprospect/echo.json", BridgeRun.openProspectRequest("echo-key"));
            try (BridgeRun bridge = BridgeRun.start(root, properties)) {
                String base = "http://127.0.0.1:" + properties.get("camel.management.port");
                await().atMost(Duration.ofSeconds(20)).until(() -> results(root).containsKey("openprospect/echo.json"));
                // a 401 holds the whole API, so this one comes second
                drop(root, "openprospect/refused.json", BridgeRun.openProspectRequest("echo-key-error"));
                await().atMost(Duration.ofSeconds(20))
                        .until(() -> get(base + "/observe/health").contains("http_401"));
                String everything = get(base + "/observe/health")
                        + get(base + "/jobs")
                        + results(root)
                        + bridge.store().list(Api.OPENPROSPECT, null, 0, 10).stream()
                                .map(j -> bridge.store().findById(j.id()).orElseThrow())
                                .map(j -> j.lastError() + j.result() + j.lastStatus())
                                .toList();
                assertThat(everything)
                        .contains("Invalid API key: [API key]")
                        .contains("\"served_for\":\"Bearer [API key]\"")
                        .doesNotContain(BridgeRun.OPENPROSPECT_KEY);
            }
        }
    }

    @Test
    void aKeyInTheCallersOwnTextIsMaskedInTheResultTheStoreAndJobs() throws Exception {
        try (Simulator simulator = Simulator.start(new SimulatorSettings().jobDurationMs(100))) {
            var properties = BridgeRun.testProperties(root, simulator.baseUrl());
            // a file that is no JSON, whose first token the parser's message quotes (black-box audit: the key reached
            // the result's error and /jobs), and a valid request that carries the other key in a field
            drop(root, "orbit/env-file.json", BridgeRun.ORBIT_KEY + " is the key");
            drop(
                    root,
                    "openprospect/key-in-body.json",
                    "{\"profile_name\": \"" + BridgeRun.OPENPROSPECT_KEY
                            + "\", \"ideal_customer_profile\": \"x\", \"target_countries\": [\"DE\"]}");
            try (BridgeRun bridge = BridgeRun.start(root, properties)) {
                String base = "http://127.0.0.1:" + properties.get("camel.management.port");
                await().atMost(Duration.ofSeconds(20)).until(() -> results(root).size() == 2);
                String everything = get(base + "/jobs")
                        + results(root)
                        + java.util.stream.Stream.of(Api.values())
                                .flatMap(api -> bridge.store().list(api, null, 0, 10).stream())
                                .map(j -> bridge.store().findById(j.id()).orElseThrow())
                                .map(j -> j.lastError() + j.result())
                                .toList();
                assertThat(results(root).toString())
                        .contains("request_not_json")
                        .contains("\"outcome\":\"succeeded\"")
                        .contains("Unrecognized token (" + BridgeRun.ORBIT_KEY.length() + " characters, not shown)")
                        .contains("\"profile_name\":\"[API key]\"");
                assertThat(everything)
                        .doesNotContain(BridgeRun.OPENPROSPECT_KEY)
                        .doesNotContain(BridgeRun.ORBIT_KEY);
            }
        }
    }

    private static String get(String url) throws Exception {
        return HttpClient.newHttpClient()
                .send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString())
                .body();
    }
}
