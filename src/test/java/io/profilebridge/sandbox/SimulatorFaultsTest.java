package io.profilebridge.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.profilebridge.sandbox.SimulatorClient.Answer;
import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The fault knobs: each one changes what a real HTTP client sees, and the ledger tells the truth about it. */
class SimulatorFaultsTest extends SimulatorTestSupport {

    @Override
    SimulatorSettings settings() {
        return new SimulatorSettings();
    }

    @Test
    void serverErrorsDoNoWorkAndCarryRetryAfter() throws Exception {
        simulator.settings().serverErrorShare(1);
        Answer answer = client.deepSearch("{\"requestId\": \"r-1\", \"email\": \"a@example.com\"}");
        assertThat(answer.status()).isEqualTo(503);
        assertThat(answer.errorCode()).isEqualTo("developer_deep_search_unavailable");
        assertThat(answer.header("Retry-After")).isEqualTo("1");
        assertThat(simulator.ledger().runsStarted("orbit")).isZero();
        Answer openProspect = client.createProfile("k", OpenProspectSimulatorTest.DACH);
        assertThat(openProspect.status()).isEqualTo(503);
        assertThat(openProspect.errorCode()).isEqualTo("service_unavailable");
    }

    @Test
    void rateLimitedAnswersCarryRetryAfterAndAnEarlyRetryIsCounted() throws Exception {
        simulator.settings().rateLimitedShare(1).retryAfterSeconds(30);
        Answer answer = client.createProfile("k-1", OpenProspectSimulatorTest.DACH);
        assertThat(answer.status()).isEqualTo(429);
        assertThat(answer.header("Retry-After")).isEqualTo("30");
        assertThat(simulator.ledger().requestsBeforeRetryAfter()).isZero();
        simulator.settings().rateLimitedShare(0);
        assertThat(client.createProfile("k-1", OpenProspectSimulatorTest.DACH).status())
                .isEqualTo(202);
        assertThat(simulator.ledger().requestsBeforeRetryAfter()).isEqualTo(1);
        assertThat(client.createProfile("k-2", OpenProspectSimulatorTest.DACH).status())
                .isEqualTo(202);
        assertThat(simulator.ledger().requestsBeforeRetryAfter())
                .as("another key is not early")
                .isEqualTo(1);
    }

    @Test
    void aLostAnswerDidTheWorkButTheClientSeesAClosedConnection() throws Exception {
        simulator.settings().lostAnswerShare(1);
        assertThatThrownBy(() -> client.deepSearch("{\"requestId\": \"lost-1\", \"email\": \"a@example.com\"}"))
                .isInstanceOf(IOException.class);
        assertThat(simulator.ledger().runsPerKey("orbit")).containsEntry("lost-1", 1L);
        simulator.settings().lostAnswerShare(0);
        Answer retry = client.deepSearch("{\"requestId\": \"lost-1\", \"email\": \"a@example.com\"}");
        assertThat(retry.body().get("status").asText()).isEqualTo("already_running");
        assertThat(simulator.ledger().runsStarted("orbit")).isEqualTo(1);
    }

    /**
     * Chaos benchmark: a 429 answered 11 ms after its caller was SIGKILLed opened a window the restarted caller could
     * not know of, and was counted against it. A death between a call and its answer ({@code POST
     * /_sandbox/caller-died}) makes that answer tell nobody; an answer given after the death still counts.
     */
    @Test
    void anAnswerSentAfterItsCallerDiedToldNobody() throws Exception {
        simulator.settings().rateLimitedShare(1).retryAfterSeconds(30).addedLatencyMs(300);
        long asked = System.currentTimeMillis();
        assertThat(client.createProfile("k-1", OpenProspectSimulatorTest.DACH).status())
                .isEqualTo(429);
        Answer death = client.post("/_sandbox/caller-died", null, "{\"at\": " + (asked + 150) + "}", Map.of());
        assertThat(death.status()).isEqualTo(200);
        simulator.settings().rateLimitedShare(0).addedLatencyMs(0);
        assertThat(client.createProfile("k-1", OpenProspectSimulatorTest.DACH).status())
                .isEqualTo(202);
        assertThat(simulator.ledger().requestsBeforeRetryAfter()).isZero();
        assertThat(simulator.ledger().requestsInsideBucketWindows()).isZero();

        simulator.settings().rateLimitedShare(1);
        assertThat(client.createProfile("k-2", OpenProspectSimulatorTest.DACH).status())
                .isEqualTo(429);
        simulator.settings().rateLimitedShare(0);
        assertThat(client.createProfile("k-2", OpenProspectSimulatorTest.DACH).status())
                .isEqualTo(202);
        assertThat(simulator.ledger().requestsBeforeRetryAfter())
                .as("asked and answered after the death")
                .isEqualTo(1);
        assertThat(simulator.ledger().requestsInsideBucketWindows()).isEqualTo(1);
        assertThat(client.post("/_sandbox/caller-died", null, "{}", Map.of()).status())
                .isEqualTo(400);
    }

