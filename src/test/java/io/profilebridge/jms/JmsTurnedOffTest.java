package io.profilebridge.jms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.profilebridge.BridgeRun;
import io.profilebridge.Json;
import io.profilebridge.job.Job;
import io.profilebridge.job.JobState;
import io.profilebridge.sandbox.Simulator;
import io.profilebridge.sandbox.SimulatorSettings;
import jakarta.jms.Message;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Operations audit: a bridge restarted with JMS off while JMS requests ran tried to send their results to a route
 * that was not there, counted each try, and gave the results up after about an hour, its health UP. They wait now,
 * counting nothing, and go out once the bridge runs with JMS on again.
 */
class JmsTurnedOffTest {

    @TempDir
    Path root;

    @Test
    void aJmsRequestsResultWaitsForARunWithJmsOn() throws Exception {
        Simulator simulator = Simulator.start(new SimulatorSettings().jobDurationMs(1_500));
        try {
            JmsBridgeRun first = JmsBridgeRun.start(root, simulator, Map.of());
            first.send("{\"email\": \"off@example.com\"}", Map.of("api", "orbit"), null, "turned-off");
            await().atMost(Duration.ofSeconds(20)).until(() -> job(first.bridge).isPresent());
            String port = first.url;
            first.stopBridge();

            // few attempts: without the wait the result would be given up within the test; the waiting result's next
            // look is two minutes after, so only the start with JMS on below makes it go sooner (runbook audit)
            Map<String, String> off = BridgeRun.testProperties(root, simulator.baseUrl());
            off.put("bridge.delivery.max-attempts", "2");
            off.put("bridge.retry.max-delay-ms", "120000");
            try (BridgeRun bridge = BridgeRun.start(root, off)) {
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> job(bridge)
                                .map(Job::lastError)
                                .filter(error -> error != null && error.contains("delivery_waiting"))
                                .isPresent());
                Job waiting = job(bridge).orElseThrow();
                assertThat(waiting.state()).isNotIn(JobState.FAILED, JobState.DELIVERED);
                assertThat(Json.parse(waiting.lastError()).get("message").asText())
                        .contains("JMS is off (bridge.jms.enabled=false)");
            }

            try (JmsBridgeRun again = JmsBridgeRun.start(root, simulator, Map.of("bridge.jms.embedded-url", port))) {
                Message result = again.receive("profile-bridge.results");
                assertThat(result).isNotNull();
                assertThat(result.getJMSCorrelationID()).isEqualTo("turned-off");
                assertThat(result.getStringProperty("outcome")).isEqualTo("succeeded");
            }
        } finally {
            simulator.close();
        }
    }

    private static Optional<Job> job(BridgeRun bridge) {
        return bridge.store().list(null, null, 0, 10).stream().findFirst();
    }
}
