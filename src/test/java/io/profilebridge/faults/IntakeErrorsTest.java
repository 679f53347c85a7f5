package io.profilebridge.faults;

import static io.profilebridge.BridgeRun.drop;
import static io.profilebridge.BridgeRun.results;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.profilebridge.BridgeRun;
import io.profilebridge.LogCapture;
import io.profilebridge.api.Api;
import io.profilebridge.intake.RequestAcceptance;
import io.profilebridge.job.JobState;
import io.profilebridge.sandbox.Simulator;
import io.profilebridge.sandbox.SimulatorSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckHelper;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.config.Configurator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The error handling of routes/inbox-errors.camel.yaml and routes/delivery-errors.camel.yaml: an inbox file that
 * cannot be read gets a failed result naming the cause; an outbox that refuses results loses nothing.
 * (The tests run as root here, which reads and writes past any permission bits, so an unreadable file is a link
 * swapped in after the file was listed, and an unwritable folder is a plain file standing where it should be.)
 */
class IntakeErrorsTest {

    private static final String BUYERS = "{\"profile_name\": \"%s\", \"ideal_customer_profile\": \"B2B SaaS in DACH\", "
            + "\"target_countries\": [\"DE\"]}";

    @TempDir
    Path root;

    @Test
    void aFileThatCannotBeReadGetsAFailedResultNamingTheCauseNeverTheContent() throws IOException {
        try (Simulator simulator = Simulator.start(new SimulatorSettings());
                BridgeRun bridge = BridgeRun.start(root, swapFriendly(simulator))) {
            swapForALinkOnceListed();
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> results(root).containsKey("failed/openprospect/swapped.json"));
            JsonNode result = results(root).get("failed/openprospect/swapped.json");
            assertThat(result.at("/error/code").asText()).isEqualTo("request_unreadable");
            assertThat(result.at("/error/message").asText()).contains("cannot be read");
            assertThat(result.toString()).doesNotContain("PRIVATE-5678");
            assertThat(simulator.ledger().requests()).isEmpty();
        }
        assertThat(root.resolve("inbox/openprospect/.failed/swapped.json")).isSymbolicLink();
    }

    /**
     * An unreadable file whose failed result the outbox refuses stays in the inbox like any refused rejection, in one
     * warning. Answered from inbox-errors' handler, the refusal was an exception inside the handler: Camel's fatal
     * fallback logged it as an ERROR with two stack traces, per file and take (constrained-host audit).
     */
    @Test
    void anUnreadableFileWhoseResultIsRefusedWaitsInTheInboxWithoutAStackTrace() throws IOException {
        Path outbox = Files.createDirectories(BridgeRun.outbox(root));
        Path brokenFailed = Files.writeString(outbox.resolve("failed"), "a file where a folder should be");
        List<String> lines;
        try (Simulator simulator = Simulator.start(new SimulatorSettings());
                LogCapture logs = LogCapture.start();
                BridgeRun bridge = BridgeRun.start(root, swapFriendly(simulator))) {
            Path file = swapForALinkOnceListed();
            await().atMost(Duration.ofSeconds(20))
                    .until(
                            () -> logs.lines().stream()
                                    .anyMatch(
                                            line -> line.contains(
                                                    "for openprospect/swapped.json cannot be delivered now; its request is answered later")));
            // (a link is then left where it is by the inbox's filter, named once)
            assertThat(file).isSymbolicLink();
            assertThat(brokenFailed).isRegularFile();
            lines = logs.lines();
        }
        try (Stream<Path> outboxFiles = Files.walk(outbox)) {
            assertThat(outboxFiles).containsExactly(outbox, brokenFailed);
        }
        assertThat(lines).noneMatch(line -> line.contains("FatalFallbackErrorHandler") || line.startsWith("\tat "));
    }

    /**
     * Jobs whose results the outbox refuses at once each run delivery-errors' handler. A job's worker exchange is a copy
     * of the one that handed it out, and Camel's note of the error handlers an exchange is in was shared by the copies:
     * one job in the handler made the others skip it, "Circular error-handler detected" (constrained-host audit: 94
     * such lines in 28 s on a full outbox).
     */
    @Test
    void resultsRefusedAtOnceEachRunTheErrorHandler() throws IOException {
        Path outbox = Files.createDirectories(BridgeRun.outbox(root));
        Files.writeString(outbox.resolve("openprospect"), "a file where a folder should be");
        int jobs = 24;
        List<String> lines;
        try (Simulator simulator = Simulator.start(new SimulatorSettings().jobDurationMs(100));
                LogCapture logs = LogCapture.start();
                BridgeRun bridge = BridgeRun.start(root, BridgeRun.testProperties(root, simulator.baseUrl()))) {
            for (int i = 0; i < jobs; i++) {
                drop(root, "openprospect/refused-" + i + ".json", BUYERS.formatted("Refused buyers " + i));
            }
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> bridge.store().list(Api.OPENPROSPECT, null, 0, 100).stream()
                                    .filter(job -> job.state() == JobState.DELIVERING && job.attempts() >= 3)
                                    .count()
                            == jobs);
            lines = logs.lines();
        }
        assertThat(lines).noneMatch(line -> line.contains("Circular error-handler"));
    }

    /**
     * When invalid.json was taken, from the lines' own time of day: its rejection, then each repeat (the later ones at
     * DEBUG); the refusals of its result are one line a minute.
     */
    private static List<OffsetDateTime> takeTimes(List<String> lines) {
        return lines.stream()
                .filter(line -> line.contains("Rejected openprospect/invalid.json as failed job")
                        || line.contains("openprospect/invalid.json repeats rejected job"))
                .map(line -> OffsetDateTime.parse(line.substring(0, line.indexOf(' '))))
                .toList();
    }

    /**
     * Drops openprospect/swapped.json and, once the bridge has listed it, puts a link to a file outside the inbox in
     * its place; returns the link.
     */
    private Path swapForALinkOnceListed() throws IOException {
        Path elsewhere = root.resolve("private.json");
        Files.writeString(elsewhere, BUYERS.formatted("PRIVATE-5678"));
        Files.setLastModifiedTime(elsewhere, FileTime.from(Instant.now().minusSeconds(3600)));
        Path file = drop(root, "openprospect/swapped.json", BUYERS.formatted("Listed buyers"));
        // the bridge takes a file seen unchanged for bridge.inbox.stable-ms by its own clock; dated a little ahead
        // (less than the skew it allows), the read lock then still waits on the file's time, holding its marker: the
        // window in which the file is swapped
        Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis() + 1_900));
        Path lockMarker = file.resolveSibling("swapped.json.camelLock");
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(lockMarker));
        Files.delete(file);
        return Files.createSymbolicLink(file, elsewhere);
    }

    /** The read lock waits this long for a fresh file: time to swap it once the bridge has listed it. */
    private Map<String, String> swapFriendly(Simulator simulator) {
        Map<String, String> properties = BridgeRun.testProperties(root, simulator.baseUrl());
        properties.put("bridge.inbox.stable-ms", "3000");
        return properties;
    }

    /**
     * An answered file that cannot be moved to .done/ (a full inbox; here a file where that folder should be) is taken
     * again only to be moved: its result, taken out of the outbox by its consumer, does not come back, and the file
     * moves once it can. Resources audit: on a full inbox 99 results were written about 100 times each, a removed
     * result back within 3 s, with a stack trace per file and poll.
     */
    @Test
    void anAnsweredFileThatCannotBeMovedIsNotAnsweredAgain() throws IOException {
        Path folder = Files.createDirectories(BridgeRun.inbox(root).resolve("openprospect"));
        Path blocked = Files.writeString(folder.resolve(".done"), "a file where a folder should be");
        Path result = BridgeRun.outbox(root).resolve("openprospect/stuck.json");

        List<String> lines;
        try (Simulator simulator = Simulator.start(new SimulatorSettings().jobDurationMs(100));
                LogCapture logs = LogCapture.start();
                BridgeRun bridge = BridgeRun.start(root, BridgeRun.testProperties(root, simulator.baseUrl()))) {
            drop(root, "openprospect/stuck.json", BUYERS.formatted("Stuck buyers"));
            await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(result));
            assertThat(results(root)
                            .get("openprospect/stuck.json")
                            .get("outcome")
                            .asText())
                    .isEqualTo("succeeded");
            Files.delete(result);

            // taken again every bridge.inbox.undelivered-wait-ms (1 s here), each time only to be moved
            await().during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(6)).until(() -> !Files.exists(result));
            assertThat(folder.resolve("stuck.json")).exists();

            Files.delete(blocked);
            await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(folder.resolve(".done/stuck.json")));
            assertThat(folder.resolve("stuck.json")).doesNotExist();
            lines = logs.lines();
        }
        assertThat(result).as("not answered again by the take that moved it").doesNotExist();
        assertThat(lines)
                .filteredOn(line -> line.contains("stuck.json has its answer but cannot be moved to .done/stuck.json"))
                .as("one line within a minute")
                .hasSize(1);
        assertThat(lines).noneMatch(line -> line.contains("repeats") || line.startsWith("\tat "));
    }

    @Test
    void anOutboxThatRefusesResultsLosesNothingAndSaysSoInOneLineAMinute() throws IOException {
        Path outbox = Files.createDirectories(BridgeRun.outbox(root));
        Path brokenFailed = Files.writeString(outbox.resolve("failed"), "a file where a folder should be");
        Path brokenOpenProspect = Files.writeString(outbox.resolve("openprospect"), "a file where a folder should be");

        List<String> lines;
        // the repeats of a rejected file after the first are DEBUG lines: they say when the file was taken again
        Level acceptance = LogManager.getLogger(RequestAcceptance.class).getLevel();
        Configurator.setLevel(RequestAcceptance.class.getName(), Level.DEBUG);
        try (Simulator simulator = Simulator.start(new SimulatorSettings().jobDurationMs(100));
                LogCapture logs = LogCapture.start();
                BridgeRun bridge = BridgeRun.start(root, BridgeRun.testProperties(root, simulator.baseUrl()))) {
            drop(root, "openprospect/invalid.json", "{\"profile_name\": \"no countries\"}");
            drop(root, "openprospect/valid.json", BUYERS.formatted("Valid buyers"));

            // the valid request is a job whose result waits; the rejected one's file waits in the inbox
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> bridge.store().list(Api.OPENPROSPECT, null, 0, 10).stream()
                            .anyMatch(job -> job.state() == JobState.DELIVERING && job.attempts() > 0));
            assertThat(root.resolve("inbox/openprospect/.done/valid.json")).exists();
            await().atMost(Duration.ofSeconds(20))
                    .until(
                            () -> logs.lines().stream()
                                    .anyMatch(
                                            line -> line.contains(
                                                    "for openprospect/invalid.json cannot be delivered now; its request is answered later")));
            assertThat(root.resolve("inbox/openprospect/invalid.json")).exists();
            assertThat(root.resolve("inbox/openprospect/.failed/invalid.json")).doesNotExist();
            // refused, the file waits bridge.inbox.undelivered-wait-ms (1 s here) before it is taken again, not the
            // next poll's 200 ms (operations audit: read, rejected and refused every 500 ms on a full outbox)
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> takeTimes(logs.lines()).size() >= 3);
            List<OffsetDateTime> refused = takeTimes(logs.lines());
            // read from the lines' own times: when a loaded host lets the test see the first line late, a measure
            // taken then is short by that much (a busy host measured 775 ms for two waits of 1 s that way)
            assertThat(Duration.between(refused.get(0), refused.get(2)).toMillis())
                    .as("taken twice more, with a wait before each")
                    .isGreaterThanOrEqualTo(2000);

            // readiness says so, naming the outbox and the disk's reason; liveness does not (a restart gives no room)
            HealthCheck.Result refusing = outboxCheck(HealthCheckHelper.invokeReadiness(bridge.context()));
            assertThat(refusing.getState()).isEqualTo(HealthCheck.State.DOWN);
            assertThat(refusing.getMessage())
                    .hasValueSatisfying(message -> assertThat(message)
                            .contains("results cannot be written to " + outbox)
                            .contains("Not a directory"));
            assertThat(HealthCheckHelper.invokeLiveness(bridge.context()))
                    .noneMatch(result -> result.getCheck().getId().equals("outbox"));

            Files.delete(brokenFailed);
            Files.delete(brokenOpenProspect);
            await().atMost(Duration.ofSeconds(30)).until(() -> results(root).size() == 2);
            // a result is seen in the outbox a moment before its write is counted a success (ci348 read DOWN there)
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> outboxCheck(HealthCheckHelper.invokeReadiness(bridge.context()))
                                    .getState()
                            == HealthCheck.State.UP);
            lines = logs.lines();
        } finally {
            Configurator.setLevel(RequestAcceptance.class.getName(), acceptance);
        }
        assertThat(results(root)
                        .get("failed/openprospect/invalid.json")
                        .at("/error/code")
                        .asText())
                .isEqualTo("validation_error");
        assertThat(results(root).get("openprospect/valid.json").get("outcome").asText())
                .isEqualTo("succeeded");
        assertThat(root.resolve("inbox/openprospect/.failed/invalid.json")).exists();
        // tried again at every backoff, a job's refused result is one line a minute (permanent-faults audit: a full
        // outbox logged a line per result and retry, for good)
        assertThat(lines)
                .filteredOn(line -> line.contains("for openprospect/valid.json cannot be delivered now; the job keeps"))
                .hasSize(1);
        assertThat(lines)
                .filteredOn(line -> line.contains(
                        "for openprospect/invalid.json cannot be delivered now; its request is answered later"))
                .as("taken again every second, its result refused each time: one line a minute")
                .hasSize(1);
        // and names the disk's reason, not only Camel's "Cannot store file: <path>" (operations audit)
        assertThat(lines)
                .filteredOn(line -> line.contains("cannot be delivered now"))
                .isNotEmpty()
                .allMatch(line -> line.contains("Not a directory"));
        // each attempt is one clear line, not a stack trace, nor a second WARN saying the rejection repeats (hostile
        // files audit: two WARN lines per file and attempt); the first repeat is named once
        assertThat(lines)
                .noneMatch(line ->
                        line.contains("ERROR") || line.startsWith("\tat ") || line.contains("Failed delivery for"));
        assertThat(lines)
                .filteredOn(line -> line.contains("WARN") && line.contains("repeats rejected job"))
                .hasSize(1);
    }

    @Test
    void aResultWrittenToOneFolderLeavesTheOutboxDownWhileAnotherStillRefuses() throws IOException {
        Path outbox = Files.createDirectories(BridgeRun.outbox(root));
        Files.writeString(outbox.resolve("failed"), "a file where a folder should be");

        try (Simulator simulator = Simulator.start(new SimulatorSettings().jobDurationMs(0));
                LogCapture logs = LogCapture.start()) {
            Map<String, String> properties = BridgeRun.testProperties(root, simulator.baseUrl());
            // the refused request is not taken again within the test: its refusal is the only one
            properties.put("bridge.inbox.undelivered-wait-ms", "600000");
            try (BridgeRun bridge = BridgeRun.start(root, properties)) {
                drop(root, "openprospect/invalid.json", "{\"profile_name\": \"no countries\"}");
                await().atMost(Duration.ofSeconds(20))
                        .until(() -> logs.lines().stream()
                                .anyMatch(line ->
                                        line.contains("for openprospect/invalid.json cannot be delivered now")));

                drop(root, "openprospect/valid.json", BUYERS.formatted("Valid buyers"));
                await().atMost(Duration.ofSeconds(20))
                        .until(() -> Files.exists(outbox.resolve("openprospect/valid.json")));

                // openprospect/ takes results; failed/openprospect/ still refuses them (operations audit: the
                // valid result had turned the check UP)
                HealthCheck.Result check = outboxCheck(HealthCheckHelper.invokeReadiness(bridge.context()));
                assertThat(check.getState()).isEqualTo(HealthCheck.State.DOWN);
                assertThat(check.getMessage())
                        .hasValueSatisfying(message -> assertThat(message)
                                .contains(Path.of("failed", "openprospect").toString())
                                .doesNotContain(", openprospect")
                                .contains("Not a directory"));
            }
        }
    }

    /** The outbox check's result among those of a health check run. */
    private static HealthCheck.Result outboxCheck(Collection<HealthCheck.Result> results) {
        return results.stream()
                .filter(result -> result.getCheck().getId().equals("outbox"))
                .findFirst()
                .orElseThrow();
    }
}
