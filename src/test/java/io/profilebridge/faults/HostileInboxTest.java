package io.profilebridge.faults;

import static io.profilebridge.BridgeRun.drop;
import static io.profilebridge.BridgeRun.results;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.profilebridge.BridgeRun;
import io.profilebridge.LogCapture;
import io.profilebridge.sandbox.Simulator;
import io.profilebridge.sandbox.SimulatorSettings;
import io.profilebridge.sandbox.SimulatorTriggers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What someone who can write the inbox can try, through the real routes: links to other files, names that clash,
 * names the file system or the log cannot carry, a result taken away and asked for again.
 */
class HostileInboxTest {

    private static final String BUYERS = "{\"profile_name\": \"%s\", \"ideal_customer_profile\": \"B2B SaaS in DACH\", "
            + "\"target_countries\": [\"DE\"]}";

    @TempDir
    Path root;

    Simulator simulator;

    @BeforeEach
    void start() {
        simulator = Simulator.start(new SimulatorSettings().jobDurationMs(100));
    }

    @AfterEach
    void stop() {
        simulator.close();
    }

    private BridgeRun startBridge() {
        return BridgeRun.start(root, BridgeRun.testProperties(root, simulator.baseUrl()));
    }

    private static String buyers(String name) {
        return BUYERS.formatted(name);
    }

    /** Drops a request and waits for its result: the bridge has polled its folders several times meanwhile. */
    private void dropAndAwait(String relativeName, String content) {
        drop(root, relativeName, content);
        await().atMost(Duration.ofSeconds(20)).until(() -> results(root).containsKey(relativeName));
    }

    /** The one result of {@code results} but those named: the second request's, written beside the first's. */
    private static JsonNode besides(Map<String, JsonNode> results, String... named) {
        List<String> others = new ArrayList<>(results.keySet());
        others.removeAll(List.of(named));
        assertThat(others).hasSize(1);
        return results.get(others.get(0));
    }

    private void awaitLeftTheInbox(String relativeName) {
        Path file = BridgeRun.inbox(root).resolve(relativeName);
        await().atMost(Duration.ofSeconds(10)).until(() -> !Files.exists(file));
    }

