package io.profilebridge.faults;

import static io.profilebridge.BridgeRun.drop;
import static io.profilebridge.BridgeRun.results;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.profilebridge.BridgeRun;
import io.profilebridge.sandbox.Ledger;
import io.profilebridge.sandbox.RetryAfterFormat;
import io.profilebridge.sandbox.Simulator;
import io.profilebridge.sandbox.SimulatorSettings;
import io.profilebridge.sandbox.SimulatorTriggers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every rarer answer the two API documents describe (issue 12, cases 1-8), end to end: the real bridge against the
 * simulator, each case reached by a trigger value or a knob, proven by the result documents and the ledger. The
 * holds (402, {@code developer_deep_search_not_configured}) are in {@link HoldTest} with 401 and 403.
 */
class DocumentedAnswersTest {

    private static final String DEEP_SEARCH = "/v2/developer/deep-search";

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

    // --- 1. Orbit failed with result.id; section_generation on every single-profile result ------------------------

    @Test
    void aFailedOrbitRunThatSavedItsProfileDeliversThatProfileInItsFailedResult() {
        drop(root, "orbit/saved.json", orbitEmail(SimulatorTriggers.ORBIT_FAILED_WITH_PROFILE));
        drop(root, "orbit/complete.json", orbitEmail("jane.doe@example.com"));
        drop(root, "orbit/bare.json", orbitEmail(SimulatorTriggers.ORBIT_NO_SECTIONS));
        runUntilResults(3);

        JsonNode saved = resultOf("failed/orbit/saved.json");
        assertThat(saved.get("outcome").asText()).isEqualTo("failed");
        assertThat(saved.get("error").get("code").asText()).isEqualTo(SimulatorTriggers.ORBIT_READINESS_TIMEOUT);
        assertThat(saved.get("status").get("status").asText()).isEqualTo("failed");
        String profileId = saved.get("status").get("result").get("id").asText();
        assertThat(saved.get("profiles")).hasSize(1);
        assertThat(saved.get("profiles").get(0).get("id").asText()).isEqualTo(profileId);
        assertThat(saved.get("sectionGeneration").get("sections_ready").asBoolean())
                .isFalse();
        assertThat(saved.get("sectionGeneration")
                        .get("materialized_section_count")
                        .asInt())
                .isZero();

        JsonNode complete = resultOf("orbit/complete.json");
        assertThat(complete.get("sectionGeneration").get("sections_ready").asBoolean())
                .isTrue();
        assertThat(complete.get("sectionGeneration")
                        .get("materialized_section_count")
                        .asInt())
                .isPositive();

        JsonNode bare = resultOf("orbit/bare.json");
        assertThat(bare.get("outcome").asText()).isEqualTo("succeeded");
        assertThat(bare.get("sectionGeneration").get("sections_ready").asBoolean())
                .isFalse();
        assertThat(bare.get("profiles").get(0).get("sections")).isEmpty();
    }

    /**
     * "Deep Search may discover more candidate clusters than it generates immediately": a discovery that completes
     * having found nobody is a success with no profile (the API's answer, not a read to wait for), and one that fails
     * after saving a candidate delivers that candidate in its failed result (simulator-fidelity audit: neither was
     * ever simulated).
     */
    @Test
    void aCandidateDiscoveryThatFindsNobodySucceedsEmptyAndOneFailingPartWayDeliversWhatItSaved() {
        drop(root, "orbit/nobody.json", candidateDiscovery(SimulatorTriggers.ORBIT_NO_CANDIDATES));
        drop(root, "orbit/part-way.json", candidateDiscovery(SimulatorTriggers.ORBIT_FAILED_WITH_PROFILE));
        runUntilResults(2);

        JsonNode nobody = resultOf("orbit/nobody.json");
        assertThat(nobody.get("outcome").asText()).isEqualTo("succeeded");
        assertThat(nobody.get("status").get("result").get("candidate_profile_ids"))
                .isEmpty();
        assertThat(nobody.get("profiles")).isEmpty();

        JsonNode partWay = resultOf("failed/orbit/part-way.json");
        assertThat(partWay.get("outcome").asText()).isEqualTo("failed");
        JsonNode saved = partWay.get("status").get("result").get("candidate_profile_ids");
        assertThat(saved).hasSize(1);
        assertThat(partWay.get("profiles")).hasSize(1);
        assertThat(partWay.get("profiles").get(0).get("id").asText())
                .isEqualTo(saved.get(0).asText());
        assertThat(simulator.ledger().requests())
                .filteredOn(r -> r.path().startsWith("/v2/developer/profiles/"))
                .as("one read: the saved candidate's")
                .hasSize(1);
    }

