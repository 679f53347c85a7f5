package io.profilebridge.operations;

import static io.profilebridge.BridgeRun.drop;
import static io.profilebridge.BridgeRun.results;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.profilebridge.BridgeRun;
import io.profilebridge.sandbox.Simulator;
import io.profilebridge.sandbox.SimulatorSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The status page in a real browser: headless Chromium (Debian's package; .ci/run installs it) renders it with the
 * network closed to everything but the bridge, dumps the DOM it built and takes a screenshot.
 */
class StatusPageBrowserTest {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

    @TempDir
    Path root;

    @Test
    void thePageRendersWithNoExternalAssets() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM), "Debian's chromium package is not installed");
        try (Simulator simulator = Simulator.start(new SimulatorSettings().jobDurationMs(100))) {
            var properties = BridgeRun.testProperties(root, simulator.baseUrl());
            properties.put("bridge.status.backlog-sample-ms", "100");
            drop(
                    root,
                    "openprospect/a.json",
                    "{\"profile_name\": \"p\", \"ideal_customer_profile\": \"x\", \"target_countries\": []}");
            drop(root, "orbit/b.json", "{\"email\": \"a@example.com\"}");
            try (BridgeRun bridge = BridgeRun.start(root, properties)) {
                await().atMost(Duration.ofSeconds(20)).until(() -> results(root).size() == 2);
                String url = "http://127.0.0.1:" + properties.get("camel.management.port") + "/";
                String dom = chromium("--dump-dom", url);
                assertThat(dom)
                        .contains("<h1>profile-bridge</h1>")
                        .contains("id=\"counts\"")
                        .contains("data-api=\"orbit\"")
                        .contains("<polyline")
                        .contains("id=\"rejections\"")
                        .contains("validation_error")
                        .contains("a.json");
                Path screenshot = root.resolve("status-page.png");
                chromium("--screenshot=" + screenshot, "--window-size=1000,700", url);
                assertThat(screenshot).exists();
                assertThat(Files.size(screenshot)).isGreaterThan(5_000);
                Files.createDirectories(Path.of("target"));
                Files.copy(
                        screenshot,
                        Path.of("target/status-page.png"),
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    private String chromium(String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                CHROMIUM.toString(),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--user-data-dir=" + Files.createTempDirectory(root, "chromium")));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command)
                .redirectError(root.resolve("chromium.log").toFile())
                .start();
        String out = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return out;
    }
}
