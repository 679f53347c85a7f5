package io.profilebridge.faults;

import static io.profilebridge.BridgeRun.drop;
import static io.profilebridge.BridgeRun.results;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.profilebridge.BridgeRun;
import io.profilebridge.Json;
import io.profilebridge.api.Api;
import io.profilebridge.job.Job;
import io.profilebridge.job.JobState;
import io.profilebridge.sandbox.Ledger;
import io.profilebridge.sandbox.Simulator;
import io.profilebridge.sandbox.SimulatorSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nothing is retried forever: a job older than bridge.retry.max-age-ms ends as given up whatever holds it (rate
 * limits that never lift, a run that never ends, answers that are no JSON), and a result that cannot be delivered
 * stops being retried after bridge.delivery.max-attempts.
 */
class GiveUpTest {

    private static final int MAX_AGE_MS = 3000;

    @TempDir
    Path root;

    Simulator simulator;
    Map<String, String> properties;

    @BeforeEach
    void start() {
        simulator = Simulator.start(new SimulatorSettings().jobDurationMs(200).retryAfterSeconds(1));
        properties = BridgeRun.testProperties(root, simulator.baseUrl());
        properties.put("bridge.retry.max-age-ms", Integer.toString(MAX_AGE_MS));
    }

    @AfterEach
    void stop() {
        simulator.close();
    }

    private JsonNode givenUp(String result) {
        try (BridgeRun bridge = BridgeRun.start(root, properties)) {
            await().atMost(Duration.ofSeconds(20)).until(() -> results(root).containsKey(result));
        }
        JsonNode error = results(root).get(result).get("error");
        assertThat(error.get("code").asText()).isEqualTo("gave_up");
        return error;
    }

    @Test
    void aRequestRateLimitedForeverIsGivenUp() {
        simulator.settings().rateLimitedShare(1);
        drop(root, "openprospect/limited.json", BridgeRun.openProspectRequest("limited"));
        assertThat(givenUp("failed/openprospect/limited.json").get("message").asText())
                .contains("not done after 3 s (bridge.retry.max-age-ms) while received")
                .contains("last cause rate_limited");
        assertThat(simulator.ledger().requestsInsideBucketWindows()).isZero();
    }

    @Test
    void aRunThatNeverEndsIsGivenUp() {
        simulator.settings().jobDurationMs(3_600_000);
        drop(root, "orbit/endless.json", "{\"email\": \"endless@example.com\"}");
        JsonNode error = givenUp("failed/orbit/endless.json");
        assertThat(error.get("message").asText()).contains("while polling");
        assertThat(results(root)
                        .get("failed/orbit/endless.json")
                        .get("status")
                        .get("status")
                        .asText())
                .isEqualTo("running");
    }