    // --- 2. Orbit 409 developer_api_idempotency_key_refunded ------------------------------------------------------

    @Test
    void aProfileIdRequestWhoseFirstAnswerWasLostSucceedsWithItsProfile() {
        drop(root, "orbit/regen.json", "{\"profileId\": \"" + SimulatorTriggers.ORBIT_ANSWER_LOST_PROFILE_ID + "\"}");
        runUntilResults(1);

        JsonNode result = resultOf("orbit/regen.json");
        assertThat(result.get("outcome").asText()).isEqualTo("succeeded");
        assertThat(result.get("profiles").get(0).get("id").asText())
                .isEqualTo(SimulatorTriggers.ORBIT_ANSWER_LOST_PROFILE_ID);
        assertThat(result.get("remoteId").asText())
                .isEqualTo(result.get("idempotencyKey").asText());
        assertThat(result.get("attempts")).isEmpty();
        assertThat(starts()).extracting(Ledger.Request::status).containsExactly(-1, 409);
        assertThat(simulator.ledger().runsStarted("orbit")).isZero();
    }

    @Test
    void aKeyRefundedBecauseTheApiTurnedTheRequestDownIsRetriedUnderADerivedKey() {
        drop(root, "orbit/refused-once.json", orbitEmail(SimulatorTriggers.ORBIT_REQUEST_FAILED_ONCE));
        runUntilResults(1);

        JsonNode result = resultOf("orbit/refused-once.json");
        assertThat(result.get("outcome").asText()).isEqualTo("succeeded");
        List<Ledger.Request> starts = starts();
        assertThat(starts).extracting(Ledger.Request::status).containsExactly(502, 409, 202);
        String firstKey = starts.get(0).key();
        assertThat(starts.get(1).key()).as("a 502 is retried with the same key").isEqualTo(firstKey);
        assertThat(result.get("idempotencyKey").asText())
                .isEqualTo(starts.get(2).key())
                .isNotEqualTo(firstKey);
        assertThat(result.get("request").get("requestId").asText())
                .isEqualTo(starts.get(2).key());
        assertThat(result.get("attempts")).hasSize(1);
        assertThat(result.get("attempts").get(0).get("idempotencyKey").asText()).isEqualTo(firstKey);
        assertThat(result.get("attempts").get(0).get("error").get("code").asText())
                .as("the attempt names why its key was refunded")
                .isEqualTo("developer_deep_search_request_failed");
        assertThat(simulator.ledger().runsStarted("orbit")).isEqualTo(1);
    }

    @Test
    void aProfileIdRequestTheApiTurnedDownIsRetriedUnderADerivedKeyNotTakenForDone() {
        // API-docs audit: a 502 "did not accept the request" refunds the key's charge, so the retry's 409 refunded
        // said nothing about a regeneration that completed at once; the bridge read the old profile and succeeded
        drop(
                root,
                "orbit/regen-refused.json",
                "{\"profileId\": \"" + Simulator.SEEDED_PROFILE_ID + "\", \"email\": \""
                        + SimulatorTriggers.ORBIT_REQUEST_FAILED_ONCE + "\"}");
        runUntilResults(1);

        JsonNode result = resultOf("orbit/regen-refused.json");
        assertThat(result.get("outcome").asText()).isEqualTo("succeeded");
        List<Ledger.Request> starts = starts();
        assertThat(starts).extracting(Ledger.Request::status).containsExactly(502, 409, 200);
        assertThat(starts.get(2).key())
                .as("the regeneration, asked under the derived key")
                .isNotEqualTo(starts.get(0).key());
        assertThat(result.get("attempts")).hasSize(1);
        assertThat(result.get("profiles").get(0).get("id").asText()).isEqualTo(Simulator.SEEDED_PROFILE_ID);
        assertThat(simulator.ledger().runsStarted("orbit"))
                .as("the profile is fully generated: it completed at once, no run")
                .isZero();
    }

