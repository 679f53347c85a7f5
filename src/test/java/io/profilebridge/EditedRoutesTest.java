package io.profilebridge;

import static io.profilebridge.BridgeRun.drop;
import static io.profilebridge.BridgeRun.results;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.profilebridge.api.Api;
import io.profilebridge.job.Job;
import io.profilebridge.job.JobState;
import io.profilebridge.sandbox.Simulator;
import io.profilebridge.sandbox.SimulatorSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckHelper;
import org.apache.camel.support.service.ServiceHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Edits an integrator makes to a copy of the route files (routes audit), which the bridge must carry out as written
 * while it keeps one result per request.
 */
class EditedRoutesTest {

    @TempDir
    Path root;

    Simulator simulator;
    Path routes;
    Map<String, String> properties;

    @BeforeEach
    void copyTheRoutes() throws IOException {
        simulator = Simulator.start(new SimulatorSettings().jobDurationMs(100));
        routes = RouteCopies.copy(root);
        properties = BridgeRun.testProperties(root, simulator.baseUrl());
        properties.put("camel.main.routes-include-pattern", RouteCopies.includePattern(routes));
    }

    @AfterEach
    void stop() {
        simulator.close();
    }

    /** The audit's case: a file whose body a step had converted was taken for no file, and failed at every poll. */
    @Test
    void anIntakeStepThatConvertsTheBodyIsReadAsTheRequest() throws Exception {
        RouteCopies.edit(
                routes.resolve("inbox-folder.camel.yaml"),
                "- to: direct:accept-request",
                "- convertBodyTo:\n              type: String\n          - to: direct:accept-request");
        dropOneValidAndOneInvalid();
        try (BridgeRun bridge = BridgeRun.start(root, properties)) {
            await().atMost(Duration.ofSeconds(30)).until(() -> results(root).size() == 2);
        }
        assertThat(results(root).get("orbit/ok.json").get("outcome").asText()).isEqualTo("succeeded");
        assertThat(results(root)
                        .get("failed/orbit/invalid.json")
                        .at("/error/code")
                        .asText())
                .isEqualTo("developer_deep_search_field_unsupported");
        assertThat(BridgeRun.inbox(root).resolve("orbit/.done/ok.json")).exists();
    }

    /** The audit's case: with JMS off, a JMS route renamed stopped the start naming neither route nor file. */
    @Test
    void aRenamedJmsRouteIsLeftOutWhileJmsIsOff() throws Exception {
        RouteCopies.edit(routes.resolve("jms-requests.camel.yaml"), "id: jms-requests", "id: esb-requests");
        drop(root, "orbit/ok.json", "{\"email\": \"ok@example.com\"}");
        try (BridgeRun bridge = BridgeRun.start(root, properties)) {
            await().atMost(Duration.ofSeconds(30)).until(() -> results(root).size() == 1);
            assertThat(bridge.context().getRoute("esb-requests")).isNull();
        }
    }

