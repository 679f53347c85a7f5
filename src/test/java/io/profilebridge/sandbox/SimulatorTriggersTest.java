package io.profilebridge.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.profilebridge.Json;
import io.profilebridge.orbit.OrbitRequestRules;
import io.profilebridge.sandbox.SimulatorClient.Answer;
import java.io.IOException;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The trigger values and knobs that reproduce the rarer documented answers, over real HTTP. */
class SimulatorTriggersTest extends SimulatorTestSupport {

    private static final String STATUS = "/v2/developer/deep-search/";

    @Override
    SimulatorSettings settings() {
        return new SimulatorSettings().jobDurationMs(0);
    }

    private Answer start(String requestId, String email) throws Exception {
        return client.deepSearch("{\"requestId\": \"" + requestId + "\", \"email\": \"" + email + "\"}");
    }

    private JsonNode status(String rawId) throws Exception {
        return client.get(STATUS + rawId, SimulatorClient.ORBIT_KEY).body();
    }

    @Test
    void aFailedRunCanStillCarryItsSavedProfileWithoutSections() throws Exception {
        start("r-1", SimulatorTriggers.ORBIT_FAILED_WITH_PROFILE);
        JsonNode status = status("r-1");
        assertThat(status.get("status").asText()).isEqualTo("failed");
        assertThat(status.get("failure").get("code").asText()).isEqualTo(SimulatorTriggers.ORBIT_READINESS_TIMEOUT);
        String id = status.get("result").get("id").asText();
        assertThat(status.get("result")
                        .get("section_generation")
                        .get("sections_ready")
                        .asBoolean())
                .isFalse();
        JsonNode profile = client.get("/v2/developer/profiles/" + id, SimulatorClient.ORBIT_KEY)
                .body();
        assertThat(profile.get("id").asText()).isEqualTo(id);
        assertThat(profile.get("sections")).isEmpty();

        start("r-2", SimulatorTriggers.ORBIT_NO_SECTIONS);
        assertThat(status("r-2").get("status").asText()).isEqualTo("completed");
        assertThat(status("r-2")
                        .get("result")
                        .get("section_generation")
                        .get("materialized_section_count")
                        .asInt())
                .isZero();
        start("r-3", SimulatorTriggers.ORBIT_FAILED);
        assertThat(status("r-3").get("result").isNull()).isTrue();
    }

    @Test
    void fiveHundredsComeWithTheirDocumentedCodes() throws Exception {
        Answer refused = start("r-1", SimulatorTriggers.ORBIT_UNAVAILABLE_FOR_REQUEST);
        assertThat(refused.status()).isEqualTo(503);
        assertThat(refused.errorCode()).isEqualTo("developer_deep_search_unavailable_for_request");

        Answer unavailable = start("r-2", SimulatorTriggers.ORBIT_UNAVAILABLE_ONCE);
        assertThat(unavailable.status()).isEqualTo(503);
        assertThat(unavailable.errorCode()).isEqualTo("developer_deep_search_unavailable");
        assertThat(unavailable.header("Retry-After")).isEqualTo("1");
        assertThat(start("r-2", SimulatorTriggers.ORBIT_UNAVAILABLE_ONCE).status())
                .as("same key, later")
                .isEqualTo(202);

        simulator.settings().orbitNotConfigured(true);
        assertThat(start("r-3", "a@example.com").errorCode()).isEqualTo("developer_deep_search_not_configured");
        assertThat(client.get(STATUS + "r-2", SimulatorClient.ORBIT_KEY).status())
                .isEqualTo(503);
        simulator.settings().orbitNotConfigured(false);
        assertThat(simulator.ledger().runsStarted("orbit")).isEqualTo(1);
    }

    @Test
    void aRequestDeepSearchCouldNotAcceptIsRefundedSoItsKeyMeets409Refunded() throws Exception {
        Answer failed = start("r-1", SimulatorTriggers.ORBIT_REQUEST_FAILED_ONCE);
        assertThat(failed.status()).isEqualTo(502);
        assertThat(failed.errorCode()).isEqualTo("developer_deep_search_request_failed");
        assertThat(failed.header("X-Developer-API-Credits-Remaining"))
                .as("nothing charged")
                .isEqualTo("1000000");
        assertThat(start("r-1", SimulatorTriggers.ORBIT_REQUEST_FAILED_ONCE).errorCode())
                .isEqualTo("developer_api_idempotency_key_refunded");
        assertThat(start("r-2", SimulatorTriggers.ORBIT_REQUEST_FAILED_ONCE).status())
                .as("a new key")
                .isEqualTo(202);

        assertThat(start("r-3", SimulatorTriggers.ORBIT_REFUNDED).errorCode())
                .isEqualTo("developer_api_idempotency_key_refunded");
        assertThat(start("r-4", SimulatorTriggers.ORBIT_REFUNDED).errorCode())
                .isEqualTo("developer_api_idempotency_key_refunded");
    }

