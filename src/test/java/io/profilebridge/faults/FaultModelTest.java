package io.profilebridge.faults;

import static io.profilebridge.BridgeRun.drop;
import static io.profilebridge.BridgeRun.results;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.MeterRegistry;
import io.profilebridge.BridgeRun;
import io.profilebridge.sandbox.Simulator;
import io.profilebridge.sandbox.SimulatorSettings;
import io.profilebridge.sandbox.SimulatorTriggers;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.DoubleConsumer;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each class of the error model, driven by the simulator's fault knobs and proven by its ledger. */
class FaultModelTest {

    @TempDir
    Path root;

    Simulator simulator;
    Map<String, String> properties;

    @BeforeEach
    void start() {
        simulator = Simulator.start(new SimulatorSettings().jobDurationMs(200));
        properties = BridgeRun.testProperties(root, simulator.baseUrl());
    }

    @AfterEach
    void stop() {
        simulator.close();
    }

    private static String openProspect(int i) {
        return "{\"profile_name\": \"Buyers " + i
                + "\", \"ideal_customer_profile\": \"SaaS\", \"target_countries\": [\"DE\"]}";
    }

    private static String orbit(int i) {
        return "{\"email\": \"person" + i + "@example.com\"}";
    }

    private void dropBoth(int count) {
        for (int i = 0; i < count; i++) {
            drop(root, "openprospect/op-" + i + ".json", openProspect(i));
            drop(root, "orbit/orb-" + i + ".json", orbit(i));
        }
    }

    private void assertOneRunPerRequest(int perApi) {
        assertThat(simulator.ledger().runsPerKey("openprospect"))
                .hasSize(perApi)
                .allSatisfy((k, n) -> assertThat(n).isEqualTo(1));
        assertThat(simulator.ledger().runsPerKey("orbit"))
                .hasSize(perApi)
                .allSatisfy((k, n) -> assertThat(n).isEqualTo(1));
    }

    @Test
    void serverErrorsRateLimitsAndLostAnswersAreRetriedWithTheSameKeyAndNothingRunsTwice() {
        simulator.settings().serverErrorShare(0.2).rateLimitedShare(0.1).lostAnswerShare(0.15);
        dropBoth(10);
        runUntilResults(20, 60);
        assertThat(results(root).values())
                .allSatisfy(r -> assertThat(r.get("outcome").asText()).isEqualTo("succeeded"));
        assertOneRunPerRequest(10);
        assertThat(simulator.ledger().requestsBeforeRetryAfter()).isZero();
        assertThat(simulator.ledger().requests())
                .anyMatch(r -> "lost_answer".equals(r.fault()))
                .anyMatch(r -> "server_error".equals(r.fault()))
                .anyMatch(r -> "rate_limited".equals(r.fault()));
    }

    @Test
    void persistentServerErrorsEndInGaveUpAfterTheMaximumAttemptsWithTheSameKeyEachTime() {
        simulator.settings().serverErrorShare(1).retryAfterSeconds(0);
        properties.put("bridge.retry.max-attempts", "3");
        drop(root, "openprospect/doomed.json", openProspect(1));
        runUntilResults(1, 20);
        JsonNode result = results(root).get("failed/openprospect/doomed.json");
        assertThat(result.get("error").get("code").asText()).isEqualTo("gave_up");
        assertThat(result.get("error").get("message").asText()).contains("service_unavailable");
        var posts = simulator.ledger().requests().stream()
                .filter(r -> r.method().equals("POST"))
                .toList();
        assertThat(posts)
                .hasSize(3)
                .allSatisfy(r -> assertThat(r.key()).isEqualTo(posts.get(0).key()));
    }

    /**
     * Outage audit: with the API out (every call refused or answered 503 without Retry-After), each request not yet
     * accepted spent its attempts in about four minutes and was given up: 180 files and JMS requests failed in a
     * 5-minute outage. Starts now wait out an outage that fails other jobs' calls too; a request failing alone does not
     * (the test above).
     */
    @Test
    void startsWaitOutAnOutageThatFailsEveryJobInsteadOfSpendingTheirAttempts() {
        startsWaitOut(
                () -> simulator.settings().serverErrorShare(1).retryAfterSeconds(0),
                () -> simulator.settings().serverErrorShare(0));
    }

