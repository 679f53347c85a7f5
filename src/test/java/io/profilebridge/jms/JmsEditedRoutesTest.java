package io.profilebridge.jms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.profilebridge.BridgeRun;
import io.profilebridge.Json;
import io.profilebridge.RedeliveryWindow;
import io.profilebridge.ResultTally;
import io.profilebridge.RouteCopies;
import io.profilebridge.api.Api;
import io.profilebridge.job.JobState;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An integrator's step in the JMS intake route (routes audit). */
class JmsEditedRoutesTest {

    @TempDir
    Path root;

    /**
     * A reload that left no route reading direct:deliver-result-jms made each JMS result wait Camel's 30 s direct
     * timeout, holding a worker and a JMS send place, and its job's last error blamed direct:deliver-result. It waits
     * naming the endpoint, within about a second (camel.component.direct.timeout), counting no attempt.
     */
    @Test
    void aJmsResultNoRouteReadsWaitsNamingTheEndpointCountingNoAttempt() throws Exception {
        try (JmsBridgeRun jms = JmsBridgeRun.start(root, Map.of("bridge.delivery.max-attempts", "2"))) {
            CamelContext context = jms.bridge.context();
            context.getRouteController().stopRoute("deliver-result-jms");
            context.removeRoute("deliver-result-jms");
            jms.send("{\"email\": \"gone@example.com\"}", Map.of("api", "orbit"), null, "gone-1");
            await().atMost(Duration.ofSeconds(20))
                    .until(
                            () -> jms.bridge.store().list(Api.ORBIT, JobState.DELIVERING, 0, 1),
                            jobs -> !jobs.isEmpty()
                                    && String.valueOf(jobs.get(0).lastError())
                                            .contains("no route reads direct:deliver-result-jms"));
            assertThat(jms.bridge
                            .store()
                            .list(Api.ORBIT, JobState.DELIVERING, 0, 1)
                            .get(0)
                            .attempts())
                    .isZero();
        }
    }

    /**
     * A step that converts the message's body: the converted body is the request, the message still names it (its
     * correlation id, its properties). Such requests went to the DLQ with no result.
     */
    @Test
    void anIntakeStepThatConvertsTheBodyIsReadAsTheRequest() throws Exception {
        Path routes = RouteCopies.copy(root);
        RouteCopies.edit(
                routes.resolve("jms-requests.camel.yaml"),
                "- to: direct:accept-request",
                "- convertBodyTo:\n            type: String\n        - to: direct:accept-request");
        try (JmsBridgeRun jms = JmsBridgeRun.start(
                        root,
                        JmsBridgeRun.with("camel.main.routes-include-pattern", RouteCopies.includePattern(routes)));
                ResultTally tally = jms.tally()) {
            jms.send("{\"email\": \"converted@example.com\"}", Map.of("api", "orbit"), null, "converted-1");
            jms.send("{\"mode\": \"legacy\"}", Map.of("api", "orbit"), null, "converted-2");
            tally.assertExactlyOneEach(
                    List.of("converted-1", "converted-2"), Duration.ofSeconds(30), RedeliveryWindow.of(jms.properties));
            assertThat(Json.parse(tally.body("converted-1")).get("outcome").asText())
                    .isEqualTo("succeeded");
            assertThat(Json.parse(tally.body("converted-2")).at("/error/code").asText())
                    .isEqualTo("developer_deep_search_field_unsupported");
        }
    }

    /**
     * Every result to the outbox, JMS requests' too (the delivery route's choice edited): each gets a file named by its
     * job (a rejection by its own digest). They failed at every try for want of a file name, and rejected messages went to the DLQ.
     */
    @Test
    void resultsOfJmsRequestsWrittenToTheOutboxAreNamedByTheirJobs() throws Exception {
        Path routes = RouteCopies.copy(root);
        RouteCopies.edit(
                routes.resolve("deliver-result.camel.yaml"),
                "simple: \"${header.bridgeChannel} == 'jms'\"",
                "simple: \"false\"");
        try (JmsBridgeRun jms = JmsBridgeRun.start(
                root, JmsBridgeRun.with("camel.main.routes-include-pattern", RouteCopies.includePattern(routes)))) {
            jms.send("{\"email\": \"to-file@example.com\"}", Map.of("api", "orbit"), null, "to-file-1");
            jms.send("{\"mode\": \"legacy\"}", Map.of("api", "orbit"), null, "to-file-2");
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> BridgeRun.results(root).size() == 2);
            Map<String, JsonNode> results = BridgeRun.results(root);
            assertThat(results.keySet())
                    .anyMatch(name -> name.matches("jms/[0-9a-f-]+\\.json"))
                    .anyMatch(name -> name.matches("failed/jms/[0-9a-f]{32}\\.json"));
            assertThat(results.values())
                    .extracting(result -> result.at("/source/correlationId").asText())
                    .containsExactlyInAnyOrder("to-file-1", "to-file-2");
            assertThat(jms.broker().messageCount("DLQ")).isZero();
        }
    }
}