    @Test
    void theLostAnswerOfAnImmediateRegenerationLeavesARefundedKey() throws Exception {
        String body = "{\"requestId\": \"regen-1\", \"profileId\": \"" + SimulatorTriggers.ORBIT_ANSWER_LOST_PROFILE_ID
                + "\"}";
        assertThatThrownBy(() -> client.deepSearch(body)).isInstanceOf(IOException.class);
        Answer again = client.deepSearch(body);
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.errorCode()).isEqualTo("developer_api_idempotency_key_refunded");
        assertThat(client.get(
                                "/v2/developer/profiles/" + SimulatorTriggers.ORBIT_ANSWER_LOST_PROFILE_ID,
                                SimulatorClient.ORBIT_KEY)
                        .status())
                .isEqualTo(200);
        assertThat(simulator.ledger().runsStarted("orbit")).isZero();
    }

    @Test
    void idsAreFoundByTheirEncodedPathSegmentAndNeverByARawSlash() throws Exception {
        start("batch 7/item#1", "a@example.com");
        assertThat(status("batch%207%2Fitem%231").get("request_id").asText()).isEqualTo("batch 7/item#1");
        assertThat(client.get(STATUS + "batch%207/item%231", SimulatorClient.ORBIT_KEY)
                        .status())
                .isEqualTo(404);
        assertThat(simulator.ledger().requests())
                .extracting(Ledger.Request::path)
                .contains(STATUS + "batch%207%2Fitem%231");
        assertThat(client.get("/_sandbox/ledger", null)
                        .body()
                        .get("recentRequests")
                        .toString())
                .contains(STATUS + "batch%207%2Fitem%231");

        start("r-odd", SimulatorTriggers.ORBIT_ODD_PROFILE_ID);
        String id = status("r-odd").get("result").get("id").asText();
        assertThat(id).contains(" ", "/../", "#", "?");
        String encoded = id.replace(" ", "%20")
                .replace("/", "%2F")
                .replace("#", "%23")
                .replace("?", "%3F")
                .replace("=", "%3D");
        assertThat(client.get("/v2/developer/profiles/" + encoded, SimulatorClient.ORBIT_KEY)
                        .status())
                .isEqualTo(200);

        Answer created = client.createProfile(
                "k-odd",
                "{\"profile_name\": \"" + SimulatorTriggers.OPENPROSPECT_ODD_ID
                        + "\", \"ideal_customer_profile\": \"x\", \"target_countries\": [\"DE\"]}");
        String creation = created.body().get("profile_creation_id").asText();
        assertThat(creation).startsWith("../").contains("#", "?");
        String encodedCreation = creation.replace(" ", "%20")
                .replace("/", "%2F")
                .replace("#", "%23")
                .replace("?", "%3F")
                .replace("=", "%3D");
        assertThat(client.get("/api/v1/search-profile-creations/" + encodedCreation, SimulatorClient.OPENPROSPECT_KEY)
                        .status())
                .isEqualTo(200);
    }

    @Test
    void anOpenProspectBodyCanFailOnceOrAlways() throws Exception {
        String once = "{\"profile_name\": \"" + SimulatorTriggers.OPENPROSPECT_FAILED_ONCE
                + "\", \"ideal_customer_profile\": \"x\", \"target_countries\": [\"DE\"]}";
        assertThat(creationStatus(client.createProfile("k-1", once))).isEqualTo("FAILED");
        assertThat(creationStatus(client.createProfile("k-2", once)))
                .as("a new key for the same body")
                .isEqualTo("SUCCEEDED");
        String always = once.replace(SimulatorTriggers.OPENPROSPECT_FAILED_ONCE, SimulatorTriggers.OPENPROSPECT_FAILED);
        assertThat(creationStatus(client.createProfile("k-3", always))).isEqualTo("FAILED");
        assertThat(creationStatus(client.createProfile("k-4", always))).isEqualTo("FAILED");
    }

    @Test
    void retryAfterCanBeLeftOutAsNeitherApiDocumentPromisesIt() throws Exception {
        simulator.settings().apply(Json.parse("{\"retry-after-format\": \"none\", \"server-error-share\": \"1\"}"));
        Answer unavailable = start("r-0", "a@example.com");
        assertThat(unavailable.status()).isEqualTo(503);
        assertThat(unavailable.header("Retry-After")).isNull();
        assertThat(simulator.settings().toJson().get("retry-after-format").asText())
                .isEqualTo("none");
        assertThatThrownBy(() -> simulator.settings().apply(Json.parse("{\"retry-after-format\": \"soon\"}")))
                .hasMessage("retry-after-format is seconds, http-date or none, not \"soon\"");
    }

    @Test
    void retryAfterCanBeAnHttpDateAndStatusAnswersCanCarryOne() throws Exception {
        simulator
                .settings()
                .retryAfterFormat(RetryAfterFormat.HTTP_DATE)
                .retryAfterSeconds(30)
                .serverErrorShare(1);
        String header = start("r-1", "a@example.com").header("Retry-After");
        assertThat(ZonedDateTime.parse(header, DateTimeFormatter.RFC_1123_DATE_TIME))
                .isAfter(ZonedDateTime.now().plusSeconds(25));
        assertThat(header).matches("[A-Z][a-z]{2}, \\d{2} [A-Z][a-z]{2} \\d{4} \\d{2}:\\d{2}:\\d{2} GMT");

        simulator
                .settings()
                .retryAfterFormat(RetryAfterFormat.SECONDS)
                .serverErrorShare(0)
                .statusRetryAfterSeconds(5)
                .jobDurationMs(60_000);
        start("r-2", "a@example.com");
        assertThat(client.get(STATUS + "r-2", SimulatorClient.ORBIT_KEY).header("Retry-After"))
                .isEqualTo("5");
        simulator.settings().jobDurationMs(0);
        start("r-3", "a@example.com");
        assertThat(client.get(STATUS + "r-3", SimulatorClient.ORBIT_KEY).header("Retry-After"))
                .as("finished")
                .isNull();
    }

    @Test
    void creditsCanBeToppedUpLiveAndOpenProspectCanBeRateLimited() throws Exception {
        client.post("/_sandbox/settings", null, "{\"orbit.credits\": \"5\"}", Map.of());
        Answer poor = start("r-1", "a@example.com");
        assertThat(poor.status()).isEqualTo(402);
        assertThat(poor.body().get("error").get("remainingCredits").asInt()).isEqualTo(5);
        client.post("/_sandbox/settings", null, "{\"orbit.credits\": \"50\"}", Map.of());
        assertThat(start("r-1", "a@example.com").status()).isEqualTo(202);

        client.post(
                "/_sandbox/settings",
                null,
                "{\"openprospect.rate\": \"0.01\", \"openprospect.burst\": \"2\"}",
                Map.of());
        assertThat(client.get("/api/v1/search-profile-creations/x", SimulatorClient.OPENPROSPECT_KEY)
                        .status())
                .isEqualTo(404);
        assertThat(client.get("/api/v1/search-profile-creations/x", SimulatorClient.OPENPROSPECT_KEY)
                        .status())
                .isEqualTo(404);
        Answer limited = client.get("/api/v1/search-profile-creations/x", SimulatorClient.OPENPROSPECT_KEY);
        assertThat(limited.status()).isEqualTo(429);
        assertThat(limited.header("Retry-After")).isNotBlank();
    }

    @Test
    void theSimulatedServerIsStricterThanTheBridgeWhereTheDocsLeaveRoom() throws Exception {
        String body = "{\"email\": \"jane@localhost\"}";
        assertThat(OrbitRequestRules.validate(Json.parse(body)))
                .as("the bridge lets it through")
                .isEmpty();
        Answer answer = client.deepSearch(body);
        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.errorCode()).isEqualTo("developer_deep_search_email_invalid");

        for (String valid : new String[] {
            "{\"linkedinUrl\": \"HTTPS://WWW.LINKEDIN.COM/in/JaneDoe\"}",
            // a profile URL with LinkedIn's locale after it, and the older public form (API-doc audit: both refused)
            "{\"linkedinUrl\": \"https://www.linkedin.com/in/janedoe/de\"}",
            "{\"linkedinUrl\": \"https://de.linkedin.com/pub/jane-doe/12/345/678\"}",
            "{\"urls\": [\"https://jane_doe.github.io/\"]}"
        }) {
            assertThat(client.deepSearch(valid).status()).as(valid).isEqualTo(202);
        }
        Answer blank = client.createProfile(
                "k-blank",
                "{\"profile_name\": \" \", \"ideal_customer_profile\": \"x\", \"target_countries\": [\"DE\"]}");
        assertThat(blank.status()).isEqualTo(422);
        assertThat(blank.body().get("detail").toString()).contains("profile_name");
    }

    private String creationStatus(Answer created) throws Exception {
        String id = created.body().get("profile_creation_id").asText();
        return client.get("/api/v1/search-profile-creations/" + id, SimulatorClient.OPENPROSPECT_KEY)
                .body()
                .get("status")
                .asText();
    }
}
