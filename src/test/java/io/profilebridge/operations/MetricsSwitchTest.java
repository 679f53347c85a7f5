package io.profilebridge.operations;

import static org.assertj.core.api.Assertions.assertThat;

import io.profilebridge.BridgeRun;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** bridge.metrics.camel-and-jvm=false leaves only the bridge's own metrics on /observe/metrics. */
class MetricsSwitchTest {

    @TempDir
    Path root;

    @Test
    void oneFlagSwitchesCamelsAndTheJvmsMetricsOff() throws Exception {
        var properties = BridgeRun.testProperties(root, "http://127.0.0.1:9");
        properties.put("bridge.metrics.camel-and-jvm", "false");
        try (BridgeRun bridge = BridgeRun.start(root, properties)) {
            String metrics = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                                            + properties.get("camel.management.port") + "/observe/metrics"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
            assertThat(metrics)
                    .contains("profile_bridge_jobs{")
                    .contains("profile_bridge_submitted_total{")
                    .doesNotContain("camel_exchanges_")
                    .doesNotContain("camel_route_policy_")
                    .doesNotContain("camel_routes_")
                    .doesNotContain("jvm_")
                    .doesNotContain("process_cpu_usage");
        }
    }
}
