package io.profilebridge.faults;

import static io.profilebridge.BridgeRun.drop;
import static io.profilebridge.BridgeRun.results;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.profilebridge.BridgeRun;
import io.profilebridge.sandbox.Simulator;
import io.profilebridge.sandbox.SimulatorSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Answers no API should give, from a broken OpenProspect: one that takes a minute, one trickled a byte at a time,
 * one of 64 MB. Every call has an overall deadline and a cap on what it reads, each such answer ends in a clear
 * error, a retry and then a gave_up result, and meanwhile the other jobs' calls go on. Orbit is the simulator.
 */
class BrokenAnswersTest {

    private static final int DEADLINE_MS = 2000;
    private static final int MAX_ANSWER_BYTES = 256 * 1024;

    @TempDir
    Path root;
    Simulator simulator;
    MisbehavingOpenProspect broken;
    Map<String, String> properties;

    @BeforeEach
    void start() throws Exception {
        simulator = Simulator.start(new SimulatorSettings().jobDurationMs(200));
        broken = new MisbehavingOpenProspect();
        properties = BridgeRun.testProperties(root, simulator.baseUrl());
        properties.put("openprospect.base-url", broken.baseUrl());
        properties.put("bridge.http.deadline-ms", Integer.toString(DEADLINE_MS));
        properties.put("bridge.http.max-answer-bytes", Integer.toString(MAX_ANSWER_BYTES));
        properties.put("bridge.retry.max-attempts", "2");
        // few workers: the broken calls hold two of them, the rest of the work must still flow
        properties.put("bridge.poll.concurrency", "4");
    }

    @AfterEach
    void stop() {
        broken.close();
        simulator.close();
    }


    @Test
    void aSlowOrTrickledAnswerIsCutOffAtTheDeadlineWhileTheOtherJobsGoOn() {
        drop(root, "openprospect/slow.json", BridgeRun.openProspectRequest("slow"));
        drop(root, "openprospect/trickle.json", BridgeRun.openProspectRequest("trickle"));
        try (BridgeRun bridge = BridgeRun.start(root, properties)) {
            await().atMost(Duration.ofSeconds(15)).until(() -> broken.inProgress("slow") == 1 && broken.inProgress("trickle") == 1);
            long brokenCallsSeen = System.nanoTime();
            for (int i = 0; i < 3; i++) {
                drop(root, "openprospect/ok-" + i + ".json", BridgeRun.openProspectRequest("ok-" + i));
                drop(root, "orbit/ok-" + i + ".json", "{\"email\": \"ok" + i + "@example.com\"}");
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> results(root).keySet().containsAll(java.util.List.of(
                    "openprospect/ok-0.json", "openprospect/ok-1.json", "openprospect/ok-2.json",
                    "orbit/ok-0.json", "orbit/ok-1.json", "orbit/ok-2.json")));
            assertThat(results(root)).as("the broken ones are still being tried (two attempts of %d ms each)", DEADLINE_MS)
                    .doesNotContainKeys("failed/openprospect/slow.json", "failed/openprospect/trickle.json");
            assertThat((System.nanoTime() - brokenCallsSeen) / 1_000_000).isLessThan(2L * DEADLINE_MS);

            await().atMost(Duration.ofSeconds(20)).until(() -> results(root).size() == 8);
            for (String name : new String[] {"slow", "trickle"}) {
                JsonNode error = results(root).get("failed/openprospect/" + name + ".json").get("error");
                assertThat(error.get("code").asText()).isEqualTo("gave_up");
                assertThat(error.get("message").asText()).contains("gave up after 2 attempts")
                        .contains("no complete answer within " + DEADLINE_MS + " ms (bridge.http.deadline-ms)");
            }
        }
        assertThat(broken.mostBytesWritten("trickle")).as("the trickle was cut off, not read for a minute").isLessThan(30);
    }

    @Test
    void aHugeAnswerIsCutOffAtTheCapRetriedAndThenGivenUp() throws Exception {
        drop(root, "openprospect/huge.json", BridgeRun.openProspectRequest("huge"));
        drop(root, "openprospect/huge-declared.json", BridgeRun.openProspectRequest("huge-declared"));
        drop(root, "openprospect/fine.json", BridgeRun.openProspectRequest("fine"));
        try (BridgeRun bridge = BridgeRun.start(root, properties)) {
            await().atMost(Duration.ofSeconds(30)).until(() -> results(root).size() == 3);
            assertThat(results(root).get("openprospect/fine.json").get("outcome").asText()).isEqualTo("succeeded");
            for (String name : new String[] {"huge", "huge-declared"}) {
                JsonNode error = results(root).get("failed/openprospect/" + name + ".json").get("error");
                assertThat(error.get("code").asText()).isEqualTo("gave_up");
                assertThat(error.get("message").asText()).contains("gave up after 2 attempts")
                        .contains("the answer is larger than " + MAX_ANSWER_BYTES + " bytes (bridge.http.max-answer-bytes)");
            }
            String health = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + properties.get("camel.management.port") + "/observe/health")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertThat(health).as("a broken answer is the API's fault, the workers are fine")
                    .contains("\"name\":\"job-workers\",\"status\":\"UP\"");
        }
        // what loopback buffers hold aside, the bridge stopped reading at the cap: the server never got 64 MB out
        assertThat(broken.mostBytesWritten("huge")).isLessThan(32L * 1024 * 1024);
        assertThat(broken.mostBytesWritten("huge-declared")).isLessThan(32L * 1024 * 1024);
    }

    @Test
    void aRedirectIsNotFollowedTheJobFailsNamingIt() {
        drop(root, "openprospect/redirect.json", BridgeRun.openProspectRequest("redirect"));
        try (BridgeRun bridge = BridgeRun.start(root, properties)) {
            await().atMost(Duration.ofSeconds(20)).until(() -> results(root).containsKey("failed/openprospect/redirect.json"));
        }
        JsonNode error = results(root).get("failed/openprospect/redirect.json").get("error");
        assertThat(error.get("httpStatus").asInt()).isEqualTo(302);
        assertThat(broken.inProgress("elsewhere")).as("requests that followed the redirect, key and all").isZero();
    }
}