    /**
     * Permanent-faults audit: reads of an accepted run answered 503 until max-age gave the job up as "gave up after 3
     * attempts" (an outage counts no attempt past the one before the last), not naming the age that ended it.
     */
    @Test
    void aRunWhoseReadsFailUntilItsAgeIsGivenUpNamingTheAge() {
        simulator.settings().jobDurationMs(3_600_000);
        drop(root, "orbit/outage.json", "{\"email\": \"outage@example.com\"}");
        try (BridgeRun bridge = BridgeRun.start(root, properties)) {
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> simulator.ledger().runsStarted("orbit") == 1);
            simulator.settings().serverErrorShare(1);
            await().atMost(Duration.ofSeconds(20)).until(() -> results(root).containsKey("failed/orbit/outage.json"));
        }
        JsonNode error = results(root).get("failed/orbit/outage.json").get("error");
        assertThat(error.get("code").asText()).isEqualTo("gave_up");
        assertThat(error.get("message").asText())
                .matches(
                        "gave up: not done after 3 s \\(bridge.retry.max-age-ms\\) while (submitted|polling); last cause "
                                + "developer_deep_search_unavailable: .*")
                .doesNotContain("attempts");
    }

    /**
     * Time audit: a run past its age when the bridge started again was given up within 30 ms, with no read, and its
     * result could never be had under that key, though the run had ended meanwhile, paid for. It is read once more.
     */
    @Test
    void aRunThatEndedWhileTheBridgeWasStoppedPastItsAgeIsReadOnceMoreAndDelivered() {
        simulator.settings().jobDurationMs(MAX_AGE_MS + 1000);
        drop(root, "orbit/ended-meanwhile.json", "{\"email\": \"ended-meanwhile@example.com\"}");
        long dropped = System.currentTimeMillis();
        try (BridgeRun bridge = BridgeRun.start(root, properties)) {
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> simulator.ledger().runsStarted("orbit") == 1);
        }
        long readsBefore = simulator.ledger().statusReads("orbit");
        Ledger.Run run = simulator.ledger().runs().get(0);
        long endedAndPastAge = Math.max(run.at() + run.durationMs(), dropped + MAX_AGE_MS) + 500;
        // the bridge is stopped while the run ends and the job's age passes
        await().pollInterval(Duration.ofMillis(100))
                .atMost(Duration.ofSeconds(10))
                .until(() -> System.currentTimeMillis() > endedAndPastAge);
        try (BridgeRun bridge = BridgeRun.start(root, properties)) {
            await().atMost(Duration.ofSeconds(20)).until(() -> !results(root).isEmpty());
        }
        assertThat(results(root)).containsOnlyKeys("orbit/ended-meanwhile.json");
        assertThat(simulator.ledger().statusReads("orbit") - readsBefore)
                .as("the one read past its age")
                .isEqualTo(1);
        assertThat(simulator.ledger().runsStarted("orbit")).isEqualTo(1);
    }

    /**
     * Long-run audit: a run read past the age set at a restart, but under the longer age of the run before, was given
     * up unread though it had ended while the bridge was stopped: its last step was taken for the read past its age.
     */
    @Test
    void aRunReadLastUnderALongerAgeIsReadOnceMoreAfterARestartWithAShorterOne() {
        simulator.settings().jobDurationMs(8_000);
        properties.put("bridge.retry.max-age-ms", "60000");
        drop(root, "orbit/shorter-age.json", "{\"email\": \"shorter-age@example.com\"}");
        long dropped = System.currentTimeMillis();
        try (BridgeRun bridge = BridgeRun.start(root, properties)) {
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> simulator.ledger().runsStarted("orbit") == 1);
            long runStarted = System.currentTimeMillis();
            long readsThen = simulator.ledger().statusReads("orbit");
            // a read made more than the shorter age after the drop, while the run still goes on
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> System.currentTimeMillis() > dropped + 4_000
                            && simulator.ledger().statusReads("orbit") > readsThen);
            assertThat(System.currentTimeMillis() - runStarted)
                    .as("read while running")
                    .isLessThan(8_000);
        }
        long readsBefore = simulator.ledger().statusReads("orbit");
        Ledger.Run run = simulator.ledger().runs().get(0);
        await().pollInterval(Duration.ofMillis(100))
                .atMost(Duration.ofSeconds(10))
                .until(() -> System.currentTimeMillis() > run.at() + run.durationMs() + 500);
        properties.put("bridge.retry.max-age-ms", "1000");
        try (BridgeRun bridge = BridgeRun.start(root, properties)) {
            await().atMost(Duration.ofSeconds(20)).until(() -> !results(root).isEmpty());
        }
        assertThat(results(root)).containsOnlyKeys("orbit/shorter-age.json");
        assertThat(simulator.ledger().statusReads("orbit") - readsBefore)
                .as("the one read past its age")
                .isEqualTo(1);
    }

    @Test
    void anApiAnsweringSomethingThatIsNoJsonIsGivenUp() throws Exception {
        try (MisbehavingOpenProspect broken = new MisbehavingOpenProspect()) {
            properties.put("openprospect.base-url", broken.baseUrl());
            drop(root, "openprospect/html.json", BridgeRun.openProspectRequest("html"));
            givenUp("failed/openprospect/html.json");
        }
    }

    @Test
    void aStatusAnswerWithNoBodyIsAskedAgainThenGivenUpNamingIt() throws Exception {
        // API-docs audit: a 200 with no body on a status read met a NullPointerException in the step
        try (MisbehavingOpenProspect broken = new MisbehavingOpenProspect()) {
            properties.put("openprospect.base-url", broken.baseUrl());
            drop(root, "openprospect/empty.json", BridgeRun.openProspectRequest("empty"));
            assertThat(givenUp("failed/openprospect/empty.json").get("message").asText())
                    .contains("unexpected_answer")
                    .contains("the status answer has no JSON object");
            assertThat(broken.reads("empty")).isGreaterThan(1);
        }
    }

    @Test
    void aCreateAnswerWithoutItsIdIsAskedAgainWithTheSameKey() throws Exception {
        // API-docs audit: a 202 without profile_creation_id failed the request for good, though the creation may
        // stand; the same Idempotency-Key finds it again
        try (MisbehavingOpenProspect broken = new MisbehavingOpenProspect()) {
            properties.put("openprospect.base-url", broken.baseUrl());
            drop(root, "openprospect/no-id.json", BridgeRun.openProspectRequest("no-id-once"));
            try (BridgeRun bridge = BridgeRun.start(root, properties)) {
                await().atMost(Duration.ofSeconds(20))
                        .until(() -> results(root).containsKey("openprospect/no-id.json"));
            }
            assertThat(results(root)
                            .get("openprospect/no-id.json")
                            .get("outcome")
                            .asText())
                    .isEqualTo("succeeded");
            assertThat(broken.starts("no-id-once")).isEqualTo(2);
        }
    }

    @Test
    void aResultWhoseOutboxFolderIsAFileWaitsForItsFolderPastTheAttempts() throws Exception {
        // delivery audit: outbox/openprospect/ made a file gave the result up after the attempts, and it was not
        // written once the folder was back; like a full or read-only outbox, it now waits (a refusal that is no
        // outbox's, e.g. a bug, still ends the job after the attempts: OutboxBlockedDeliveryTest)
        properties.put("bridge.delivery.max-attempts", "3");
        Files.createDirectories(root.resolve("outbox"));
        Path notAFolder = Files.writeString(root.resolve("outbox/openprospect"), "a file where the folder should be");
        drop(root, "openprospect/nowhere.json", BridgeRun.openProspectRequest("nowhere"));
        try (BridgeRun bridge = BridgeRun.start(root, properties)) {
            Job job = await().atMost(Duration.ofSeconds(30))
                    .until(
                            () -> bridge.store().list(Api.OPENPROSPECT, JobState.DELIVERING, 0, 1).stream()
                                    .findFirst()
                                    .orElse(null),
                            found -> found != null && found.attempts() > 3);
            assertThat(Json.parseStored(job.lastError()).get("message").asText())
                    .contains("Not a directory");

            Files.delete(notAFolder);
            await().atMost(Duration.ofSeconds(30)).until(() -> results(root).containsKey("openprospect/nowhere.json"));
            assertThat(results(root)
                            .get("openprospect/nowhere.json")
                            .get("outcome")
                            .asText())
                    .isEqualTo("succeeded");
            // the job's end is saved just after its result file is written
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(bridge.store()
                                    .findById(job.id())
                                    .orElseThrow()
                                    .state())
                            .isEqualTo(JobState.DELIVERED));
        }
    }
}