    @Test
    void keysRefundedBecauseTheApiTurnedTheRequestDownAreOutagesNotTheRefundsOneRetry() {
        // API-doc audit: two 502 "did not accept the request" in a row (each refunding its key) spent the one retry a
        // refund gets, and the request failed as "refunded", its 502 named nowhere
        drop(root, "orbit/refused-twice.json", orbitEmail(SimulatorTriggers.ORBIT_REQUEST_FAILED_TWICE));
        runUntilResults(1);

        JsonNode result = resultOf("orbit/refused-twice.json");
        assertThat(result.get("outcome").asText()).isEqualTo("succeeded");
        List<Ledger.Request> starts = starts();
        assertThat(starts).extracting(Ledger.Request::status).containsExactly(502, 409, 502, 409, 202);
        assertThat(starts.get(1).key())
                .as("a 502 is retried with the same key")
                .isEqualTo(starts.get(0).key());
        assertThat(List.of(
                        starts.get(0).key(), starts.get(2).key(), starts.get(4).key()))
                .as("each refund, a key derived anew")
                .doesNotHaveDuplicates();
        assertThat(result.get("attempts")).hasSize(2);
        for (JsonNode attempt : result.get("attempts")) {
            assertThat(attempt.get("error").get("code").asText()).isEqualTo("developer_deep_search_request_failed");
            assertThat(attempt.get("error").get("httpStatus").asInt()).isEqualTo(502);
        }
        assertThat(simulator.ledger().runsStarted("orbit")).isEqualTo(1);
    }

    @Test
    void aKeyRefundedAgainAfterItsRetryFailsNamingTheCode() {
        drop(root, "orbit/always-refunded.json", orbitEmail(SimulatorTriggers.ORBIT_REFUNDED));
        runUntilResults(1);

        JsonNode result = resultOf("failed/orbit/always-refunded.json");
        assertThat(result.get("error").get("code").asText()).isEqualTo("developer_api_idempotency_key_refunded");
        assertThat(result.get("error").get("httpStatus").asInt()).isEqualTo(409);
        assertThat(result.get("attempts")).hasSize(1);
        assertThat(starts()).hasSize(2);
    }

    // --- 3. OpenProspect FAILED retried once by default; Orbit failed final by default ----------------------------

    @Test
    void aFailedOpenProspectRunIsRetriedOnceByDefaultAndTheResultListsTheAttempt() {
        drop(root, "openprospect/second-time-lucky.json", openProspect(SimulatorTriggers.OPENPROSPECT_FAILED_ONCE));
        runUntilResults(1);

        JsonNode result = resultOf("openprospect/second-time-lucky.json");
        assertThat(result.get("outcome").asText()).isEqualTo("succeeded");
        assertThat(result.get("profileId").asText()).isNotBlank();
        JsonNode attempt = result.get("attempts").get(0);
        assertThat(result.get("attempts")).hasSize(1);
        assertThat(attempt.get("error").get("code").asText()).isEqualTo("profile_generation_failed");
        assertThat(attempt.get("remoteId").asText())
                .isNotEqualTo(result.get("remoteId").asText());
        assertThat(attempt.get("idempotencyKey").asText())
                .isNotEqualTo(result.get("idempotencyKey").asText());
        assertThat(simulator.ledger().runsPerKey("openprospect"))
                .hasSize(2)
                .containsValues(1L, 1L)
                .containsKeys(
                        attempt.get("idempotencyKey").asText(),
                        result.get("idempotencyKey").asText());
    }

    @Test
    void anOpenProspectRunFailingTwiceEndsFailedWithBothAttemptsAccountedFor() {
        drop(root, "openprospect/unlucky.json", openProspect(SimulatorTriggers.OPENPROSPECT_FAILED));
        runUntilResults(1);

        JsonNode result = resultOf("failed/openprospect/unlucky.json");
        assertThat(result.get("error").get("code").asText()).isEqualTo("profile_generation_failed");
        assertThat(result.get("status").get("status").asText()).isEqualTo("FAILED");
        assertThat(result.get("attempts")).hasSize(1);
        assertThat(simulator.ledger().runsStarted("openprospect")).isEqualTo(2);
    }

