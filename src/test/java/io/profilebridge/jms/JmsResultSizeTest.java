package io.profilebridge.jms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.profilebridge.Json;
import io.profilebridge.RedeliveryWindow;
import io.profilebridge.ResultTally;
import io.profilebridge.api.Api;
import io.profilebridge.job.Job;
import io.profilebridge.job.JobState;
import io.profilebridge.orbit.OrbitRoutes;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A JMS request's Orbit run whose profiles would make a result larger than the embedded broker takes ends with a
 * failed result_too_large, as a run over bridge.orbit.max-profile-bytes does (JMS audit: such a result was retried
 * until delivery gave up, and the request, whose run was paid for, got none).
 */
class JmsResultSizeTest {

    @TempDir
    Path root;

    @Test
    void aRunTooLargeForAJmsResultEndsWithAFailedResultThatFits() throws Exception {
        long requestBytes = 40_000;
        long messageBytes = EmbeddedBroker.MIN_MESSAGE_BYTES;
        String request = orbitRequestOf(22_900);
        // room for under 150 bytes of profiles beside this request: less than the simulator's run makes
        assertThat(OrbitRoutes.jmsProfileCap(messageBytes, request.length())).isBetween(0L, 150L);
        try (JmsBridgeRun jms = startWithCaps(requestBytes, messageBytes);
                ResultTally tally = jms.tally()) {
            jms.send(request, Map.of("api", "orbit"), null, "big-1");
            tally.assertExactlyOneEach(List.of("big-1"), Duration.ofSeconds(30), RedeliveryWindow.of(jms.properties));
            JsonNode result = Json.parse(tally.body("big-1"));
            assertThat(result.get("outcome").asText()).isEqualTo("failed");
            assertThat(result.at("/error/code").asText()).isEqualTo("result_too_large");
            assertThat(result.at("/error/message").asText()).contains("bridge.jms.max-message-bytes");
        }
    }

    /**
     * The profiles' room is reckoned from the run's own request: from {@code bridge.request.max-bytes} (1 MiB by
     * default), a cap of 1 MiB left none, and every JMS Orbit run failed with result_too_large.
     */
    @Test
    void aSmallRequestsRunFitsTheSmallestCap() throws Exception {
        long requestBytes = 1_048_576;
        // black-box check: the room for the rest of the document, a fixed 64 KiB, left no room for profiles either
        long messageBytes = EmbeddedBroker.MIN_MESSAGE_BYTES;
        try (JmsBridgeRun jms = startWithCaps(requestBytes, messageBytes);
                ResultTally tally = jms.tally()) {
            jms.send("{\"email\": \"small@example.com\"}", Map.of("api", "orbit"), null, "small-1");
            tally.assertExactlyOneEach(List.of("small-1"), Duration.ofSeconds(30), RedeliveryWindow.of(jms.properties));
            JsonNode result = Json.parse(tally.body("small-1"));
            assertThat(result.get("outcome").asText())
                    .as(result.path("error").toString())
                    .isEqualTo("succeeded");
            assertThat(result.get("profiles")).isNotEmpty();
        }
    }

    /** An Orbit request of at least {@code chars} characters: an email and as many usernames as that takes. */
    private static String orbitRequestOf(int chars) {
        StringBuilder usernames = new StringBuilder();
        String request;
        int i = 0;
        do {
            usernames
                    .append(i == 0 ? "" : ",")
                    .append("\"someone-")
                    .append(1000 + i++)
                    .append("-x\"");
            request = "{\"email\": \"wide@example.com\", \"usernames\": [" + usernames + "]}";
        } while (request.length() < chars);
        return request;
    }

    private JmsBridgeRun startWithCaps(long requestBytes, long messageBytes) throws Exception {
        return JmsBridgeRun.start(
                root,
                JmsBridgeRun.with(
                        "bridge.request.max-bytes", Long.toString(requestBytes),
                        "bridge.jms.max-message-bytes", Long.toString(messageBytes)));
    }

    /**
     * Permanent-faults audit: any other result larger than the broker takes (here a request that alone makes it so; a
     * status answer of megabytes does at the defaults) was refused at every attempt until delivery gave up, and the
     * caller got nothing. A failed result_too_large that fits goes instead, with the run's remote id.
     */
    @Test
    void anyResultTooLargeForTheBrokerGoesOutAsAFailedResultThatFits() throws Exception {
        long requestBytes = 40_000;
        // the request below, about 30,500 characters, fits as a request message; its result, about 31,500, does not
        long messageBytes = EmbeddedBroker.MIN_MESSAGE_BYTES;
        String request = orbitRequestOf(30_500);
        assertThat(request.length()).isBetween(30_500, 30_600);
        try (JmsBridgeRun jms = startWithCaps(requestBytes, messageBytes);
                ResultTally tally = jms.tally()) {
            jms.send(request, Map.of("api", "orbit"), null, "wide-1");
            tally.assertExactlyOneEach(List.of("wide-1"), Duration.ofSeconds(30), RedeliveryWindow.of(jms.properties));
            String body = tally.body("wide-1");
            assertThat(body.length()).isLessThan(2_000);
            JsonNode result = Json.parse(body);
            assertThat(result.get("outcome").asText()).isEqualTo("failed");
            assertThat(result.at("/error/code").asText()).isEqualTo("result_too_large");
            assertThat(result.at("/error/message").asText())
                    .contains("bridge.jms.max-message-bytes = " + messageBytes)
                    .contains("remoteId");
            assertThat(result.get("remoteId").asText()).isNotEmpty();
            assertThat(result.get("request").isNull())
                    .as("the request alone is too large")
                    .isTrue();
            assertThat(result.get("idempotencyKey").asText()).isNotEmpty();
            // diff review: the job had ended as succeeded, while its caller got a failed result
            await().atMost(Duration.ofSeconds(10))
                    .until(
                            () -> jms.bridge.store().list(Api.ORBIT, null, 0, 10),
                            jobs -> jobs.stream().anyMatch(job -> job.state().isFinal()));
            String jobId =
                    jms.bridge.store().list(Api.ORBIT, null, 0, 10).get(0).id();
            Job job = jms.bridge.store().findById(jobId).orElseThrow();
            assertThat(job.state()).isEqualTo(JobState.FAILED);
            assertThat(job.outcome()).isEqualTo("failed");
            assertThat(job.lastError()).contains("result_too_large");
            assertThat(Json.parse(job.result())).isEqualTo(result);
        }
    }
}
