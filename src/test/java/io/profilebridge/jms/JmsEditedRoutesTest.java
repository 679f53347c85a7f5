package io.profilebridge.jms;

import static org.assertj.core.api.Assertions.assertThat;

import io.profilebridge.Json;
import io.profilebridge.RedeliveryWindow;
import io.profilebridge.ResultTally;
import io.profilebridge.RouteCopies;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An integrator's step in the JMS intake route (routes audit). */
class JmsEditedRoutesTest {

    @TempDir
    Path root;

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
}