    @Test
    void zeroOpenProspectRetriesFailAtTheFirstFailedRun() {
        properties.put("bridge.retry.openprospect-failed-runs", "0");
        drop(root, "openprospect/unlucky.json", openProspect(SimulatorTriggers.OPENPROSPECT_FAILED));
        runUntilResults(1);

        assertThat(resultOf("failed/openprospect/unlucky.json").get("attempts")).isEmpty();
        assertThat(simulator.ledger().runsStarted("openprospect")).isEqualTo(1);
    }

    @Test
    void aFailedOrbitRunIsFinalByDefaultAndRetriedOnlyWhenConfigured() {
        drop(root, "orbit/final.json", orbitEmail(SimulatorTriggers.ORBIT_FAILED));
        runUntilResults(1);
        JsonNode result = resultOf("failed/orbit/final.json");
        assertThat(result.get("error").get("code").asText()).isEqualTo("developer_deep_search_generation_failed");
        assertThat(result.get("profiles")).as("no profile was saved").isEmpty();
        assertThat(simulator.ledger().runsStarted("orbit")).isEqualTo(1);

        properties.put("bridge.retry.orbit-failed-runs", "1");
        drop(
                root,
                "orbit/paid-twice.json",
                orbitEmail(SimulatorTriggers.ORBIT_FAILED).replace("{", "{\"runShape\": \"partial_plus_full\", "));
        runUntilResults(2);
        assertThat(resultOf("failed/orbit/paid-twice.json").get("attempts")).hasSize(1);
        assertThat(simulator.ledger().runsStarted("orbit")).isEqualTo(3);
    }

    // --- 4. Orbit's 5xx codes -------------------------------------------------------------------------------------

    @Test
    void unavailableForRequestIsFinalAfterOneCall() {
        drop(root, "orbit/refused.json", orbitEmail(SimulatorTriggers.ORBIT_UNAVAILABLE_FOR_REQUEST));
        runUntilResults(1);

        JsonNode error = resultOf("failed/orbit/refused.json").get("error");
        assertThat(error.get("code").asText()).isEqualTo("developer_deep_search_unavailable_for_request");
        assertThat(error.get("httpStatus").asInt()).isEqualTo(503);
        assertThat(starts()).hasSize(1);
    }

    @Test
    void unavailableAndRequestFailedAreRetriedWithTheSameKey() {
        drop(root, "orbit/later.json", orbitEmail(SimulatorTriggers.ORBIT_UNAVAILABLE_ONCE));
        runUntilResults(1);

        assertThat(resultOf("orbit/later.json").get("outcome").asText()).isEqualTo("succeeded");
        List<Ledger.Request> starts = starts();
        assertThat(starts).extracting(Ledger.Request::status).containsExactly(503, 202);
        assertThat(starts.get(1).key()).isEqualTo(starts.get(0).key());
        assertThat(simulator.ledger().requestsBeforeRetryAfter()).isZero();
    }

    @Test
    void theApisCodeSurvivesIntoAGiveUp() {
        simulator.settings().serverErrorShare(1).retryAfterSeconds(0);
        properties.put("bridge.retry.max-attempts", "2");
        drop(root, "orbit/doomed.json", orbitEmail("jane.doe@example.com"));
        runUntilResults(1);

        JsonNode error = resultOf("failed/orbit/doomed.json").get("error");
        assertThat(error.get("code").asText()).isEqualTo("gave_up");
        assertThat(error.get("message").asText()).contains("developer_deep_search_unavailable");
        assertThat(error.get("lastCause").get("code").asText()).isEqualTo("developer_deep_search_unavailable");
        assertThat(error.get("lastCause").get("httpStatus").asInt()).isEqualTo(503);
    }

    // --- 5. 402 keeps requiredCredits and remainingCredits (while held: HoldTest) ----------------------------------

    @Test
    void aRequestHeldForCreditsUntilItIsTooOldFailsWithBothAmounts() {
        simulator.orbitCredits(0);
        properties.put("bridge.retry.hold-interval-ms", "200");
        properties.put("bridge.retry.max-age-ms", "1500");
        drop(root, "orbit/poor.json", orbitEmail("jane.doe@example.com"));
        runUntilResults(1);

        JsonNode cause = resultOf("failed/orbit/poor.json").get("error").get("lastCause");
        assertThat(cause.get("code").asText()).isEqualTo("developer_api_credits_insufficient");
        assertThat(cause.get("requiredCredits").asInt()).isEqualTo(10);
        assertThat(cause.get("remainingCredits").asInt()).isZero();
    }

