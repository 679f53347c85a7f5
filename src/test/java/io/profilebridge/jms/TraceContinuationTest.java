package io.profilebridge.jms;

import static io.profilebridge.BridgeRun.drop;
import static io.profilebridge.BridgeRun.results;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.profilebridge.Json;
import io.profilebridge.LogCapture;
import io.profilebridge.sandbox.Ledger;
import jakarta.jms.Message;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One trace per request (issue 16): a JMS request's W3C {@code traceparent} is continued by its submit, every status
 * poll, the profile reads and its result message, also across a restart between submit and result; a file starts a
 * trace of its own. What the simulator saw on the wire and what the ESB received are the evidence.
 */
class TraceContinuationTest {

    private static final String ORBIT_STATUS = "/v2/developer/deep-search/";
    private static final String ORBIT_PROFILES = "/v2/developer/profiles/";

    @TempDir
    Path root;

    JmsBridgeRun jms;

    @BeforeEach
    void start() throws Exception {
        jms = JmsBridgeRun.start(root, Map.of());
    }

    @AfterEach
    void stop() throws Exception {
        jms.close();
    }

    @Test
    void aJmsTraceparentIsContinuedByEveryCallAndTheResultMessage() throws Exception {
        // a run long enough for several status polls (every 200 ms here) even on a busy host
        jms.simulator.settings().jobDurationMs(4000);
        String traceId = randomHex(16);
        String esbSpanId = randomHex(8);
        jms.send(
                "{\"email\": \"traced@example.com\"}",
                Map.of(
                        "api",
                        "orbit",
                        "traceparent",
                        "00-" + traceId + "-" + esbSpanId + "-01",
                        "tracestate",
                        "esb=route-7"),
                null,
                "traced-1");

        Message result = jms.receive("profile-bridge.results");
        assertThat(result.getJMSCorrelationID()).isEqualTo("traced-1");
        // continued in spans of the bridge's own (still sampled), not passed on as it came
        assertThat(result.getStringProperty("traceparent"))
                .startsWith("00-" + traceId + "-")
                .endsWith("-01")
                .doesNotContain(esbSpanId);
        assertThat(result.getStringProperty("tracestate")).isEqualTo("esb=route-7");
        assertThat(result.getObjectProperty("baggage"))
                .as("no baggage leaves the bridge")
                .isNull();
        JsonNode document = Json.parse(result.getBody(String.class));
        assertThat(document.get("traceId").asText()).isEqualTo(traceId);

        List<Ledger.Request> calls = jms.simulator.ledger().requests();
        assertThat(calls).filteredOn(call -> call.method().equals("POST")).hasSize(1);
        assertThat(calls)
                .filteredOn(call -> call.path().startsWith(ORBIT_STATUS))
                .as("status polls")
                .hasSizeGreaterThan(1);
        assertThat(calls)
                .filteredOn(call -> call.path().startsWith(ORBIT_PROFILES))
                .as("profile reads")
                .isNotEmpty();
        assertThat(calls).allSatisfy(call -> {
            assertThat(call.traceparent())
                    .as(call.method() + " " + call.path())
                    .startsWith("00-" + traceId + "-")
                    .doesNotContain(esbSpanId);
            assertThat(call.baggage()).as("baggage of " + call.path()).isNull();
        });
        assertThat(jms.bridge
                        .store()
                        .findById(document.get("jobId").asText())
                        .orElseThrow()
                        .traceId())
                .isEqualTo(traceId);
    }

    @Test
    void theTraceSurvivesARestartBetweenSubmitAndResult() throws Exception {
        jms.simulator.settings().jobDurationMs(4000);
        String traceId = randomHex(16);
        jms.send(
                "{\"email\": \"restarted@example.com\"}",
                Map.of("api", "orbit", "traceparent", "00-" + traceId + "-" + randomHex(8) + "-01"),
                null,
                "restarted-1");
        await().atMost(Duration.ofSeconds(15)).until(() -> statusPolls().size() >= 2);
        jms.stopBridge();
        long restartedAt = System.currentTimeMillis();
        jms = JmsBridgeRun.start(root, jms.simulator, Map.of("bridge.jms.embedded-url", jms.url));

        Message result = jms.receive("profile-bridge.results");
        assertThat(result.getJMSCorrelationID()).isEqualTo("restarted-1");
        assertThat(traceIdOf(result.getStringProperty("traceparent"))).isEqualTo(traceId);
        assertThat(Json.parse(result.getBody(String.class)).get("traceId").asText())
                .isEqualTo(traceId);
        List<Ledger.Request> calls = jms.simulator.ledger().requests();
        assertThat(calls)
                .filteredOn(call -> call.method().equals("POST"))
                .as("submitted once, before the restart")
                .singleElement()
                .satisfies(call -> assertThat(call.at()).isLessThan(restartedAt));
        assertThat(statusPolls())
                .filteredOn(call -> call.at() > restartedAt)
                .as("polls after the restart")
                .isNotEmpty();
        assertThat(calls)
                .allSatisfy(call -> assertThat(traceIdOf(call.traceparent()))
                        .as(call.method() + " " + call.path())
                        .isEqualTo(traceId));
    }

