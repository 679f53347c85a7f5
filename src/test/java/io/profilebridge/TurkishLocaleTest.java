package io.profilebridge;

import static io.profilebridge.BridgeRun.drop;
import static io.profilebridge.BridgeRun.results;
import static org.assertj.core.api.Assertions.assertThat;

import io.profilebridge.sandbox.Simulator;
import io.profilebridge.sandbox.SimulatorSettings;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A host whose locale is Turkish, where upper-casing "i" gives "İ" (anywhere audit): every environment variable with an
 * "i" in its name was ignored (BRIDGE_INBOX, the API keys, the store's URL), an embedded store holding jobs was
 * refused at the next start as cut short, and the metrics' states read "faıled".
 */
class TurkishLocaleTest {

    @TempDir
    Path root;

    @Test
    void aTurkishHostReadsItsVariablesKeepsItsStoreAndNamesStatesAsEverywhere() throws Exception {
        Path log = root.resolve("bridge.log");
        try (Simulator simulator = Simulator.start(new SimulatorSettings().jobDurationMs(100))) {
            Map<String, String> properties = BridgeRun.testProperties(root, simulator.baseUrl());
            Map<String, String> turkish = Map.of("JAVA_TOOL_OPTIONS", "-Duser.language=tr -Duser.country=TR");
            String management = "http://127.0.0.1:" + properties.get("camel.management.port");
            drop(root, "orbit/first.json", "{\"email\": \"first@example.com\"}");
            drop(root, "orbit/invalid.json", "{\"mode\": \"legacy\"}");
            Process bridge = BridgeProcess.start(properties, turkish, log);
            try {
                BridgeProcess.awaitWhileRunning(
                        bridge, log, Duration.ofSeconds(60), () -> results(root).size() == 2);
                assertThat(get(management + "/observe/metrics"))
                        .contains("state=\"delivered\"", "state=\"failed\"")
                        .doesNotContain("ı");
            } finally {
                stop(bridge);
            }
            // the store now holds jobs: a second start takes it up again
            drop(root, "orbit/second.json", "{\"email\": \"second@example.com\"}");
            bridge = BridgeProcess.start(properties, turkish, log);
            try {
                BridgeProcess.awaitWhileRunning(
                        bridge, log, Duration.ofSeconds(60), () -> results(root).size() == 3);
            } finally {
                stop(bridge);
            }
        }
        assertThat(results(root).get("orbit/second.json").get("outcome").asText())
                .isEqualTo("succeeded");
    }

    /** No case conversion in the sources leans on the default locale. */
    @Test
    void everyCaseConversionNamesItsLocale() throws IOException {
        Pattern bare = Pattern.compile("\\.to(Upper|Lower)Case\\(\\)");
        try (Stream<Path> sources = Files.walk(Path.of("src"))) {
            assertThat(sources.filter(path -> path.toString().endsWith(".java")))
                    .allSatisfy(source -> assertThat(
                                    bare.matcher(Files.readString(source)).find())
                            .as(source + " calls toUpperCase() or toLowerCase() without a locale")
                            .isFalse());
        }
    }

    private static void stop(Process bridge) throws InterruptedException {
        bridge.destroy();
        assertThat(bridge.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }

    private static String get(String url) throws Exception {
        return HttpClient.newHttpClient()
                .send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString())
                .body();
    }
}
