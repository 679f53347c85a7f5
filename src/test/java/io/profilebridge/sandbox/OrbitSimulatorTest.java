package io.profilebridge.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.profilebridge.sandbox.SimulatorClient.Answer;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The Orbit Deep Search simulator against its document, over real HTTP. */
class OrbitSimulatorTest extends SimulatorTestSupport {

    /** The document's first curl example. */
    static final String EXAMPLE = """
            {"requestId": "8f6f2a1e-4b6d-4f3a-9d2c-1a7e5c3b9f10", "runShape": "partial_plus_full",
             "linkedinUrl": "https://www.linkedin.com/in/janedoe", "email": "jane.doe@example.com"}""";

    @Override
    SimulatorSettings settings() {
        return new SimulatorSettings().jobDurationMs(400);
    }

    @Test
    void theDocumentsExampleStartsOnceAndIsChargedOnce() throws Exception {
        Answer started = client.deepSearch(EXAMPLE);
        assertThat(started.status()).isEqualTo(202);
        assertThat(started.body().get("request_id").asText()).isEqualTo("8f6f2a1e-4b6d-4f3a-9d2c-1a7e5c3b9f10");
        assertThat(started.body().get("status").asText()).isEqualTo("started");
        assertThat(started.body().get("run_id").asText()).isNotBlank();
        assertThat(started.body().get("links").get("status").asText())
                .isEqualTo("/v2/developer/deep-search/8f6f2a1e-4b6d-4f3a-9d2c-1a7e5c3b9f10");
        assertThat(started.header("X-Developer-API-Credits-Remaining")).isEqualTo("999990");

        Answer again = client.deepSearch(EXAMPLE);
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.body().get("status").asText()).isEqualTo("already_running");
        assertThat(again.body().get("run_id").asText())
                .isEqualTo(started.body().get("run_id").asText());
        assertThat(again.header("X-Developer-API-Credits-Remaining")).isEqualTo("999990");
        assertThat(simulator.ledger().runsStarted("orbit")).isEqualTo(1);