    /**
     * Retry-after audit: a Retry-After in an answer that was then lost was noted all the same, and the caller's retry,
     * told nothing, was counted as early (all of a soak's early requests were such retries).
     */
    @Test
    void aRetryAfterInALostAnswerMakesNoRetryEarly() throws Exception {
        simulator.settings().lostAnswerShare(1).retryAfterSeconds(30);
        String body = "{\"requestId\": \"u-1\", \"email\": \"unavailable-once@orbit.sim\"}";
        assertThatThrownBy(() -> client.deepSearch(body)).isInstanceOf(IOException.class);
        simulator.settings().lostAnswerShare(0);
        assertThat(client.deepSearch(body).status()).isEqualTo(202);
        assertThat(simulator.ledger().requestsBeforeRetryAfter()).isZero();
    }

    @Test
    void addedLatencyDelaysEveryAnswer() throws Exception {
        simulator.settings().addedLatencyMs(300);
        long start = System.nanoTime();
        client.get("/api/v1/search-profile-creations/none", SimulatorClient.OPENPROSPECT_KEY);
        assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThanOrEqualTo(300);
    }

    @Test
    void theSameSeedGivesTheSameFaults() throws Exception {
        simulator.settings().serverErrorShare(0.5);
        StringBuilder first = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            first.append(client.get("/api/v1/search-profile-creations/x", SimulatorClient.OPENPROSPECT_KEY)
                            .status())
                    .append(',');
        }
        simulator.reset();
        StringBuilder second = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            second.append(client.get("/api/v1/search-profile-creations/x", SimulatorClient.OPENPROSPECT_KEY)
                            .status())
                    .append(',');
        }
        assertThat(second.toString())
                .isEqualTo(first.toString())
                .contains("503")
                .contains("404");
    }

    @Test
    void knobsAndTheLedgerAreReachableOverHttpForOtherProcesses() throws Exception {
        Answer changed = client.post("/_sandbox/settings", null, "{\"job-duration-ms\": \"1234\"}", java.util.Map.of());
        assertThat(changed.status()).isEqualTo(200);
        assertThat(simulator.settings().jobDurationMs()).isEqualTo(1234);
        assertThat(client.post("/_sandbox/settings", null, "{\"nope\": 1}", java.util.Map.of())
                        .status())
                .isEqualTo(400);
        // re-check audit: a new port was taken and shown while the simulator kept listening where it started
        int port = simulator.settings().port();
        Answer moved =
                client.post("/_sandbox/settings", null, "{\"port\": \"" + (port + 1) + "\"}", java.util.Map.of());
        assertThat(moved.status()).isEqualTo(400);
        assertThat(simulator.settings().port()).isEqualTo(port);
        assertThat(client.post("/_sandbox/settings", null, "{\"port\": " + port + "}", java.util.Map.of())
                        .status())
                .as("the GET's own port posted back")
                .isEqualTo(200);
        client.createProfile("k", OpenProspectSimulatorTest.DACH);
        Answer ledger = client.get("/_sandbox/ledger", null);
        assertThat(ledger.body()
                        .get("apis")
                        .get("openprospect")
                        .get("runsStarted")
                        .asInt())
                .isEqualTo(1);
    }
}
