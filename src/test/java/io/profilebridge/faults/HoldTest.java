package io.profilebridge.faults;

import static io.profilebridge.BridgeRun.drop;
import static io.profilebridge.BridgeRun.results;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.profilebridge.BridgeRun;
import io.profilebridge.Json;
import io.profilebridge.job.Job;
import io.profilebridge.job.JobState;
import io.profilebridge.sandbox.Ledger;
import io.profilebridge.sandbox.Simulator;
import io.profilebridge.sandbox.SimulatorSettings;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * 401, 403, 402 and Orbit's {@code developer_deep_search_not_configured} hold a request: while the API refuses, no
 * attempt is counted, nothing fails and the health check says why, for longer than the retry budget would last (a
 * request retried like a 5xx would have given up after {@value #MAX_ATTEMPTS} refusals, within
 * {@link #retryBudgetMs()}); once the cause is fixed (live, through the simulator's knobs) it finishes, with one run.
 * A want of credits holds the starts only: the runs already started are read and delivered meanwhile.
 */
class HoldTest {

    private static final int MAX_ATTEMPTS = 2;
    private static final int BASE_DELAY_MS = 100;
    private static final int MAX_DELAY_MS = 200;
    /** Refusals to see while held: well past what the retry budget allows. */
    private static final int REFUSALS = MAX_ATTEMPTS + 4;

    /** Each cause, how the simulator gives it and takes it back, and what the bridge must show meanwhile. */
    enum Hold {
        REVOKED_KEY(
                "orbit",
                401,
                "developer_api_key_invalid",
                simulator -> simulator.settings().revokedKeys().add(BridgeRun.ORBIT_KEY),
                simulator -> simulator.settings().revokedKeys().clear()),
        MISSING_SCOPE(
                "openprospect",
                403,
                "forbidden",
                simulator -> simulator.settings().scopelessKeys().add(BridgeRun.OPENPROSPECT_KEY),
                simulator -> simulator.settings().scopelessKeys().clear()),
        NO_CREDITS(
                "orbit",
                402,
                "developer_api_credits_insufficient",
                simulator -> simulator.orbitCredits(3),
                simulator -> simulator.orbitCredits(100)),
        NOT_CONFIGURED(
                "orbit",
                503,
                "developer_deep_search_not_configured",
                simulator -> simulator.settings().orbitNotConfigured(true),
                simulator -> simulator.settings().orbitNotConfigured(false));

        final String api;
        final int status;
        final String code;
        final Consumer<Simulator> begin;
        final Consumer<Simulator> end;

        Hold(String api, int status, String code, Consumer<Simulator> begin, Consumer<Simulator> end) {
            this.api = api;
            this.status = status;
            this.code = code;
            this.begin = begin;
            this.end = end;
        }

        String request() {
            return api.equals("orbit") ? "orbit/held.json" : "openprospect/held.json";
        }

        String body() {
            return api.equals("orbit") ? "{\"email\": \"held@example.com\"}" : BridgeRun.openProspectRequest("Held");
        }
    }

    @TempDir
    Path root;

    Simulator simulator;
    Map<String, String> properties;

    @BeforeEach
    void start() {
        // no Retry-After on the refusals: the bridge's own hold interval paces them
        simulator = Simulator.start(new SimulatorSettings().jobDurationMs(200).retryAfterSeconds(0));
        properties = BridgeRun.testProperties(root, simulator.baseUrl());
        properties.put("bridge.retry.hold-interval-ms", "100");
        properties.put("bridge.retry.max-attempts", Integer.toString(MAX_ATTEMPTS));
        properties.put("bridge.retry.base-delay-ms", Integer.toString(BASE_DELAY_MS));
        properties.put("bridge.retry.max-delay-ms", Integer.toString(MAX_DELAY_MS));
    }

    @AfterEach
    void stop() {
        simulator.close();
    }

    @ParameterizedTest
    @EnumSource(Hold.class)
    void aRefusedRequestIsHeldWithoutCountingAnAttemptAndFinishesOnceTheCauseIsFixed(Hold hold) throws Exception {
        hold.begin.accept(simulator);
        drop(root, hold.request(), hold.body());
        try (BridgeRun bridge = BridgeRun.start(root, properties)) {
            await().atMost(Duration.ofSeconds(20))
                    .until(() ->
                            refusals(hold).size() >= REFUSALS || !results(root).isEmpty());
            assertThat(results(root)).as("nothing failed while held").isEmpty();
            List<Ledger.Request> refused = refusals(hold);
            assertThat(refused.get(refused.size() - 1).at() - refused.get(0).at())
                    .as("held for longer than the retry budget lasts")
                    .isGreaterThan(retryBudgetMs());
            Job job = bridge.store().list(null, null, 0, 10).get(0);
            assertThat(job.state()).as("still waiting to start").isEqualTo(JobState.RECEIVED);
            assertThat(job.attempts()).as("no attempt counted").isZero();
            assertThat(Json.parseStored(job.lastError()).get("code").asText()).isEqualTo(hold.code);
            String health = health();
            assertThat(health)
                    .contains("\"status\":\"DOWN\"")
                    .as("the check names the answer's HTTP status beside its code")
                    .contains(hold.code + " (HTTP " + hold.status + "): ");
            // observability audit: a held API kept every replica unready, so a rollout never completed; the hold is
            // reported on /observe/health, and readiness is the bridge's own ability to work
            assertThat(readiness()).isEqualTo("UP");
            assertThat(heldBecause()).as("/jobs says why the job waits").isEqualTo(hold.code);
            if (hold == Hold.NO_CREDITS) {
                assertThat(health).contains("requiredCredits 10").contains("remainingCredits 3");
                assertThat(Json.parseStored(job.lastError())
                                .get("requiredCredits")
                                .asInt())
                        .isEqualTo(10);
                assertThat(Json.parseStored(job.lastError())
                                .get("remainingCredits")
                                .asInt())
                        .isEqualTo(3);
            }

            hold.end.accept(simulator);
            await().atMost(Duration.ofSeconds(20)).until(() -> results(root).containsKey(hold.request()));
            await().atMost(Duration.ofSeconds(10)).until(() -> !health().contains(hold.code));
        }
        assertThat(results(root)).containsOnlyKeys(hold.request());
        assertThat(results(root).get(hold.request()).get("outcome").asText()).isEqualTo("succeeded");
        assertThat(simulator.ledger().runsPerKey(hold.api))
                .hasSize(1)
                .allSatisfy((key, runs) -> assertThat(runs).isEqualTo(1));
    }

    @ParameterizedTest
    @EnumSource(
            value = Hold.class,
            names = {"REVOKED_KEY", "NOT_CONFIGURED"})
    void aRunWhoseStatusReadsAreRefusedIsProbedEveryIntervalAndReadOnceTheCauseIsFixed(Hold hold) throws Exception {
        // config-and-APIs audit: a refused status read held the run for good; the probe of the reads' bucket went to
        // the profile reads' queue, empty, ahead of the status reads' one every interval, and nothing was read again
        // until another Orbit request's start lifted the hold
        simulator.settings().jobDurationMs(4000); // still running at its first status read
        drop(root, hold.request(), hold.body());
        try (BridgeRun bridge = BridgeRun.start(root, properties)) {
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> simulator.ledger().statusReads("orbit") >= 1);
            hold.begin.accept(simulator);
            await().atMost(Duration.ofSeconds(20)).until(() -> refusals(hold).size() >= REFUSALS);
            assertThat(refusals(hold))
                    .as("the refused calls are the run's status reads")
                    .allSatisfy(request -> assertThat(request.method()).isEqualTo("GET"));
            assertThat(results(root)).as("nothing failed while held").isEmpty();

            hold.end.accept(simulator);
            await().atMost(Duration.ofSeconds(20)).until(() -> results(root).containsKey(hold.request()));
        }
        assertThat(results(root).get(hold.request()).get("outcome").asText()).isEqualTo("succeeded");
        assertThat(simulator.ledger().runsPerKey("orbit"))
                .hasSize(1)
                .allSatisfy((key, runs) -> assertThat(runs).isEqualTo(1));
    }

    @Test
    void anOpenProspectKeyWithoutTheWriteScopeStillReadsAndDeliversTheRunsAlreadyCreated() throws Exception {
        // audit: a 403 on a creation (orders:write missing) held the status reads (orders:read) of the runs already
        // created until the next probe, a whole hold interval (60 s by default) for each
        properties.put("bridge.retry.hold-interval-ms", "60000");
        simulator.settings().jobDurationMs(1500);
        drop(root, "openprospect/first.json", BridgeRun.openProspectRequest("First"));
        try (BridgeRun bridge = BridgeRun.start(root, properties)) {
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> simulator.ledger().runsStarted("openprospect") == 1);
            simulator.settings().writeScopelessKeys().add(BridgeRun.OPENPROSPECT_KEY);
            drop(root, "openprospect/second.json", BridgeRun.openProspectRequest("Second"));
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> simulator.ledger().requests().stream().anyMatch(request -> request.status() == 403));
            await().atMost(Duration.ofSeconds(20)).until(() -> results(root).containsKey("openprospect/first.json"));
            assertThat(results(root)).as("the second waits for its creation").hasSize(1);
            assertThat(health()).contains("\"status\":\"DOWN\"").contains("forbidden");
            assertThat(simulator.ledger().requests().stream().filter(request -> request.status() == 403))
                    .as("only creations were refused, once: the hold's latest probe")
                    .singleElement()
                    .satisfies(request -> assertThat(request.method()).isEqualTo("POST"));
        }
        assertThat(results(root).get("openprospect/first.json").get("outcome").asText())
                .isEqualTo("succeeded");
    }

    @Test
    void anOpenProspectKeyWithoutTheReadScopeHoldsTheReadsCreatesMeanwhileAndDeliversAllOnceItMayReadAgain()
            throws Exception {
        // simulator-fidelity audit: the docs' 403 "Missing orders:write or orders:read" had no simulated key that may
        // create but not read, so a 403 holding only the status reads was never seen end to end
        simulator.settings().jobDurationMs(500);
        simulator.settings().readScopelessKeys().add(BridgeRun.OPENPROSPECT_KEY);
        drop(root, "openprospect/first.json", BridgeRun.openProspectRequest("First"));
        try (BridgeRun bridge = BridgeRun.start(root, properties)) {
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> refusals(Hold.MISSING_SCOPE).size() >= REFUSALS);
            drop(root, "openprospect/second.json", BridgeRun.openProspectRequest("Second"));
            await("creations go on while the reads are held")
                    .atMost(Duration.ofSeconds(20))
                    .until(() -> simulator.ledger().runsStarted("openprospect") == 2);
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> simulator.ledger().requests().stream()
                                    .filter(request -> request.status() == 403)
                                    .map(Ledger.Request::path)
                                    .distinct()
                                    .count()
                            == 2);
            assertThat(refusals(Hold.MISSING_SCOPE))
                    .as("only the status reads were refused")
                    .allSatisfy(request -> assertThat(request.method()).isEqualTo("GET"));
            assertThat(results(root)).as("nothing failed while held").isEmpty();
            assertThat(bridge.store().list(null, null, 0, 10))
                    .hasSize(2)
                    .allSatisfy(job -> assertThat(Json.parseStored(job.lastError())
                                    .get("code")
                                    .asText())
                            .isEqualTo("forbidden"));
            JsonNode check = check("api-openprospect");
            assertThat(check.get("status").asText()).isEqualTo("DOWN");
            assertThat(check.get("message").asText()).contains("forbidden (HTTP 403): ");

            simulator.settings().readScopelessKeys().clear();
            await().atMost(Duration.ofSeconds(20)).until(() -> results(root).size() == 2);
            await().atMost(Duration.ofSeconds(10))
                    .until(() ->
                            check("api-openprospect").get("status").asText().equals("UP"));
        }
        assertThat(results(root)).containsOnlyKeys("openprospect/first.json", "openprospect/second.json");
        assertThat(results(root).values())
                .allSatisfy(result -> assertThat(result.get("outcome").asText()).isEqualTo("succeeded"));
        assertThat(simulator.ledger().runsPerKey("openprospect"))
                .hasSize(2)
                .allSatisfy((key, runs) -> assertThat(runs).isEqualTo(1));
    }

    @Test
    void whileCreditsAreShortTheRunsAlreadyStartedAreStillReadAndDelivered() throws Exception {
        // black-box audit: a 402 on a start held every Orbit call, so a run started (and paid for) before the balance
        // ran short was never read; Orbit's docs: "Status polling (GET) is free"
        simulator.orbitCredits(10); // one run's worth
        drop(root, "orbit/first.json", "{\"email\": \"first@example.com\"}");
        drop(root, "orbit/second.json", "{\"email\": \"second@example.com\"}");
        try (BridgeRun bridge = BridgeRun.start(root, properties)) {
            await().atMost(Duration.ofSeconds(20)).until(() -> results(root).size() == 1);
            assertThat(results(root).values())
                    .as("the run that got the credits, read and delivered while the other start is refused")
                    .allSatisfy(
                            result -> assertThat(result.get("outcome").asText()).isEqualTo("succeeded"));
            assertThat(refusals(Hold.NO_CREDITS)).isNotEmpty();
            assertThat(health()).contains("developer_api_credits_insufficient");

            simulator.orbitCredits(100);
            await().atMost(Duration.ofSeconds(20)).until(() -> results(root).size() == 2);
        }
        assertThat(results(root)).containsOnlyKeys("orbit/first.json", "orbit/second.json");
        assertThat(simulator.ledger().runsPerKey("orbit"))
                .hasSize(2)
                .allSatisfy((key, runs) -> assertThat(runs).isEqualTo(1));
    }

    /**
     * Operations audit: a bridge run for one API, the other's key left out, was DOWN on /observe/health for good. It is
     * UP, and its check still reports the missing key, as the contract has it (contract audit: a plain UP until a
     * request came).
     */
    @Test
    void aBridgeForOneApiIsHealthyWhileNoRequestWaitsForTheOtherAndReportsItsMissingKey() throws Exception {
        Map<String, String> orbitOnly = new HashMap<>(properties);
        orbitOnly.put("openprospect.api-key", "");
        try (BridgeRun bridge = BridgeRun.start(root, orbitOnly)) {
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> Json.parse(health()).get("status").asText().equals("UP"));
            JsonNode check = StreamSupport.stream(
                            Json.parse(health()).get("checks").spliterator(), false)
                    .filter(node -> node.get("name").asText().equals("api-openprospect"))
                    .findFirst()
                    .orElseThrow();
            assertThat(check.get("status").asText()).isEqualTo("UP");
            assertThat(check.path("message").asText()).contains("no openprospect.api-key is configured");
        }
    }

    @Test
    void aRequestForAnApiWithNoKeyWaitsSaysWhyOnJobsAndGoesOnOnceAKeyIsGiven() throws Exception {
        // a job held for a missing key is never claimed, so it had no lastError, and /jobs showed nothing amiss
        Map<String, String> keyless = new HashMap<>(properties);
        keyless.put("openprospect.api-key", "");
        keyless.put("bridge.retry.hold-interval-ms", "60000");
        drop(root, "openprospect/keyless.json", BridgeRun.openProspectRequest("Keyless"));
        try (BridgeRun bridge = BridgeRun.start(root, keyless)) {
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> bridge.store().list(null, null, 0, 10).size() == 1);
            // held again at its first claim, should a tick before it have found none waiting (and lifted the hold)
            await().atMost(Duration.ofSeconds(20)).until(() -> "api_key_missing".equals(heldBecause()));
            assertThat(health()).contains("api_key_missing");
            assertThat(readiness()).as("a bridge for one API only").isEqualTo("UP");
            // the job's one probe was held for the missing key, and counted nowhere as a refusing answer
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> bridge.store().list(null, null, 0, 10).get(0).lastError() != null);
            assertThat(get("/observe/metrics"))
                    .containsPattern("profile_bridge_held_total\\{[^}]*api=\"openprospect\"[^}]*} 0\\.0");
            // operations audit: no metric said so, and held_total counts answers, of which a missing key makes none
            assertThat(get("/observe/metrics"))
                    .contains("profile_bridge_api_held{api=\"openprospect\",bucket=\"openprospect\"} 1.0")
                    .contains("profile_bridge_api_held{api=\"orbit\",bucket=\"orbit-starts\"} 0.0");
            // and the status page showed the bucket as "not paused", nothing more (operations audit)
            assertThat(get("/"))
                    .containsPattern("<tr data-bucket=\"openprospect\" class=\"failed\">.*<td class=\"text held\">"
                            + "api_key_missing: [^<]+</td>")
                    .containsPattern("<tr data-bucket=\"orbit-starts\"><.*<td class=\"text held\">not held</td>");
        }
        assertThat(results(root)).isEmpty();
        assertThat(simulator.ledger().requests()).isEmpty();

        // contract audit: the held job waited out its hold interval (a minute by default) after a start with the key
        Map<String, String> keyed = new HashMap<>(properties);
        keyed.put("bridge.retry.hold-interval-ms", "60000");
        try (BridgeRun bridge = BridgeRun.start(root, keyed)) {
            await().atMost(Duration.ofSeconds(20)).until(() -> results(root).containsKey("openprospect/keyless.json"));
        }
        assertThat(results(root).get("openprospect/keyless.json").get("outcome").asText())
                .isEqualTo("succeeded");
    }

    /** The check of that name on {@code /observe/health}. */
    private JsonNode check(String name) throws Exception {
        return StreamSupport.stream(Json.parse(health()).get("checks").spliterator(), false)
                .filter(node -> node.get("name").asText().equals(name))
                .findFirst()
                .orElseThrow();
    }

    /** The code /jobs shows as the one job's {@code heldBecause}, or null. */
    private String heldBecause() throws Exception {
        JsonNode held = Json.MAPPER.readTree(get("/jobs")).at("/jobs/0/heldBecause/code");
        return held.isMissingNode() || held.isNull() ? null : held.asText();
    }

    /** How long a request retried like a 5xx lasts before it gives up: every backoff at its longest. */
    private static long retryBudgetMs() {
        long total = 0;
        for (int attempt = 1; attempt < MAX_ATTEMPTS; attempt++) {
            total += Math.min(MAX_DELAY_MS, (long) BASE_DELAY_MS << (attempt - 1));
        }
        return total;
    }

    private List<Ledger.Request> refusals(Hold hold) {
        return simulator.ledger().requests().stream()
                .filter(request -> request.api().equals(hold.api) && request.status() == hold.status)
                .toList();
    }

    private String health() throws Exception {
        return get("/observe/health");
    }

    /** The overall status of {@code /observe/health/ready}. */
    private String readiness() throws Exception {
        return Json.parse(get("/observe/health/ready")).get("status").asText();
    }

    private String get(String path) throws Exception {
        String url = "http://127.0.0.1:" + properties.get("camel.management.port") + path;
        return HttpClient.newHttpClient()
                .send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString())
                .body();
    }
}
