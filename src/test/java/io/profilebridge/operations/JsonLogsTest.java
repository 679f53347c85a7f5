package io.profilebridge.operations;

import static io.profilebridge.BridgeRun.drop;
import static io.profilebridge.BridgeRun.results;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.profilebridge.BridgeProcess;
import io.profilebridge.BridgeRun;
import io.profilebridge.Json;
import io.profilebridge.sandbox.Simulator;
import io.profilebridge.sandbox.SimulatorSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bridge as a separate JVM with the documented switch to JSON logs: every line is one ECS JSON object, lines
 * about a job carry its job id, idempotency key and trace id from Camel's MDC, and no line holds an API key, even
 * at TRACE.
 */
class JsonLogsTest {

    @TempDir
    Path root;

    @Test
    void everyLineIsOneEcsObjectAndLinesAboutAJobNameIt() throws Exception {
        Path log = root.resolve("bridge.log");
        try (Simulator simulator = Simulator.start(new SimulatorSettings().jobDurationMs(100))) {
            Map<String, String> properties = BridgeRun.testProperties(root, simulator.baseUrl());
            drop(root, "orbit/ok.json", "{\"email\": \"a@example.com\"}");
            // an api name with a line break: the rejection's log line must stay one line
            drop(root, "line-break.json", "{\"api\": \"two\\nlines\", \"request\": {}}");
            Process bridge = BridgeProcess.start(
                    properties,
                    // at the most detailed level, where the most could leak
                    Map.of("LOG4J_CONFIGURATION_FILE", "log4j2-json.properties", "BRIDGE_LOG_LEVEL", "TRACE"),
                    log);
            try {
                await().atMost(Duration.ofSeconds(60)).until(() -> results(root).size() == 2);
            } finally {
                bridge.destroy();
                assertThat(bridge.waitFor(30, TimeUnit.SECONDS)).isTrue();
            }
        }
        List<JsonNode> lines = new ArrayList<>();
        for (String line : Files.readAllLines(log)) {
            if (line.startsWith("{")) {
                lines.add(Json.parse(line));
            } else {
                // the JVM's own warnings are not log4j's; a log line cut in two would start here
                assertThat(line).as("a line outside the JSON layout").startsWith("WARNING:");
            }
        }
        // BRIDGE_LOG_LEVEL took: the bridge's own DEBUG lines are there
        assertThat(lines)
                .anySatisfy(line -> assertThat(line.get("log.level").asText()).isEqualTo("DEBUG"));
        assertThat(lines).hasSizeGreaterThan(20).allSatisfy(line -> {
            assertThat(line.fieldNames())
                    .toIterable()
                    .contains("@timestamp", "ecs.version", "log.level", "message", "log.logger", "process.thread.name");
            assertThat(line.get("service.name").asText()).isEqualTo("profile-bridge");
        });
        assertThat(Files.readString(log))
                .doesNotContain(BridgeRun.ORBIT_KEY)
                .doesNotContain(BridgeRun.OPENPROSPECT_KEY)
                .doesNotContain("sk_orb_")
                .doesNotContain("lnc_live_");

        JsonNode result = results(root).get("orbit/ok.json");
        String jobId = result.get("jobId").asText();
        String key = result.get("idempotencyKey").asText();
        String traceId = result.get("traceId").asText();
        assertThat(lines)
                .filteredOn(line -> line.get("message").asText().startsWith("Accepted orbit/ok.json"))
                .singleElement()
                .satisfies(line -> {
                    assertThat(line.get("message").asText()).contains(jobId, key);
                    assertThat(line.path("trace.id").asText()).isEqualTo(traceId);
                    // observability audit: the intake's own line had the job only in its text
                    assertThat(line.path("jobId").asText()).isEqualTo(jobId);
                    assertThat(line.path("idempotencyKey").asText()).isEqualTo(key);
                });
        // at DEBUG, a line per step of the job, from its start to its delivery
        assertThat(lines)
                .filteredOn(line -> jobId.equals(line.path("jobId").asText()))
                .extracting(line -> line.get("message").asText())
                .anySatisfy(message -> assertThat(message).contains("after its submit-orbit step"))
                .anySatisfy(message -> assertThat(message).contains("after its poll-orbit step"))
                .anySatisfy(message -> assertThat(message).contains("after its deliver-job step"));
        // every line about the job names its trace, as ECS's trace.id (HttpClient's lines inside the job no longer
        // follow BRIDGE_LOG_LEVEL down to DEBUG, so the job's own lines are fewer)
        assertThat(lines)
                .filteredOn(line -> jobId.equals(line.path("jobId").asText()))
                .isNotEmpty()
                .allSatisfy(line -> assertThat(line.path("trace.id").asText()).isEqualTo(traceId));
        // the job's later lines, written by its routes, carry both names and Camel's exchange from Camel's MDC
        assertThat(lines)
                .filteredOn(line -> jobId.equals(line.path("jobId").asText()))
                .anySatisfy(line -> {
                    assertThat(line.get("message").asText()).startsWith("Result succeeded for orbit/ok.json");
                    assertThat(line.get("log.logger").asText()).isEqualTo("deliver-result");
                    assertThat(line.get("idempotencyKey").asText()).isEqualTo(key);
                    assertThat(line.fieldNames()).toIterable().contains("camel.routeId", "camel.exchangeId");
                });
        assertThat(lines)
                .filteredOn(line -> line.get("message").asText().startsWith("Rejected line-break.json"))
                .singleElement()
                .satisfies(line -> {
                    assertThat(line.get("log.level").asText()).isEqualTo("WARN");
                    assertThat(line.get("message").asText()).contains("\"two\nlines\"");
                    assertThat(results(root)
                                    .get("failed/line-break.json")
                                    .get("jobId")
                                    .asText())
                            .isEqualTo(line.path("jobId").asText());
                });
    }
}