    @Test
    void eachFileAndEachRejectedMessageHasATraceOfItsOwn() throws Exception {
        drop(root, "orbit/first.json", "{\"email\": \"first@example.com\"}");
        drop(root, "orbit/second.json", "{\"email\": \"second@example.com\"}");
        String traceId = randomHex(16);
        jms.send(
                "not json",
                Map.of("api", "orbit", "traceparent", "00-" + traceId + "-" + randomHex(8) + "-01"),
                null,
                "rejected-1");

        Message failed = jms.receive("profile-bridge.failed");
        assertThat(traceIdOf(failed.getStringProperty("traceparent"))).isEqualTo(traceId);
        assertThat(Json.parse(failed.getBody(String.class)).get("traceId").asText())
                .isEqualTo(traceId);

        await().atMost(Duration.ofSeconds(20)).until(() -> results(root).size() == 2);
        String first = results(root).get("orbit/first.json").get("traceId").asText();
        String second = results(root).get("orbit/second.json").get("traceId").asText();
        assertThat(List.of(first, second))
                .allSatisfy(id -> assertThat(id).matches("[0-9a-f]{32}").isNotEqualTo(traceId))
                .doesNotHaveDuplicates();
        List<Ledger.Request> calls = jms.simulator.ledger().requests();
        for (String email : List.of("first@example.com", "second@example.com")) {
            Ledger.Request submit = calls.stream()
                    .filter(call -> call.method().equals("POST") && call.body().contains(email))
                    .findFirst()
                    .orElseThrow();
            String expected = email.startsWith("first") ? first : second;
            assertThat(traceIdOf(submit.traceparent())).isEqualTo(expected);
            assertThat(calls)
                    .filteredOn(call -> call.path().equals(ORBIT_STATUS + call.key())
                            && call.key().equals(submit.key()))
                    .isNotEmpty()
                    .allSatisfy(
                            poll -> assertThat(traceIdOf(poll.traceparent())).isEqualTo(expected));
        }
    }

    /**
     * Jmsexpiry audit: a request refused at intake with a JMSReplyTo is answered there by the later callers' sweep,
     * whose result message carried a new trace, neither the caller's nor the one its document names.
     */
    @Test
    void aRejectedMessageAnsweredAtItsReplyToContinuesItsTrace() throws Exception {
        String traceId = randomHex(16);
        jakarta.jms.Queue replyTo = jms.session.createQueue("esb.traced-replies");
        jms.send(
                "not json",
                Map.of("api", "orbit", "traceparent", "00-" + traceId + "-" + randomHex(8) + "-01"),
                replyTo,
                "rejected-to-reply");

        try (LogCapture log = LogCapture.start()) {
            Message failed = jms.receive(replyTo);
            assertThat(failed.getJMSCorrelationID()).isEqualTo("rejected-to-reply");
            JsonNode document = Json.parse(failed.getBody(String.class));
            assertThat(document.get("traceId").asText()).isEqualTo(traceId);
            assertThat(traceIdOf(failed.getStringProperty("traceparent"))).isEqualTo(traceId);
            // re-check audit: the line saying it was sent named neither the job nor the trace
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> log.lines().stream()
                            .anyMatch(line -> line.contains("Result failed sent by JMS (correlation rejected-to-reply)")
                                    && line.contains("trace " + traceId)
                                    && line.contains(document.get("jobId").asText())));
        }
    }

    @Test
    void withTracingOffNothingIsTracedAndNoTraceHeaderLeaves() throws Exception {
        jms.stopBridge();
        jms = JmsBridgeRun.start(
                root,
                jms.simulator,
                Map.of("bridge.jms.embedded-url", jms.url, "camel.opentelemetry2.enabled", "false"));
        jms.send(
                "{\"email\": \"untraced@example.com\"}",
                Map.of("api", "orbit", "traceparent", "00-" + randomHex(16) + "-" + randomHex(8) + "-01"),
                null,
                "untraced-1");

        Message result = jms.receive("profile-bridge.results");
        assertThat(result.getJMSCorrelationID()).isEqualTo("untraced-1");
        assertThat(result.getObjectProperty("traceparent")).isNull();
        assertThat(Json.parse(result.getBody(String.class)).get("traceId").isNull())
                .isTrue();
        assertThat(jms.simulator.ledger().requests())
                .isNotEmpty()
                .allSatisfy(
                        call -> assertThat(call.traceparent()).as(call.path()).isNull());
    }

    private List<Ledger.Request> statusPolls() {
        return jms.simulator.ledger().requests().stream()
                .filter(call -> call.path().startsWith(ORBIT_STATUS))
                .toList();
    }

    /** The trace id of a W3C traceparent ({@code 00-<trace id>-<span id>-<flags>}), or null. */
    private static String traceIdOf(String traceparent) {
        return traceparent == null ? null : traceparent.split("-")[1];
    }

    private static String randomHex(int bytes) {
        byte[] value = new byte[bytes];
        new SecureRandom().nextBytes(value);
        return HexFormat.of().formatHex(value);
    }
}