    /**
     * Health audit: an API folder replaced by a link to another folder had .done/ and .failed/ made in the link's target
     * by the inbox's folder check; nothing is made through a link, and a file dropped there is told, not taken.
     */
    @Test
    void nothingIsMadeThroughAnApiFolderThatIsALink() throws IOException {
        Path elsewhere = Files.createDirectories(root.resolve("elsewhere_orbit"));
        Files.createDirectories(BridgeRun.inbox(root));
        Files.createSymbolicLink(BridgeRun.inbox(root).resolve("orbit"), elsewhere);
        Map<String, String> properties = BridgeRun.testProperties(root, simulator.baseUrl());
        properties.put("bridge.inbox.folder-check-ms", "200");
        try (BridgeRun bridge = BridgeRun.start(root, properties)) {
            Files.writeString(elsewhere.resolve("waits.json"), "{\"email\": \"waits@example.com\"}");
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> inboxCheck(bridge).getState() == HealthCheck.State.DOWN);
            await().during(Duration.ofSeconds(1))
                    .atMost(Duration.ofSeconds(3))
                    .until(() ->
                            !Files.exists(elsewhere.resolve(".done")) && !Files.exists(elsewhere.resolve(".failed")));
        }
        assertThat(elsewhere.resolve("waits.json")).exists();
    }

    /**
     * Hostile-files audit: a folder whose .done is a link gives no file, said once in the log while readiness stayed
     * UP. The inbox check is DOWN naming it until the link is gone, and the file is then taken.
     */
    @Test
    void aFolderWhoseDoneIsALinkTurnsTheInboxCheckDownUntilItIsAFolderAgain() throws IOException {
        Path elsewhere = Files.createDirectories(root.resolve("elsewhere"));
        Path orbit = Files.createDirectories(BridgeRun.inbox(root).resolve("orbit"));
        Path done = Files.createSymbolicLink(orbit.resolve(".done"), elsewhere);
        try (BridgeRun bridge = startBridge()) {
            drop(root, "orbit/waits.json", "{\"email\": \"waits@example.com\"}");
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(inboxCheck(bridge))
                            .satisfies(check -> assertThat(check.getState()).isEqualTo(HealthCheck.State.DOWN))
                            .satisfies(check -> assertThat(check.getMessage())
                                    .hasValueSatisfying(message -> assertThat(message)
                                            .contains(orbit.toString(), ".done is a symbolic link"))));
            assertThat(elsewhere).isEmptyDirectory();

            Files.delete(done);
            await().atMost(Duration.ofSeconds(20)).until(() -> results(root).containsKey("orbit/waits.json"));
            // made again with bridge.inbox.folder-mode, not by Camel's move with the umask's 755 (hostile-files audit)
            assertThat((Integer) Files.getAttribute(done, "unix:mode") & 07777).isEqualTo(0770);
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> inboxCheck(bridge).getState() == HealthCheck.State.UP);
        }
        assertThat(elsewhere).isEmptyDirectory();
    }

    /**
     * Hostile-files audit: an inbox swapped for a link while the bridge ran was followed, and a file outside the
     * configured folders was read, answered and moved. No file is taken through it; the inbox check says why.
     */
    @Test
    void anInboxSwappedForALinkWhileTheBridgeRunsGivesNoFile() throws IOException {
        Path inbox = BridgeRun.inbox(root);
        Path elsewhere =
                Files.createDirectories(root.resolve("elsewhere/orbit")).getParent();
        // a file is taken once seen unchanged for 3 s: longer than the second a folder's verdict is kept, so the
        // swap is looked at before the file could be taken (a swap inside that second is not caught: SECURITY.md)
        Map<String, String> properties = BridgeRun.testProperties(root, simulator.baseUrl());
        properties.put("bridge.inbox.stable-ms", "3000");
        try (BridgeRun bridge = BridgeRun.start(root, properties)) {
            dropAndAwait("orbit/before.json", "{\"email\": \"before@example.com\"}");
            Files.move(inbox, root.resolve("inbox.real"));
            Files.createSymbolicLink(inbox, elsewhere);
            Files.writeString(elsewhere.resolve("orbit/outside.json"), "{\"email\": \"outside@example.com\"}");

            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(inboxCheck(bridge).getMessage())
                            .hasValueSatisfying(message -> assertThat(message).contains("now leads to " + elsewhere)));
            await().during(Duration.ofSeconds(2))
                    .atMost(Duration.ofSeconds(5))
                    .until(() -> Files.exists(elsewhere.resolve("orbit/outside.json")));
        }
        assertThat(results(root)).containsOnlyKeys("orbit/before.json");
        assertThat(simulator.ledger().runsStarted("orbit")).isEqualTo(1);
    }

    private static HealthCheck.Result inboxCheck(BridgeRun bridge) {
        return HealthCheckHelper.invokeReadiness(bridge.context()).stream()
                .filter(result -> result.getCheck().getId().equals("inbox"))
                .findFirst()
                .orElseThrow();
    }

    @Test
    void aSymbolicLinkIsNeverFollowedAndNamedOnceInTheLog() throws IOException {
        Path secret = root.resolve("secret.json");
        Files.writeString(secret, buyers("SECRET-1234"));
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
        Path passwd = root.resolve("passwd");
        Files.writeString(passwd, "root:x:0:0:root:/root:/bin/bash\n");
        Path link = Files.createDirectories(BridgeRun.inbox(root).resolve("openprospect"))
                .resolve("link.json");
        Files.createSymbolicLink(link, secret);
        Path passwdLink =
                Files.createDirectories(BridgeRun.inbox(root).resolve("orbit")).resolve("passwd.json");
        Files.createSymbolicLink(passwdLink, passwd);

        List<String> lines;
        try (LogCapture logs = LogCapture.start();
                BridgeRun bridge = startBridge()) {
            dropAndAwait("openprospect/real.json", buyers("Real buyers"));
            lines = logs.lines();
        }
        assertThat(results(root)).containsOnlyKeys("openprospect/real.json");
        assertThat(results(root).toString()).doesNotContain("SECRET-1234").doesNotContain("root");
        assertThat(lines).noneMatch(line -> line.contains("SECRET-1234") || line.contains("root:x"));
        assertThat(lines)
                .filteredOn(line -> line.contains("link.json"))
                .singleElement()
                .asString()
                .contains("symbolic link");
        assertThat(lines)
                .filteredOn(line -> line.contains("passwd.json"))
                .singleElement()
                .asString()
                .contains("symbolic link");
        assertThat(link).isSymbolicLink();
        assertThat(simulator.ledger().runsStarted("openprospect")).isEqualTo(1);
    }

    @Test
    void anEnvelopeAndABodyOfTheSameNameEachGetTheirOwnResult() {
        try (BridgeRun bridge = startBridge()) {
            drop(root, "same.json", "{\"api\": \"openprospect\", \"request\": " + buyers("Envelope buyers") + "}");
            drop(root, "openprospect/same.json", buyers("Folder buyers"));
            await().atMost(Duration.ofSeconds(20)).until(() -> results(root).size() == 2);
        }
        Map<String, JsonNode> results = results(root);
        assertThat(results.get("same.json").at("/request/profile_name").asText())
                .isEqualTo("Envelope buyers");
        assertThat(results.get("openprospect/same.json")
                        .at("/request/profile_name")
                        .asText())
                .isEqualTo("Folder buyers");
    }

    @Test
    void aSecondFileForARunningJobWaitsInTheInboxAndGetsThatJobsResultWhereItWasDropped() {
        // before: the second file moved to .done/ and never got a result ("nothing new is started")
        simulator.settings().jobDurationMs(3000);
        String envelope = "{\"api\": \"openprospect\", \"idempotencyKey\": \"shared-1\", \"request\": "
                + buyers("Shared buyers") + "}";
        try (BridgeRun bridge = startBridge()) {
            drop(root, "first.json", envelope);
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> simulator.ledger().runsStarted("openprospect") == 1);
            drop(root, "second.json", envelope);
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> results(root).keySet().containsAll(List.of("first.json", "second.json")));
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> Files.exists(BridgeRun.inbox(root).resolve(".done/second.json")));
        }
        Map<String, JsonNode> results = results(root);
        assertThat(results.get("second.json").get("outcome").asText()).isEqualTo("succeeded");
        assertThat(results.get("second.json").get("remoteId"))
                .isEqualTo(results.get("first.json").get("remoteId"));
        assertThat(results.get("second.json").at("/source/file").asText())
                .as("each result names the file it answers")
                .isEqualTo("second.json");
        assertThat(results.get("first.json").at("/source/file").asText()).isEqualTo("first.json");
        assertThat(simulator.ledger().runsStarted("openprospect")).isEqualTo(1);
    }

    /**
     * Permanent-faults audit: a file dropped in place of one waiting for a running job (removed by its caller) waited,
     * unlogged, for that job, up to a day; it is a new request and is taken like any other.
     */
    @Test
    void aNewFileInPlaceOfOneWaitingForARunningJobIsTakenAtOnce() throws Exception {
        simulator.settings().jobDurationMs(600_000);
        String envelope = "{\"api\": \"openprospect\", \"idempotencyKey\": \"long-1\", \"request\": "
                + buyers("Long buyers") + "}";
        try (LogCapture logs = LogCapture.start();
                BridgeRun bridge = startBridge()) {
            drop(root, "first.json", envelope);
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> simulator.ledger().runsStarted("openprospect") == 1);
            drop(root, "second.json", envelope);
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> logs.lines().stream()
                            .anyMatch(line -> line.contains("second.json repeats") && line.contains("still running")));
            Path second = BridgeRun.inbox(root).resolve("second.json");
            Files.delete(second);
            drop(root, "second.json", "{\"api\": \"orbit\", \"request\": {\"email\": \"other@example.com\"}}");
            // taken: its own run started (both runs last ten minutes)
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> simulator.ledger().runsStarted("orbit") == 1);
        }
        assertThat(simulator.ledger().runsStarted("openprospect")).isEqualTo(1);
    }

    @Test
    void theSameNameWithAnotherBodyNeverReplacesTheFirstResult() {
        try (BridgeRun bridge = startBridge()) {
            dropAndAwait("openprospect/twice.json", buyers("First buyers"));
            drop(root, "openprospect/twice.json", buyers("Second buyers"));
            await().atMost(Duration.ofSeconds(20)).until(() -> results(root).size() == 2);
        }
        Map<String, JsonNode> results = results(root);
        assertThat(results.get("openprospect/twice.json")
                        .at("/request/profile_name")
                        .asText())
                .isEqualTo("First buyers");
        JsonNode second = besides(results, "openprospect/twice.json");
        assertThat(second.at("/request/profile_name").asText()).isEqualTo("Second buyers");
        assertThat(results)
                .containsKey("openprospect/twice." + second.get("jobId").asText() + ".json");
        // both originals are kept, the second beside the first (before: it replaced the first in .done/)
        Path done = BridgeRun.inbox(root).resolve("openprospect/.done");
        assertThat(done.resolve("twice.json")).content().contains("First buyers");
        assertThat(done.resolve("twice." + second.get("jobId").asText() + ".json"))
                .content()
                .contains("Second buyers");
    }

    /**
     * Names audit: a drop reusing a running job's requestId with another body was refused, its result written; the job
     * then failed, and its result, of the same API and key, replaced the refusal as if it were its own.
     */
    @Test
    void aJobsResultNeverReplacesTheRefusalOfAnotherRequestUnderItsKey() {
        simulator.settings().jobDurationMs(6000);
        String first = "{\"requestId\": \"crm-77\", \"email\": \"" + SimulatorTriggers.ORBIT_FAILED + "\"}";
        try (BridgeRun bridge = startBridge()) {
            drop(root, "orbit/x2.json", first);
            awaitLeftTheInbox("orbit/x2.json");
            drop(root, "orbit/x2.json", first.replace("failed@", "other@"));
            await().atMost(Duration.ofSeconds(20)).until(() -> results(root).containsKey("failed/orbit/x2.json"));
            assertThat(results(root)).as("the refusal came first").hasSize(1);
            await().atMost(Duration.ofSeconds(30)).until(() -> results(root).size() == 2);
        }
        Map<String, JsonNode> results = results(root);
        assertThat(results.get("failed/orbit/x2.json").at("/error/code").asText())
                .isEqualTo("developer_api_idempotency_key_conflict");
        JsonNode failedRun = besides(results, "failed/orbit/x2.json");
        assertThat(failedRun.at("/request/email").asText()).isEqualTo(SimulatorTriggers.ORBIT_FAILED);
        assertThat(results)
                .containsKey("failed/orbit/x2." + failedRun.get("jobId").asText() + ".json");
    }

    /**
     * Names audit: a corrected body under the requestId of a request the API had refused (400, no run) was refused
     * locally as a reused key, though the API took it. It takes the key over and the API judges it; each request keeps
     * a result of its own, the earlier failed one is never replaced by the later failed one of the same name and key.
     */
    @Test
    void aBodyTakesOverTheKeyOfARequestThatFailedWithoutARunAndEachKeepsItsResult() throws IOException {
        String malformed = "{\"requestId\": \"crm-5\", \"email\": \"jane@@example\"}";
        try (BridgeRun bridge = startBridge()) {
            drop(root, "orbit/o8.json", malformed);
            await().atMost(Duration.ofSeconds(20)).until(() -> results(root).containsKey("failed/orbit/o8.json"));
            awaitLeftTheInbox("orbit/o8.json");
            drop(root, "orbit/o8.json", malformed.replace("jane@@", "joe@@"));
            await().atMost(Duration.ofSeconds(20)).until(() -> results(root).size() == 2);
            awaitLeftTheInbox("orbit/o8.json");
            drop(root, "orbit/o8.json", malformed.replace("jane@@example", "jane@example.com"));
            await().atMost(Duration.ofSeconds(20)).until(() -> results(root).containsKey("orbit/o8.json"));

            // the first request dropped again is still the first job's, done: its result again, no call (review: it
            // was refused as a reused key)
            awaitLeftTheInbox("orbit/o8.json");
            JsonNode firstResult = results(root).get("failed/orbit/o8.json");
            int calls = simulator.ledger().requests().size();
            Files.delete(BridgeRun.outbox(root).resolve("failed/orbit/o8.json"));
            drop(root, "orbit/o8.json", malformed);
            await().atMost(Duration.ofSeconds(20)).until(() -> results(root).containsKey("failed/orbit/o8.json"));
            assertThat(results(root).get("failed/orbit/o8.json")).isEqualTo(firstResult);
            assertThat(simulator.ledger().requests()).hasSize(calls);
        }
        Map<String, JsonNode> results = results(root);
        assertThat(results).hasSize(3);
        assertThat(results.get("failed/orbit/o8.json").at("/request/email").asText())
                .isEqualTo("jane@@example");
        JsonNode second = besides(results, "failed/orbit/o8.json", "orbit/o8.json");
        assertThat(second.at("/request/email").asText()).isEqualTo("joe@@example");
        assertThat(second.at("/error/code").asText()).isEqualTo("developer_deep_search_email_invalid");
        assertThat(results).containsKey("failed/orbit/o8." + second.get("jobId").asText() + ".json");
        JsonNode corrected = results.get("orbit/o8.json");
        assertThat(corrected.get("outcome").asText()).isEqualTo("succeeded");
        assertThat(corrected.get("idempotencyKey").asText()).isEqualTo("crm-5");
        assertThat(simulator.ledger().runsPerKey("orbit")).containsExactly(Map.entry("crm-5", 1L));
    }

    /** Observability audit: a refusal dropped again came back naming the repeat's trace, not the one that refused it. */
    @Test
    void aRefusalAskedForAgainIsTheDocumentFirstWrittenTraceIncluded() throws IOException {
        try (BridgeRun bridge = startBridge()) {
            String refused = "{\"api\": \"nowhere\", \"request\": {}}";
            drop(root, "refused.json", refused);
            await().atMost(Duration.ofSeconds(20)).until(() -> results(root).containsKey("failed/refused.json"));
            JsonNode first = results(root).get("failed/refused.json");
            assertThat(first.get("traceId").asText()).isNotBlank();
            Files.delete(BridgeRun.outbox(root).resolve("failed/refused.json"));
            awaitLeftTheInbox("refused.json");
            drop(root, "refused.json", refused);
            await().atMost(Duration.ofSeconds(20)).until(() -> results(root).containsKey("failed/refused.json"));
            assertThat(results(root).get("failed/refused.json")).isEqualTo(first);
        }
    }

    /** Names audit: the second refusal's result had a hash of its own in its name, its original kept the job id. */
    @Test
    void aSecondRefusalOfTheSameNameIsNamedByItsJobIdAsItsOriginalIs() {
        try (BridgeRun bridge = startBridge()) {
            drop(root, "orbit/bad.json", "not JSON, first");
            await().atMost(Duration.ofSeconds(20)).until(() -> results(root).containsKey("failed/orbit/bad.json"));
            awaitLeftTheInbox("orbit/bad.json");
            drop(root, "orbit/bad.json", "[\"an array, no object\"]");
            await().atMost(Duration.ofSeconds(20)).until(() -> results(root).size() == 2);
        }
        JsonNode second = besides(results(root), "failed/orbit/bad.json");
        String jobId = second.get("jobId").asText();
        assertThat(results(root)).containsKey("failed/orbit/bad." + jobId + ".json");
        assertThat(BridgeRun.inbox(root).resolve("orbit/.failed/bad." + jobId + ".json"))
                .content()
                .isEqualTo("[\"an array, no object\"]");
    }

    @Test
    void aFileDroppedAgainAfterItsResultWasTakenGetsTheStoredResultWithNoRemoteCall() throws IOException {
        try (BridgeRun bridge = startBridge()) {
            dropAndAwait("openprospect/again.json", buyers("Asked twice"));
            JsonNode first = results(root).get("openprospect/again.json");
            int calls = simulator.ledger().requests().size();
            Files.delete(BridgeRun.outbox(root).resolve("openprospect/again.json"));
            // the original leaves the inbox just after its result: a file of the same name written before that is
            // written over the one being taken (it would be moved away as that one; CI 159 under load)
            awaitLeftTheInbox("openprospect/again.json");

            dropAndAwait("openprospect/again.json", buyers("Asked twice"));
            assertThat(results(root).get("openprospect/again.json")).isEqualTo(first);
            assertThat(simulator.ledger().requests()).hasSize(calls);
            awaitLeftTheInbox("openprospect/again.json");

            // a third time, spelt otherwise: the same request, and its original kept beside the other two
            // (hostile-input audit: the third drop overwrote the second's original)
            Files.delete(BridgeRun.outbox(root).resolve("openprospect/again.json"));
            dropAndAwait("openprospect/again.json", buyers("Asked twice").replace(",", " ,  "));
            assertThat(results(root).get("openprospect/again.json")).isEqualTo(first);
            String jobId = first.get("jobId").asText();
            Path done = BridgeRun.inbox(root).resolve("openprospect/.done");
            // the file moves once its intake ends, just after the result it got
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> Files.exists(done.resolve("again." + jobId + ".2.json")));
            assertThat(done.resolve("again.json")).content().isEqualTo(buyers("Asked twice"));
            assertThat(done.resolve("again." + jobId + ".json")).content().isEqualTo(buyers("Asked twice"));
            assertThat(done.resolve("again." + jobId + ".2.json"))
                    .content()
                    .isEqualTo(buyers("Asked twice").replace(",", " ,  "));
        }
        assertThat(simulator.ledger().runsStarted("openprospect")).isEqualTo(1);
    }

    /**
     * A stop after a file's job was committed but before the file was moved (a SIGKILL during intake) leaves the file
     * in the inbox under its read-lock marker. The restarted bridge (its inbox its own: the embedded store) removes
     * the marker at once and takes the file, which is the same drop: the job delivered its result, and no second one
     * comes (lifecycle audit: such files waited 60 s, then each got its result again; a consumer that had taken the
     * first had two).
     */
    @Test
    void aFileLeftInTheInboxByAStopAfterItsJobWasAcceptedGetsNoSecondResult() throws IOException {
        long dropped = System.currentTimeMillis();
        try (BridgeRun bridge = startBridge()) {
            dropAndAwait("openprospect/cut.json", buyers("Cut short"));
        }
        // what a SIGKILL right after the job's commit leaves: the file in place, Camel's marker beside it, made when
        // that take began; the result the job then delivered has been taken by its consumer
        Path folder = BridgeRun.inbox(root).resolve("openprospect");
        Files.move(folder.resolve(".done/cut.json"), folder.resolve("cut.json"));
        Path marker = Files.createFile(folder.resolve("cut.json.camelLock"));
        Files.setLastModifiedTime(marker, FileTime.fromMillis(dropped));
        Files.delete(BridgeRun.outbox(root).resolve("openprospect/cut.json"));

        try (LogCapture logs = LogCapture.start();
                BridgeRun bridge = startBridge()) {
            await().atMost(Duration.ofSeconds(20)).until(() -> !Files.exists(folder.resolve("cut.json")));
            // a later file's result shows the restarted bridge has delivered everything it was going to before it
            dropAndAwait("openprospect/later.json", buyers("Later"));
            assertThat(String.join("\n", logs.lines()))
                    .contains("Removed 1 read-lock markers")
                    .contains("whose taking in was cut short by a stop after its job was accepted");
        }
        assertThat(folder.resolve("cut.json.camelLock")).doesNotExist();
        assertThat(results(root)).as("no second result").doesNotContainKey("openprospect/cut.json");
        assertThat(simulator.ledger().runsStarted("openprospect"))
                .as("cut.json's and later.json's")
                .isEqualTo(2);
    }

    /**
     * Re-check audit: a stop after a file's move to .done/ but before its marker went leaves the marker alone. The
     * restarted bridge removed it and remembered the file as left behind by that take, so the same name and body
     * dropped again later was taken for it, moved with no result. A marker whose file is gone notes no take.
     */
    @Test
    void aMarkerLeftAloneByAStopKeepsNoLaterDropOfItsNameFromItsResult() throws IOException {
        long dropped = System.currentTimeMillis();
        try (BridgeRun bridge = startBridge()) {
            dropAndAwait("openprospect/moved.json", buyers("Moved"));
        }
        Path folder = BridgeRun.inbox(root).resolve("openprospect");
        Path marker = Files.createFile(folder.resolve("moved.json.camelLock"));
        Files.setLastModifiedTime(marker, FileTime.fromMillis(dropped));
        Path result = BridgeRun.outbox(root).resolve("openprospect/moved.json");
        Files.delete(result);

        try (LogCapture logs = LogCapture.start();
                BridgeRun bridge = startBridge()) {
            Files.writeString(folder.resolve("moved.json"), buyers("Moved"));
            await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(result));
            // re-check audit: the start's warning said such files were taken now and would get no second result
            assertThat(String.join("\n", logs.lines()))
                    .contains("Removed 1 read-lock markers (NAME.json.camelLock) whose files are gone")
                    .doesNotContain("the previous run stopped while taking those files in");
        }
        assertThat(simulator.ledger().runsStarted("openprospect")).isEqualTo(1);
    }

    /**
     * The same file dropped again after its result was taken, with a stop while that drop was being taken in: the
     * restarted bridge finds the marker of a take that began after the job had ended, so the file is the caller asking
     * again and gets the result again, with no remote call (contract audit: it was taken for the first drop and moved
     * to .done with no result).
     */
    @Test
    void aFileDroppedAgainAfterItsResultGetsItEvenWhenAStopCutItsTakingShort() throws IOException {
        try (BridgeRun bridge = startBridge()) {
            dropAndAwait("openprospect/redrop.json", buyers("Dropped again"));
        }
        Path result = BridgeRun.outbox(root).resolve("openprospect/redrop.json");
        Files.delete(result);
        // the caller drops it again; a SIGKILL while it is being taken in leaves it under a marker made just now
        Path folder = BridgeRun.inbox(root).resolve("openprospect");
        Files.writeString(folder.resolve("redrop.json"), buyers("Dropped again"));
        Files.createFile(folder.resolve("redrop.json.camelLock"));

        try (LogCapture logs = LogCapture.start();
                BridgeRun bridge = startBridge()) {
            await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(result));
            assertThat(String.join("\n", logs.lines()))
                    .contains("Removed 1 read-lock markers")
                    .contains("its result is delivered again, with no remote call");
        }
        assertThat(results(root).get("openprospect/redrop.json").get("outcome").asText())
                .isEqualTo("succeeded");
        assertThat(simulator.ledger().runsStarted("openprospect")).isEqualTo(1);
    }

    @Test
    void aFolderNoRouteReadsIsNamedOnceInTheLogAndItsFilesLeftAlone() throws IOException {
        Path misspelt = Files.createDirectories(BridgeRun.inbox(root).resolve("openprospekt"));
        Files.writeString(misspelt.resolve("typo.json"), buyers("Typo"));
        Path nested = Files.createDirectories(BridgeRun.inbox(root).resolve("orbit/archive"));
        Files.writeString(nested.resolve("old.json"), buyers("Old"));

        try (LogCapture logs = LogCapture.start();
                BridgeRun bridge = startBridge()) {
            dropAndAwait("openprospect/plain.json", buyers("Plain"));
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> logs.lines().stream()
                                    .filter(line -> line.contains("is read by no route"))
                                    .count()
                            == 2);
            // a few more polls of the inbox: still one line per folder
            dropAndAwait("openprospect/later.json", buyers("Later"));
            List<String> lines = logs.lines();
            assertThat(lines)
                    .filteredOn(line -> line.contains("openprospekt"))
                    .singleElement()
                    .asString()
                    .contains("WARN")
                    .contains("Inbox folder " + misspelt + " is read by no route")
                    .contains(BridgeRun.inbox(root)
                            .toAbsolutePath()
                            .resolve("openprospect")
                            .toString());
            assertThat(lines)
                    .filteredOn(line -> line.contains("Inbox folder " + nested + " "))
                    .hasSize(1);

            // black-box audit: a folder made while the bridge ran was never named (Camel shows folders to the filter
            // only at start-up)
            Path later = Files.createDirectories(BridgeRun.inbox(root).resolve("orbitt"));
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> logs.lines().stream()
                            .anyMatch(line -> line.contains("Inbox folder " + later + " is read by no route")));
            // hostile-files audit: a link to a folder was named as a misspelt folder
            Path link = Files.createSymbolicLink(BridgeRun.inbox(root).resolve("dirlink.json"), nested);
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> logs.lines().stream()
                            .anyMatch(
                                    line -> line.contains("Inbox entry " + link + " is a symbolic link to a folder")));
            assertThat(logs.lines()).noneMatch(line -> line.contains("Inbox folder " + link));
        }
        assertThat(misspelt.resolve("typo.json")).exists();
        assertThat(nested.resolve("old.json")).exists();
        assertThat(results(root)).containsOnlyKeys("openprospect/plain.json", "openprospect/later.json");
    }

    @Test
    void namesTheBridgeCannotCarryAreNamedOnceInTheLogAndLeftAlone() throws IOException {
        Path folder = Files.createDirectories(BridgeRun.inbox(root).resolve("openprospect"));
        String longName = "x".repeat(245) + ".json";
        Files.writeString(folder.resolve(longName), buyers("Long name"));
        Files.writeString(folder.resolve("two\nlines.json"), buyers("Line break"));
        Files.writeString(folder.resolve("back\\slash.json"), buyers("Backslash"));

        List<String> lines;
        try (LogCapture logs = LogCapture.start();
                BridgeRun bridge = startBridge()) {
            dropAndAwait("openprospect/plain.json", buyers("Plain"));
            lines = logs.lines();
        }
        assertThat(lines)
                .filteredOn(line -> line.contains("x".repeat(40)))
                .singleElement()
                .asString()
                .contains("250 bytes");
        assertThat(lines)
                .filteredOn(line -> line.contains("lines.json"))
                .singleElement()
                .asString()
                .contains("two\\nlines.json")
                .contains("control character");
        assertThat(lines)
                .filteredOn(line -> line.contains("slash.json"))
                .singleElement()
                .asString()
                .contains("back\\slash.json is not taken")
                .contains("backslash");
        assertThat(folder.resolve(longName)).exists();
        assertThat(folder.resolve("back\\slash.json")).exists();
        assertThat(folder.resolve("two\nlines.json")).exists();
        assertThat(results(root)).containsOnlyKeys("openprospect/plain.json");
    }

    @Test
    void aByteOrderMarkBeforeTheJsonIsAccepted() {
        try (BridgeRun bridge = startBridge()) {
            dropAndAwait("orbit/bom.json", "\uFEFF{\"email\": \"bom@example.com\"}");
        }
        assertThat(results(root).get("orbit/bom.json").get("outcome").asText()).isEqualTo("succeeded");
    }

    @Test
    void theStoreAndTheResultsAreNotReadableByOthers() throws IOException {
        try (BridgeRun bridge = startBridge()) {
            dropAndAwait("openprospect/private.json", buyers("Private buyers"));
            drop(root, "openprospect/invalid.json", "{}");
            await().atMost(Duration.ofSeconds(20)).until(() -> results(root).size() == 2);
            // the store's file and any file the engine creates beside it while it runs
            try (var files = Files.list(root.resolve("data"))) {
                List<Path> store = files.filter(f -> f.getFileName().toString().startsWith("jobstore"))
                        .toList();
                assertThat(store).extracting(f -> f.getFileName().toString()).contains("jobstore.mv.db");
                for (Path file : store) {
                    try {
                        assertThat(mode(file)).as(file.toString()).isEqualTo("rw-------");
                    } catch (java.nio.file.NoSuchFileException gone) {
                        // a file renamed into place meanwhile (jobstore.created.next): its new name is listed too
                        // (ci298)
                    }
                }
            }
        }
        Path data = root.resolve("data");
        Path outbox = BridgeRun.outbox(root);
        assertThat(mode(data)).isEqualTo("rwx------");
        assertThat(mode(data.resolve("jobstore.mv.db"))).isEqualTo("rw-------");
        assertThat(mode(outbox)).isEqualTo("rwxr-x---");
        assertThat(mode(outbox.resolve("openprospect"))).isEqualTo("rwxr-x---");
        assertThat(mode(outbox.resolve("failed"))).isEqualTo("rwxr-x---");
        assertThat(mode(outbox.resolve("openprospect/private.json"))).isEqualTo("rw-r-----");
        assertThat(mode(outbox.resolve("failed/openprospect"))).isEqualTo("rwxr-x---");
        assertThat(mode(outbox.resolve("failed/openprospect/invalid.json"))).isEqualTo("rw-r-----");
    }

    private static String mode(Path path) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }
}