    // --- 6. ids in paths are percent-encoded -----------------------------------------------------------------------

    @Test
    void everyIdInAPathIsPercentEncodedAndTheServerSeesExactlyThat() {
        drop(root, "orbit/batch.json", "{\"requestId\": \"batch 7/item#1\", \"email\": \"a@example.com\"}");
        drop(
                root,
                "orbit/escape.json",
                "{\"requestId\": \"../../../admin/export?all=true\", \"email\": \"b@example.com\"}");
        drop(root, "orbit/dots.json", "{\"requestId\": \"..\", \"email\": \"c@example.com\"}");
        drop(root, "orbit/odd-profile.json", orbitEmail(SimulatorTriggers.ORBIT_ODD_PROFILE_ID));
        drop(root, "openprospect/odd-creation.json", openProspect(SimulatorTriggers.OPENPROSPECT_ODD_ID));
        drop(root, "orbit/unusable.json", "{\"requestId\": \"\\ud800\", \"email\": \"d@example.com\"}");
        runUntilResults(6);

        Map<String, JsonNode> results = results(root);
        for (String name : List.of(
                "orbit/batch.json",
                "orbit/escape.json",
                "orbit/dots.json",
                "orbit/odd-profile.json",
                "openprospect/odd-creation.json")) {
            assertThat(results.get(name).get("outcome").asText()).as(name).isEqualTo("succeeded");
        }
        List<String> paths = simulator.ledger().requests().stream()
                .filter(r -> r.method().equals("GET"))
                .map(Ledger.Request::path)
                .toList();
        assertThat(paths)
                .contains(
                        DEEP_SEARCH + "/batch%207%2Fitem%231",
                        DEEP_SEARCH + "/..%2F..%2F..%2Fadmin%2Fexport%3Fall%3Dtrue",
                        DEEP_SEARCH + "/%2E%2E");
        String oddProfile = results.get("orbit/odd-profile.json")
                .get("profiles")
                .get(0)
                .get("id")
                .asText();
        assertThat(oddProfile).startsWith("prof 7/../");
        assertThat(paths)
                .contains("/v2/developer/profiles/prof%207%2F..%2F" + oddProfile.substring(10, oddProfile.indexOf('#'))
                        + "%231%3Fall%3Dtrue");
        String creation =
                results.get("openprospect/odd-creation.json").get("remoteId").asText();
        assertThat(creation).startsWith("../");
        assertThat(paths)
                .contains("/api/v1/search-profile-creations/..%2F"
                        + creation.substring(3)
                                .replace(" ", "%20")
                                .replace("/", "%2F")
                                .replace("#", "%23")
                                .replace("?", "%3F")
                                .replace("=", "%3D"));
        assertThat(paths).noneMatch(path -> path.contains("/admin") || path.contains("/../") || path.endsWith("/.."));

        JsonNode unusable = results.get("failed/orbit/unusable.json");
        assertThat(unusable.get("error").get("code").asText()).isEqualTo("request_not_unicode");
        assertThat(unusable.get("error").get("message").asText()).startsWith("requestId:");
        assertThat(unusable.get("request").get("requestId").asText()).isEqualTo("\ud800");
        assertThat(simulator.ledger().requests())
                .noneMatch(r -> r.body() != null && r.body().contains("d@example.com"));
    }

    // --- 7. local validation is never stricter than the documents ---------------------------------------------------