        Answer conflict = client.deepSearch(EXAMPLE.replace("jane.doe@", "john.doe@"));
        assertThat(conflict.status()).isEqualTo(409);
        assertThat(conflict.errorCode()).isEqualTo("developer_api_idempotency_key_conflict");
    }

    @Test
    void aSingleProfileRunGoesThroughGeneratingSectionsToCompletedAndItsProfileCanBeRead() throws Exception {
        // long enough for the first read to meet "running" on a loaded machine (CI: at 400 ms it came too late)
        simulator.settings().jobDurationMs(2000);
        String requestId = client.deepSearch(EXAMPLE).body().get("request_id").asText();
        Set<String> seen = new LinkedHashSet<>();
        JsonNode[] last = new JsonNode[1];
        await().atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> {
                    last[0] = client.get("/v2/developer/deep-search/" + requestId, SimulatorClient.ORBIT_KEY)
                            .body();
                    seen.add(last[0].get("status").asText());
                    return seen.contains("completed");
                });
        assertThat(seen).containsSubsequence("running", "generating_sections", "completed");
        JsonNode result = last[0].get("result");
        assertThat(result.get("section_generation").get("sections_ready").asBoolean())
                .isTrue();
        assertThat(result.get("section_generation")
                        .get("materialized_section_count")
                        .asInt())
                .isPositive();
        Answer profile = client.get("/v2/developer/profiles/" + result.get("id").asText(), SimulatorClient.ORBIT_KEY);
        assertThat(profile.status()).isEqualTo(200);
        assertThat(profile.body().get("id").asText()).isEqualTo(result.get("id").asText());
        assertThat(client.get("/v2/developer/profiles/unknown", SimulatorClient.ORBIT_KEY)
                        .status())
                .isEqualTo(404);
        assertThat(client.get("/v2/developer/deep-search/unknown", SimulatorClient.ORBIT_KEY)
                        .status())
                .isEqualTo(404);
    }

    @Test
    void candidateDiscoveryReportsCandidatesAndEachCanBeRead() throws Exception {
        String body = """
                {"runShape": "candidate_discovery", "structuredIntent": {"version": "v1", "names": ["Sam Altman"],
                 "experiences": [{"organization": "OpenAI", "title": "CEO", "temporalScope": "current"}]}}""";
        Answer started = client.deepSearch(body);
        assertThat(started.status()).isEqualTo(202);
        String requestId = started.body().get("request_id").asText();
        assertThat(UUID.fromString(requestId)).as("server-generated request_id").isNotNull();
        JsonNode[] last = new JsonNode[1];
        await().atMost(Duration.ofSeconds(5))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> {
                    last[0] = client.get("/v2/developer/deep-search/" + requestId, SimulatorClient.ORBIT_KEY)
                            .body();
                    return last[0].get("status").asText().equals("completed");
                });
        JsonNode result = last[0].get("result");
        assertThat(result.fieldNames())
                .toIterable()
                .contains(
                        "candidate_profile_ids",
                        "candidate_count",
                        "dispatched_candidate_count",
                        "persisted_candidate_count",
                        "current_phase");
        assertThat(result.get("candidate_profile_ids")).isNotEmpty();
        for (JsonNode id : result.get("candidate_profile_ids")) {
            assertThat(client.get("/v2/developer/profiles/" + id.asText(), SimulatorClient.ORBIT_KEY)
                            .status())
                    .isEqualTo(200);
        }
    }

    @Test
    void regeneratingAFullyGeneratedProfileCompletesAtOnceAndSpendsTheKey() throws Exception {
        String body = "{\"requestId\": \"regen-1\", \"profileId\": \"" + Simulator.SEEDED_PROFILE_ID + "\"}";
        Answer answer = client.deepSearch(body);
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.body().get("status").asText()).isEqualTo("completed");
        assertThat(answer.body().get("run_id").isNull()).isTrue();
        assertThat(answer.body().get("result").get("id").asText()).isEqualTo(Simulator.SEEDED_PROFILE_ID);
        assertThat(answer.body().get("links").get("profile").asText())
                .isEqualTo("/v2/developer/profiles/" + Simulator.SEEDED_PROFILE_ID);
        assertThat(answer.header("X-Developer-API-Credits-Remaining"))
                .as("refunded")
                .isEqualTo("1000000");
        assertThat(simulator.ledger().runsStarted("orbit")).isZero();

        Answer reused = client.deepSearch(body);
        assertThat(reused.status()).isEqualTo(409);
        assertThat(reused.errorCode()).isEqualTo("developer_api_idempotency_key_refunded");

        Answer withANullBeside = client.deepSearch("{\"requestId\": \"regen-2\", \"profileId\": \""
                + Simulator.SEEDED_PROFILE_ID + "\", \"email\": null}");
        assertThat(withANullBeside.body().get("status").asText())
                .as("a null beside the profileId is no second signal")
                .isEqualTo("completed");
        Answer withAnEmailBeside = client.deepSearch("{\"requestId\": \"regen-3\", \"profileId\": \""
                + Simulator.SEEDED_PROFILE_ID + "\", \"email\": \"jane@example.com\"}");
        assertThat(withAnEmailBeside.status())
                .as("the docs: a fully generated profile starts no workflow, whatever else is sent")
                .isEqualTo(200);
        assertThat(withAnEmailBeside.body().get("status").asText()).isEqualTo("completed");
        assertThat(simulator.ledger().runsStarted("orbit")).isZero();

        Answer unknown = client.deepSearch("{\"profileId\": \"prof_nobody\"}");
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.errorCode()).isEqualTo("developer_deep_search_unprocessable_seed");
    }

    /**
     * Simulator-fidelity audit: a profile still generating counted as "fully generated" from its run's start (a read
     * said so with every section, and its regeneration completed at once, unpaid) though "generating_sections means
     * ... generated profile sections are still being written". Read at chosen times, on the simulation itself, so no
     * test waits for a run (the audit's own reproduction: an 8 s run, read at 4.5 s).
     */
    @Test
    void aProfileIsFullyGeneratedOnlyOnceItsRunCompletedAndItsRegenerationMeanwhileStartsAPaidRun() {
        SimulatorSettings settings = new SimulatorSettings().jobDurationMs(8000);
        Ledger ledger = new Ledger();
        OrbitSimulation orbit =
                new OrbitSimulation(settings, ledger, new Chance(settings.seed()), new RetryAfterWriter(settings));
        long start = 1_000_000;
        SimRequest.Reply started = orbit.handle(
                deepSearchPost("{\"requestId\":\"ff1\",\"runShape\":\"partial_plus_full\"," + "\"email\":\"a@b.co\"}"),
                start);
        assertThat(started.status()).isEqualTo(202);

        long midway = start + 4500;
        JsonNode generating =
                orbit.handle(get("/v2/developer/deep-search/ff1"), midway).body();
        assertThat(generating.get("status").asText()).isEqualTo("generating_sections");
        JsonNode sectionGeneration = generating.get("result").get("section_generation");
        assertThat(sectionGeneration.get("sections_ready").asBoolean()).isFalse();
        String id = generating.get("result").get("id").asText();
        JsonNode halfGenerated =
                orbit.handle(get("/v2/developer/profiles/" + id), midway).body();
        assertThat(halfGenerated.get("fully_generated").asBoolean()).isFalse();
        assertThat(halfGenerated.get("sections"))
                .as("the sections written so far, as the status counts them")
                .hasSize(sectionGeneration.get("materialized_section_count").asInt());

        SimRequest.Reply regeneration =
                orbit.handle(deepSearchPost("{\"requestId\":\"ff2\",\"profileId\":\"" + id + "\"}"), midway);
        assertThat(regeneration.status())
                .as("a profile still generating is not fully generated: its regeneration starts a run")
                .isEqualTo(202);
        assertThat(regeneration.body().get("status").asText()).isEqualTo("started");
        assertThat(regeneration.headers().get(OrbitSimulation.CREDITS_HEADER)).isEqualTo("999980");
        assertThat(ledger.runsStarted("orbit")).isEqualTo(2);

        long done = start + 8000;
        JsonNode completed =
                orbit.handle(get("/v2/developer/deep-search/ff1"), done).body();
        assertThat(completed.get("status").asText()).isEqualTo("completed");
        JsonNode generated =
                orbit.handle(get("/v2/developer/profiles/" + id), done).body();
        assertThat(generated.get("fully_generated").asBoolean()).isTrue();
        assertThat(generated.get("sections"))
                .hasSize(completed
                        .get("result")
                        .get("section_generation")
                        .get("materialized_section_count")
                        .asInt())
                .hasSizeGreaterThan(halfGenerated.get("sections").size());
        SimRequest.Reply atOnce =
                orbit.handle(deepSearchPost("{\"requestId\":\"ff3\",\"profileId\":\"" + id + "\"}"), done);
        assertThat(atOnce.status())
                .as("fully generated now: no workflow starts")
                .isEqualTo(200);
        assertThat(atOnce.body().get("status").asText()).isEqualTo("completed");
        assertThat(atOnce.body().get("run_id").isNull()).isTrue();
        assertThat(atOnce.headers().get(OrbitSimulation.CREDITS_HEADER)).isEqualTo("999980");
        assertThat(ledger.runsStarted("orbit")).isEqualTo(2);
    }

    @Test
    void aPartialOnlyProfileIsNeverFullyGeneratedAndItsRegenerationStartsARun() {
        // "partial_only: ... enriched in place by a retroactive background backfill (no further full generation)"
        SimulatorSettings settings = new SimulatorSettings().jobDurationMs(1000);
        OrbitSimulation orbit = new OrbitSimulation(
                settings, new Ledger(), new Chance(settings.seed()), new RetryAfterWriter(settings));
        orbit.handle(deepSearchPost("{\"requestId\":\"p1\",\"email\":\"a@b.co\"}"), 0);
        JsonNode status =
                orbit.handle(get("/v2/developer/deep-search/p1"), 1000).body();
        assertThat(status.get("status").asText()).isEqualTo("completed");
        String id = status.get("result").get("id").asText();
        JsonNode profile =
                orbit.handle(get("/v2/developer/profiles/" + id), 1000).body();
        assertThat(profile.get("fully_generated").asBoolean()).isFalse();
        assertThat(profile.get("sections")).isNotEmpty();
        assertThat(orbit.handle(deepSearchPost("{\"requestId\":\"p2\",\"profileId\":\"" + id + "\"}"), 1000)
                        .status())
                .isEqualTo(202);
        assertThat(orbit.handle(get("/v2/developer/profiles/" + id), 1500)
                        .body()
                        .get("sections"))
                .as("a regeneration under way takes no section away")
                .hasSize(profile.get("sections").size());
        assertThat(orbit.handle(get("/v2/developer/profiles/" + id), 2000)
                        .body()
                        .get("fully_generated")
                        .asBoolean())
                .as("the regeneration defaults to full generation")
                .isTrue();
    }

    private static SimRequest deepSearchPost(String body) {
        return SimRequest.of("POST", OrbitSimulation.DEEP_SEARCH, null, SimulatorClient.ORBIT_KEY, body);
    }

    private static SimRequest get(String path) {
        return SimRequest.of("GET", path, null, SimulatorClient.ORBIT_KEY, "");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "mode|{\"mode\": \"generation\", \"email\": \"a@example.com\"}|developer_deep_search_field_unsupported|runShape",
                "partialProfile|{\"partialProfile\": true, \"email\": \"a@example.com\"}|developer_deep_search_field_unsupported|partial_only",
                "dry_run|{\"dry_run\": true, \"email\": \"a@example.com\"}|developer_deep_search_field_unsupported|always real",
                "options|{\"options\": {}, \"email\": \"a@example.com\"}|developer_deep_search_field_unsupported|removed",
                "profile_id|{\"profile_id\": \"p\"}|developer_deep_search_field_unsupported|profileId",
                "orbit_id|{\"orbit_id\": \"p\"}|developer_deep_search_field_unsupported|profileId",
                "phone|{\"phone\": \"+4930123456\"}|developer_deep_search_field_unsupported|send it as phoneNumber",
                "urls|{\"urls\": \"https://example.com\"}|developer_deep_search_field_invalid|urls",
                "urls|{\"urls\": [\"ftp://example.com\"]}|developer_deep_search_url_invalid|urls",
                "usernames|{\"usernames\": [1, 2]}|developer_deep_search_field_invalid|usernames",
                "email|{\"email\": \"not-an-email\"}|developer_deep_search_email_invalid|email",
                "phoneNumber|{\"phoneNumber\": \"call me\"}|developer_deep_search_phone_invalid|phoneNumber",
                "linkedinUrl|{\"linkedinUrl\": \"https://example.com/in/jane\"}|developer_deep_search_linkedin_invalid|linkedinUrl",
                "runShape|{\"runShape\": \"everything\", \"email\": \"a@example.com\"}|developer_deep_search_run_shape_invalid|runShape",
                "requestId|{\"requestId\": \"\", \"email\": \"a@example.com\"}|developer_deep_search_request_id_invalid|requestId",
                // review: an empty list is "no signal" only for the list signals, not a string sent as []
                "requestId-list|{\"requestId\": [], \"email\": \"a@example.com\"}|developer_deep_search_request_id_invalid|requestId",
                "email-list|{\"email\": [], \"phoneNumber\": \"+4930123456\"}|developer_deep_search_email_invalid|email",
                "profileId|{\"profileId\": 42}|developer_deep_search_profile_id_invalid|profileId",
                "none|{\"runShape\": \"partial_only\"}|developer_deep_search_input_required|identity signal",
                "nulls|{\"email\": null, \"urls\": [], \"phoneNumber\": null}|developer_deep_search_input_required|identity signal",
                "blank|{\"usernames\": [\"\", \" \"]}|developer_deep_search_unprocessable_seed|could not start",
                "bareIntent|{\"structuredIntent\": {\"version\": \"v1\"}}|developer_deep_search_unprocessable_seed|could not start",
                "personalization|{\"structuredIntent\": {\"version\": \"v1\", \"personalization\": {}}}|developer_deep_search_personalization_unsupported|personalization",
                "structuredIntent|{\"structuredIntent\": \"Jane\"}|structured_intent_required|structuredIntent",
                "structuredIntent|{\"structuredIntent\": {\"version\": \"v1\", \"names\": \"Jane\"}}|structured_intent_invalid|names",
                "version|{\"structuredIntent\": {\"version\": \"v2\"}}|structured_intent_version_unsupported|v1",
                "entityClauses|{\"structuredIntent\": {\"version\": \"v1\", \"entityClauses\": []}}|structured_intent_entity_clauses_unsupported|entityClauses",
                "serverOwned|{\"structuredIntent\": {\"version\": \"v1\", \"id\": \"x\"}}|structured_intent_server_owned_field|id",
                "candidate+profileId|{\"runShape\": \"candidate_discovery\", \"profileId\": \"p\", \"structuredIntent\": {\"version\": \"v1\"}}|developer_deep_search_run_shape_invalid|profileId",
                "candidate-intent|{\"runShape\": \"candidate_discovery\", \"email\": \"a@example.com\"}|developer_deep_search_run_shape_invalid|structuredIntent",
                // test-quality audit: started, as the bridge's own rule (which leaves a null to the API) let it through
                "candidate-null-intent|{\"runShape\": \"candidate_discovery\", \"structuredIntent\": null, \"email\": \"a@example.com\"}|developer_deep_search_run_shape_invalid|structuredIntent"
            })
    void everyValidationCodeHasItsDocumentedTrigger(String name, String body, String code, String mentioned)
            throws Exception {
        Answer answer = client.deepSearch(body);
        assertThat(answer.status()).as(name).isEqualTo(400);
        assertThat(answer.errorCode()).as(name).isEqualTo(code);
        assertThat(answer.body().get("error").get("message").asText()).as(name).contains(mentioned);
        assertThat(simulator.ledger().runsStarted("orbit")).isZero();
    }

    /**
     * Simulator-fidelity audit: the body was read leniently (what followed the first JSON value was ignored, and a
     * field given twice kept its last value), so a bridge sending malformed JSON started runs here. Refused with the
     * docs' code for a rejected body, and nothing is started, charged or kept under the requestId.
     */
    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "trailing data|{\"requestId\": \"m-1\", \"email\": \"a@example.com\"} x|goes on after its JSON value",
                "two objects|{\"requestId\": \"m-1\", \"email\": \"a@example.com\"}{\"email\": \"b@example.com\"}|goes on after its JSON value",
                "a value after|{\"requestId\": \"m-1\", \"email\": \"a@example.com\"} 42|goes on after its JSON value",
                "duplicate field|{\"requestId\": \"m-1\", \"email\": \"a@example.com\", \"email\": \"b@example.com\"}|\"email\" appears twice",
                "duplicate requestId|{\"requestId\": \"m-0\", \"requestId\": \"m-1\", \"email\": \"a@example.com\"}|\"requestId\" appears twice",
                "nested duplicate|{\"requestId\": \"m-1\", \"structuredIntent\": {\"version\": \"v1\", \"names\": [\"A\"], \"names\": [\"B\"]}}|\"names\" appears twice",
                "not JSON|{\"requestId\": \"m-1\", \"email\": 'a@example.com'}|not JSON: Unexpected character"
            })
    void aMalformedBodyIsRefusedAsAnInvalidRequest(String name, String body, String mentioned) throws Exception {
        Answer answer = client.deepSearch(body);
        assertThat(answer.status()).as(name).isEqualTo(400);
        assertThat(answer.errorCode()).as(name).isEqualTo("developer_deep_search_invalid_request");
        assertThat(answer.body().get("error").get("message").asText())
                .as(name)
                .startsWith("The request body was rejected: ")
                .contains(mentioned);
        assertThat(simulator.ledger().runsStarted("orbit")).isZero();

        Answer wellFormed = client.deepSearch("{\"requestId\": \"m-1\", \"email\": \"a@example.com\"}\n");
        assertThat(wellFormed.status())
                .as("the requestId is not spent, and white space after the object is no data")
                .isEqualTo(202);
        assertThat(wellFormed.header("X-Developer-API-Credits-Remaining")).isEqualTo("999990");
    }

    @Test
    void aNullSignalBesideAGivenOneIsNotMalformed() throws Exception {
        // API-docs audit: "email": null met email_invalid here (its text is "null"), though the bridge passes a null on
        // for the API to judge and the docs call only a malformed email invalid
        Answer answer = client.deepSearch("{\"email\": null, \"linkedinUrl\": null, \"phoneNumber\": \"+4930123456\"}");
        assertThat(answer.status()).isEqualTo(202);
        // nor a null structuredIntent, which the bridge now passes on too (it met "structuredIntent.version: is
        // required")
        Answer nullIntent = client.deepSearch("{\"email\": \"a@example.com\", \"structuredIntent\": null}");
        assertThat(nullIntent.status()).isEqualTo(202);
    }

    @Test
    void withoutEnoughCreditsTheStartIs402WithTheAmounts() throws Exception {
        simulator.orbitCredits(5);
        Answer answer = client.deepSearch("{\"email\": \"a@example.com\"}");
        assertThat(answer.status()).isEqualTo(402);
        assertThat(answer.errorCode()).isEqualTo("developer_api_credits_insufficient");
        assertThat(answer.body().get("error").get("requiredCredits").asInt()).isEqualTo(10);
        assertThat(answer.body().get("error").get("remainingCredits").asInt()).isEqualTo(5);
        assertThat(simulator.ledger().runsStarted("orbit")).isZero();
    }

    @Test
    void startsAreLimitedTo25AtOnceWhilePollsHaveTheirOwnBucket() throws Exception {
        // a refill slow enough that this test's own pace cannot add a token: only the burst of 25 counts
        simulator.settings().orbitStartRate(0.01);
        String firstId = null;
        for (int i = 0; i < 25; i++) {
            Answer answer = client.deepSearch("{\"email\": \"p" + i + "@example.com\"}");
            assertThat(answer.status()).isEqualTo(202);
            firstId = firstId == null ? answer.body().get("request_id").asText() : firstId;
        }
        Answer limited = client.deepSearch("{\"email\": \"one-too-many@example.com\"}");
        assertThat(limited.status()).isEqualTo(429);
        assertThat(limited.errorCode()).isEqualTo("developer_api_key_rate_limited");
        assertThat(Integer.parseInt(limited.header("Retry-After"))).isPositive();
        assertThat(simulator.ledger().runs().stream()
                        .mapToInt(Ledger.Run::creditsCharged)
                        .sum())
                .isEqualTo(250);
        assertThat(client.get("/v2/developer/deep-search/" + firstId, SimulatorClient.ORBIT_KEY)
                        .status())
                .isEqualTo(200);
        assertThat(simulator.ledger().rateLimited429s("orbit")).isEqualTo(1);
    }

    @Test
    void aFailedRunCarriesAFailureCodeAndMessage() throws Exception {
        simulator.settings().failedShare(1).jobDurationMs(0);
        String requestId = client.deepSearch("{\"email\": \"a@example.com\"}")
                .body()
                .get("request_id")
                .asText();
        JsonNode status = client.get("/v2/developer/deep-search/" + requestId, SimulatorClient.ORBIT_KEY)
                .body();
        assertThat(status.get("status").asText()).isEqualTo("failed");
        assertThat(status.get("failure").get("code").asText()).isNotBlank();
        assertThat(status.get("failure").get("message").asText()).isNotBlank();
    }

    @Test
    void theAuthorizationSchemeIsReadInAnyCase() throws Exception {
        Answer answer = client.post(
                "/v2/developer/deep-search",
                null,
                EXAMPLE,
                java.util.Map.of("Authorization", "bearer " + SimulatorClient.ORBIT_KEY));
        assertThat(answer.status()).isEqualTo(202);
    }

    @Test
    void keysOfTheWrongShapeAre401() throws Exception {
        Answer answer = client.post("/v2/developer/deep-search", "lnc_live_simtest_0001", EXAMPLE, java.util.Map.of());
        assertThat(answer.status()).isEqualTo(401);
        assertThat(answer.errorCode()).isEqualTo("developer_api_key_invalid");
    }
}