    /**
     * Cluster audit: a file waiting for an inbox worker holds its read-lock marker, and one listing queued up to 1,000
     * of them (a SIGKILL left 128 of a 200-file burst marked, untaken by the other instances for a minute). At most as
     * many wait as are worked on; here each intake is slowed by a step of the integrator's that holds its worker.
     */
    @Test
    void aBurstOfFilesHoldsMarkersOnlyForTheFilesBeingTakenIn() throws Exception {
        RouteCopies.edit(
                routes.resolve("inbox-folder.camel.yaml"),
                "- to: direct:accept-request",
                "- delay:\n              constant: \"100\"\n              asyncDelayed: false\n"
                        + "          - to: direct:accept-request");
        properties.put("bridge.inbox.concurrency", "2");
        Path folder = BridgeRun.inbox(root).resolve("orbit");
        AtomicLong mostMarkers = new AtomicLong();
        try (BridgeRun bridge = BridgeRun.start(root, properties)) {
            for (int i = 0; i < 30; i++) {
                drop(root, "orbit/burst-" + i + ".json", "{\"email\": \"burst" + i + "@example.com\"}");
            }
            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(20))
                    .until(() -> {
                        try (Stream<Path> files = Files.list(folder)) {
                            long markers = files.filter(file -> file.toString().endsWith(".camelLock"))
                                    .count();
                            mostMarkers.accumulateAndGet(markers, Math::max);
                        }
                        return results(root).size() == 30;
                    });
        }
        // two worked on, two waiting for them, one taken in by the file consumer's own thread (30 before)
        assertThat(mostMarkers.get()).isBetween(1L, 5L);
    }

    /**
     * Integrator audit: a delivery-errors that handles what failed (handled: true, a dead letter channel) ended
     * deliver-result with neither an answer nor an exception; the job was saved as it was and its run's status and
     * profiles were read again twice a second without end. It counts as a failed delivery now, given up after the
     * attempts, and the run is read once.
     */
    @Test
    void aDeliveryErrorHandledByTheIntegratorsHandlerCountsAsAFailedDelivery() throws Exception {
        RouteCopies.edit(routes.resolve("delivery-errors.camel.yaml"), "constant: \"false\"", "constant: \"true\"");
        properties.put("bridge.delivery.max-attempts", "2");
        Files.createDirectories(BridgeRun.outbox(root));
        Files.writeString(BridgeRun.outbox(root).resolve("orbit"), "a file where the folder should be");
        drop(root, "orbit/ok.json", "{\"email\": \"ok@example.com\"}");
        try (BridgeRun bridge = BridgeRun.start(root, properties)) {
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> bridge.store().list(Api.ORBIT, JobState.FAILED, 0, 1), failed -> !failed.isEmpty());
            Job job = bridge.store().list(Api.ORBIT, JobState.FAILED, 0, 1).get(0);
            assertThat(job.attempts()).isEqualTo(2);
            assertThat(job.lastError()).contains("delivery_gave_up").contains("delivery-errors");
        }
        assertThat(simulator.ledger().statusReads("orbit")).isLessThanOrEqualTo(3);
    }

    /**
     * Integrator audit, the intake's side: a rejection's result that delivery-errors handled was taken for delivered,
     * and the inbox file moved to .done with no result. It waits in the inbox instead, and is answered once the outbox
     * takes it.
     */
    @Test
    void anIntakeResultWhoseErrorTheIntegratorsHandlerHandledIsAnsweredLater() throws Exception {
        RouteCopies.edit(routes.resolve("delivery-errors.camel.yaml"), "constant: \"false\"", "constant: \"true\"");
        properties.put("bridge.inbox.undelivered-wait-ms", "500");
        Path failed = Files.createDirectories(BridgeRun.outbox(root).resolve("failed"));
        Files.writeString(failed.resolve("orbit"), "a file where the folder should be");
        drop(root, "orbit/invalid.json", "{\"mode\": \"legacy\"}");
        try (LogCapture logs = LogCapture.start();
                BridgeRun bridge = BridgeRun.start(root, properties)) {
            // the refusal is seen (readiness names the outbox) before the outbox is mended
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> HealthCheckHelper.invokeReadiness(bridge.context()).stream()
                            .anyMatch(result -> result.getCheck().getId().equals("outbox")
                                    && result.getState() == HealthCheck.State.DOWN));
            Files.delete(failed.resolve("orbit"));
            await().atMost(Duration.ofSeconds(20)).until(() -> results(root).size() == 1);
            // re-check audit: each take of the file logged an ERROR with a stack trace
            assertThat(logs.lines())
                    .noneMatch(line -> line.contains(" ERROR "))
                    .anyMatch(line -> line.contains("invalid.json stays in the inbox and is taken again later"));
        }
        assertThat(results(root)).containsOnlyKeys("failed/orbit/invalid.json");
    }

    /**
     * Re-check audit: a route reload that replaced deliver-result by a route of another file left no route reading it
     * until a restart, and each delivery failed, the results given up after the attempts. They wait instead.
     */
    @Test
    void aResultNoRouteReadsWaitsCountingNoAttempt() throws Exception {
        properties.put("camel.component.direct.timeout", "200");
        properties.put("bridge.delivery.max-attempts", "2");
        try (BridgeRun bridge = BridgeRun.start(root, properties)) {
            bridge.context().getRouteController().stopRoute("deliver-result");
            bridge.context().removeRoute("deliver-result");
            Job waiting = dropOneThatWaitsForDelivery(bridge);
            assertThat(waiting.attempts()).isZero();
            assertThat(waiting.lastError()).contains("no route reads direct:deliver-result");
            // JMS-edits audit: the route gone, Camel's own check for it went too, and readiness was UP
            assertThat(HealthCheckHelper.invokeReadiness(bridge.context()).stream()
                            .filter(result -> result.getCheck().getId().equals("routes"))
                            .findFirst())
                    .hasValueSatisfying(result -> {
                        assertThat(result.getState()).isEqualTo(HealthCheck.State.DOWN);
                        assertThat(result.getMessage())
                                .hasValueSatisfying(message ->
                                        assertThat(message).contains("deliver-result (deliver-result.camel.yaml"));
                    });
        }
    }

    /**
     * Integrator audit: a route reload the bridge refused left deliver-result there but not running, and each
     * delivery failed with RejectedExecutionException, counted, until the paid results were given up. They wait.
     */
    @Test
    void aResultTheStoppedDeliveryRouteRefusesWaitsCountingNoAttempt() throws Exception {
        properties.put("bridge.delivery.max-attempts", "2");
        try (BridgeRun bridge = BridgeRun.start(root, properties)) {
            ServiceHelper.stopService(
                    bridge.context().getRoute("deliver-result").getProcessor());
            Job waiting = dropOneThatWaitsForDelivery(bridge);
            assertThat(waiting.attempts()).isZero();
            assertThat(waiting.lastError()).contains("its route is stopped");

            ServiceHelper.startService(
                    bridge.context().getRoute("deliver-result").getProcessor());
            await().atMost(Duration.ofSeconds(30)).until(() -> results(root).size() == 1);
            assertThat(results(root)).containsOnlyKeys("orbit/ok.json");
        }
    }

    /** Integrator audit: with the envelope route left out, an envelope dropped into the inbox waited without a word. */
    @Test
    void requestFilesInAnInboxNoRouteReadsAreNamedOnce() throws Exception {
        Files.delete(routes.resolve("inbox-envelope.camel.yaml"));
        drop(root, "envelope.json", "{\"api\": \"orbit\", \"request\": {\"email\": \"ok@example.com\"}}");
        properties.put("bridge.inbox.folder-check-ms", "200");
        try (LogCapture logs = LogCapture.start();
                BridgeRun bridge = BridgeRun.start(root, properties)) {
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> logs.lines().stream()
                            .anyMatch(line -> line.contains("holds request files, but no route reads it")));
            // the checks every 200 ms that follow add no line
            await().during(Duration.ofSeconds(1))
                    .atMost(Duration.ofSeconds(3))
                    .until(() -> logs.lines().stream()
                                    .filter(line -> line.contains("holds request files"))
                                    .count()
                            == 1);
        }
        assertThat(BridgeRun.inbox(root).resolve("envelope.json")).exists();
    }

    /** Drops a valid request, and returns its job once its result waits for delivery. */
    private Job dropOneThatWaitsForDelivery(BridgeRun bridge) {
        drop(root, "orbit/ok.json", "{\"email\": \"ok@example.com\"}");
        await().atMost(Duration.ofSeconds(30))
                .until(
                        () -> bridge.store().list(Api.ORBIT, JobState.DELIVERING, 0, 1),
                        jobs -> !jobs.isEmpty()
                                && String.valueOf(jobs.get(0).lastError()).contains("delivery_waiting"));
        return bridge.store().list(Api.ORBIT, JobState.DELIVERING, 0, 1).get(0);
    }

    private void dropOneValidAndOneInvalid() {
        drop(root, "orbit/ok.json", "{\"email\": \"ok@example.com\"}");
        drop(root, "orbit/invalid.json", "{\"mode\": \"legacy\"}");
    }
}