    private void startsWaitOut(Runnable outage, Runnable back) {
        outage.run();
        properties.put("bridge.retry.max-attempts", "2");
        properties.put("bridge.retry.max-delay-ms", "200");
        for (int i = 0; i < 3; i++) {
            drop(root, "openprospect/waits-" + i + ".json", openProspect(i));
        }
        try (BridgeRun bridge = BridgeRun.start(root, properties)) {
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> simulator.ledger().requests().stream()
                                    .filter(r -> r.method().equals("POST"))
                                    .count()
                            >= 3 * 6);
            assertThat(results(root)).as("nothing given up during the outage").isEmpty();
            back.run();
            await().atMost(Duration.ofSeconds(30)).until(() -> results(root).size() == 3);
        }
        assertThat(results(root).values())
                .allSatisfy(r -> assertThat(r.get("outcome").asText()).isEqualTo("succeeded"));
        assertThat(simulator.ledger().runsPerKey("openprospect"))
                .hasSize(3)
                .allSatisfy((k, n) -> assertThat(n).isEqualTo(1));
    }

    @Test
    void anOutageWhileAnAcceptedRunIsReadIsWaitedOutNotGivenUpAfterTheMaximumAttempts() {
        // API-docs audit: ten 5xx in a row on the status reads (a few minutes of outage) gave up a run the API had
        // accepted, and the result with it; the run is paid for and waits there, so only max-age ends its reads
        readsOfAnAcceptedRunWaitOut(share -> simulator.settings().serverErrorShare(share), status -> status >= 500);
    }

    @Test
    void connectionsDroppedWhileAnAcceptedRunIsReadAreAnOutageToo() {
        // the same for answers that never come because the connection closes (a proxy restarting, a reset): they
        // had counted as attempts, and the paid run was given up after max-attempts
        readsOfAnAcceptedRunWaitOut(share -> simulator.settings().lostAnswerShare(share), status -> status == -1);
    }

    private void readsOfAnAcceptedRunWaitOut(DoubleConsumer faultShare, IntPredicate failedRead) {
        simulator.settings().retryAfterSeconds(0);
        properties.put("bridge.retry.max-attempts", "2");
        properties.put("bridge.retry.max-delay-ms", "200");
        properties.put("bridge.poll.first-delay-ms", "3000"); // time to begin the outage after the start
        drop(root, "openprospect/patient.json", openProspect(1));
        try (BridgeRun bridge = BridgeRun.start(root, properties)) {
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> simulator.ledger().runsStarted("openprospect") == 1);
            faultShare.accept(1);
            await().atMost(Duration.ofSeconds(20)).until(() -> failedReads(failedRead) >= 6);
            assertThat(results(root))
                    .as("still read, three times the attempts allowed")
                    .isEmpty();
            faultShare.accept(0);
            await().atMost(Duration.ofSeconds(20)).until(() -> results(root).containsKey("openprospect/patient.json"));
        }
        assertThat(results(root).get("openprospect/patient.json").get("outcome").asText())
                .isEqualTo("succeeded");
        assertThat(simulator.ledger().runsPerKey("openprospect"))
                .hasSize(1)
                .allSatisfy((k, n) -> assertThat(n).isEqualTo(1));
    }

    @Test
    void anOrbitStartNeverAnsweredIsLookedUpByItsRequestIdBeforeItIsGivenUp() {
        // cluster audit: a start whose every attempt went unanswered was given up as failed with no remoteId, though
        // Orbit had run it and charged for it; "poll GET /v2/developer/deep-search/{requestId}" finds it
        properties.put("bridge.retry.max-attempts", "2");
        properties.put("bridge.retry.max-delay-ms", "200");
        drop(root, "orbit/unheard.json", "{\"email\": \"" + SimulatorTriggers.ORBIT_START_ANSWERS_LOST + "\"}");
        drop(root, "orbit/unsent.json", "{\"email\": \"" + SimulatorTriggers.ORBIT_START_NOT_RECEIVED + "\"}");
        try (BridgeRun bridge = BridgeRun.start(root, properties)) {
            await().atMost(Duration.ofSeconds(30)).until(() -> results(root).size() == 2);
            assertThat(bridge.context()
                            .getRegistry()
                            .findSingleByType(MeterRegistry.class)
                            .get("profile_bridge_submitted")
                            .tag("api", "orbit")
                            .counter()
                            .count())
                    .as("the run its status read found counts as a start the API accepted (metrics audit)")
                    .isEqualTo(1);
        }

        var runs = simulator.ledger().runsPerKey("orbit");
        assertThat(runs).hasSize(1).allSatisfy((k, n) -> assertThat(n).isEqualTo(1));
        JsonNode heard = results(root).get("orbit/unheard.json");
        assertThat(heard.get("outcome").asText()).isEqualTo("succeeded");
        assertThat(heard.get("remoteId").asText())
                .isEqualTo(runs.keySet().iterator().next());
        assertThat(simulator.ledger().requests().stream()
                        .filter(r -> r.method().equals("POST") && r.body().contains("start-answers-lost")))
                .as("both attempts went unanswered")
                .hasSize(2)
                .allSatisfy(r -> assertThat(r.status()).isEqualTo(-1));

        JsonNode unsent = results(root).get("failed/orbit/unsent.json");
        assertThat(unsent.get("error").get("code").asText()).isEqualTo("gave_up");
        assertThat(unsent.get("error").get("message").asText())
                .contains("the start was not answered")
                .contains("developer_deep_search_not_found");
        assertThat(unsent.get("remoteId").isNull()).as("no run").isTrue();
    }

    @Test
    void anOrbitStartUnansweredUntilItsMaxAgeIsLookedUpBeforeItIsGivenUp() {
        // audit: a start retried until bridge.retry.max-age-ms passed during its backoff was given up without the
        // look under its requestId, its run charged and never read (the attempts were not spent, the age was)
        properties.put("bridge.retry.max-age-ms", "5000");
        properties.put("bridge.retry.max-delay-ms", "1000");
        drop(root, "orbit/aged.json", "{\"email\": \"" + SimulatorTriggers.ORBIT_START_ANSWERS_LOST + "\"}");
        runUntilResults(1, 30);

        var runs = simulator.ledger().runsPerKey("orbit");
        assertThat(runs).hasSize(1);
        JsonNode result = results(root).values().iterator().next();
        // found at its age: delivered, or given up for its age naming the run, never a run nobody hears of
        assertThat(result.get("remoteId").asText())
                .isEqualTo(runs.keySet().iterator().next());
        assertThat(simulator.ledger().statusReads("orbit")).isPositive();
    }

    private long failedReads(IntPredicate failed) {
        return simulator.ledger().requests().stream()
                .filter(r -> r.method().equals("GET") && failed.test(r.status()))
                .count();
    }

    @Test
    void aConflictingRequestIdIsAPermanentFailureNamingOrbitsCode() throws Exception {
        post(
                simulator.baseUrl() + "/v2/developer/deep-search",
                "{\"requestId\": \"taken-1\", \"email\": \"x@example.com\"}");
        drop(root, "orbit/conflict.json", "{\"requestId\": \"taken-1\", \"email\": \"someone.else@example.com\"}");
        runUntilResults(1, 20);
        JsonNode result = results(root).get("failed/orbit/conflict.json");
        assertThat(result.get("error").get("code").asText()).isEqualTo("developer_api_idempotency_key_conflict");
        assertThat(result.get("error").get("httpStatus").asInt()).isEqualTo(409);
        assertThat(result.get("remoteId").isNull()).isTrue();
    }

    @Test
    void anUnwritableOutboxIsRetriedNotLost() throws Exception {
        Files.createDirectories(root.resolve("outbox"));
        Files.writeString(root.resolve("outbox/openprospect"), "a file where the folder should be");
        drop(root, "openprospect/patient.json", openProspect(1));
        try (BridgeRun bridge = BridgeRun.start(root, properties)) {
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> bridge.store().list(null, null, 0, 10).stream()
                            .anyMatch(job ->
                                    job.lastError() != null && job.lastError().contains("delivery_failed")));
            Files.delete(root.resolve("outbox/openprospect"));
            await().atMost(Duration.ofSeconds(20)).until(() -> results(root).containsKey("openprospect/patient.json"));
        }
    }

    @Test
    void orbitStartsQueuedAtOnceStayWithinTheRateLimitAndDrawNo429s() {
        for (int i = 0; i < 40; i++) {
            drop(root, "orbit/burst-" + i + ".json", orbit(i));
        }
        runUntilResults(40, 30);
        assertThat(simulator.ledger().rateLimited429s("orbit")).isZero();
        assertThat(simulator.ledger().runsStarted("orbit")).isEqualTo(40);
    }

    /** Runs the bridge until the outbox holds {@code count} results. */
    private void runUntilResults(int count, int seconds) {
        try (BridgeRun bridge = BridgeRun.start(root, properties)) {
            await().atMost(Duration.ofSeconds(seconds))
                    .until(() -> results(root).size() == count);
        }
    }

    private void assertOneRunPerRequestOrbitOnly(int count) {
        assertThat(simulator.ledger().runsPerKey("orbit"))
                .hasSize(count)
                .allSatisfy((k, n) -> assertThat(n).isEqualTo(1));
    }

    private static void post(String url, String body) throws Exception {
        HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(url))
                                .header("Authorization", "Bearer " + BridgeRun.ORBIT_KEY)
                                .POST(HttpRequest.BodyPublishers.ofString(body))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
    }
}