    @Test
    void whatTheDocsAllowIsSentAndWhatOnlyTheServerRefusesBecomesItsOwnFailedResult() {
        drop(root, "orbit/upper-case.json", "{\"linkedinUrl\": \"HTTPS://WWW.LINKEDIN.COM/in/JaneDoe\"}");
        drop(root, "orbit/underscore.json", "{\"urls\": [\"https://jane_doe.github.io/\"]}");
        drop(root, "orbit/blank-key.json", "{\"requestId\": \"   \", \"email\": \"e@example.com\"}");
        drop(root, "orbit/local-host.json", "{\"email\": \"jane@localhost\"}");
        drop(
                root,
                "openprospect/blank-name.json",
                "{\"profile_name\": \"  \", \"ideal_customer_profile\": \"x\", \"target_countries\": [\"DE\"]}");
        runUntilResults(5);

        Map<String, JsonNode> results = results(root);
        assertThat(results).containsKeys("orbit/upper-case.json", "orbit/underscore.json", "orbit/blank-key.json");
        JsonNode email = results.get("failed/orbit/local-host.json");
        assertThat(email.get("error").get("code").asText()).isEqualTo("developer_deep_search_email_invalid");
        assertThat(email.get("error").get("httpStatus").asInt()).isEqualTo(400);
        assertThat(email.get("remoteId").isNull()).isTrue();
        JsonNode name = results.get("failed/openprospect/blank-name.json");
        assertThat(name.get("error").get("code").asText()).isEqualTo("validation_error");
        assertThat(name.get("error").get("httpStatus").asInt()).isEqualTo(422);
        assertThat(name.get("error").get("message").asText()).contains("profile_name");
        assertThat(simulator.ledger().requests())
                .filteredOn(r -> r.method().equals("POST"))
                .hasSize(5);
    }

    // --- 8. Retry-After in both forms, on every answer that carries it, capped --------------------------------------

    @Test
    void aRetryAfterHttpDateIsHonouredOn429sAndOnStatusAnswers() {
        simulator
                .settings()
                .retryAfterFormat(RetryAfterFormat.HTTP_DATE)
                .retryAfterSeconds(2)
                .rateLimitedShare(1)
                .statusRetryAfterSeconds(1)
                .jobDurationMs(2500);
        drop(root, "orbit/dated.json", orbitEmail("jane.doe@example.com"));
        drop(root, "openprospect/dated.json", openProspect("DACH SaaS buyers"));
        try (BridgeRun bridge = BridgeRun.start(root, properties)) {
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> simulator.ledger().rateLimited429s("orbit") > 0
                            && simulator.ledger().rateLimited429s("openprospect") > 0);
            simulator.settings().rateLimitedShare(0);
            await().atMost(Duration.ofSeconds(30)).until(() -> results(root).size() == 2);
        }
        assertThat(results(root)).containsKeys("orbit/dated.json", "openprospect/dated.json");
        assertThat(simulator.ledger().requests()).anyMatch(r -> r.method().equals("GET") && r.status() == 200);
        assertThat(simulator.ledger().requestsBeforeRetryAfter()).isZero();
    }

    @Test
    void anAbsurdRetryAfterIsCappedInsteadOfParkingTheRequestForCenturies() {
        simulator.settings().retryAfterSeconds(Long.MAX_VALUE).rateLimitedShare(1);
        properties.put("bridge.retry.retry-after-cap-ms", "300");
        drop(root, "openprospect/patient.json", openProspect("DACH SaaS buyers"));
        try (BridgeRun bridge = BridgeRun.start(root, properties)) {
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> simulator.ledger().rateLimited429s("openprospect") >= 3);
            simulator.settings().rateLimitedShare(0);
            await().atMost(Duration.ofSeconds(20)).until(() -> results(root).containsKey("openprospect/patient.json"));
        }
    }

    // --- helpers ---------------------------------------------------------------------------------------------------

    private static String orbitEmail(String email) {
        return "{\"email\": \"" + email + "\"}";
    }

    private static String candidateDiscovery(String email) {
        return "{\"runShape\": \"candidate_discovery\", \"email\": \"" + email
                + "\", \"structuredIntent\": {\"version\": \"v1\", \"names\": [\"Sam Altman\"]}}";
    }

    private static String openProspect(String profileName) {
        return "{\"profile_name\": \"" + profileName
                + "\", \"ideal_customer_profile\": \"SaaS\", \"target_countries\": [\"DE\"]}";
    }

    /** Orbit's start requests as the simulator received them, in order. */
    private List<Ledger.Request> starts() {
        return simulator.ledger().requests().stream()
                .filter(r -> r.api().equals("orbit") && r.method().equals("POST"))
                .toList();
    }

    private void runUntilResults(int count) {
        try (BridgeRun bridge = BridgeRun.start(root, properties)) {
            await().atMost(Duration.ofSeconds(30)).until(() -> results(root).size() == count);
        }
    }

    /** The result under that name; a missing one fails naming the results there are (not a NullPointerException). */
    private JsonNode resultOf(String name) {
        Map<String, JsonNode> all = results(root);
        assertThat(all).as("the results written").containsKey(name);
        return all.get(name);
    }
}
