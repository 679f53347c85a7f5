package io.profilebridge.faults;

import static io.profilebridge.BridgeRun.results;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.profilebridge.BridgeRun;
import io.profilebridge.CapturedLog;
import io.profilebridge.sandbox.Simulator;
import io.profilebridge.sandbox.SimulatorSettings;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A corpus of broken request files: each gets one failed result naming the cause, no remote call, and moves to .failed/. */
class BadInputTest {

    @TempDir
    Path root;

    Simulator simulator;

    @BeforeEach
    void start() {
        simulator = Simulator.start(new SimulatorSettings());
    }

    @AfterEach
    void stop() {
        simulator.close();
    }

    /** path below the inbox -> (content, expected error code). */
    private static Map<String, Object[]> corpus() {
        Map<String, Object[]> corpus = new LinkedHashMap<>();
        corpus.put("openprospect/empty.json", new Object[] {new byte[0], "request_empty"});
        corpus.put("openprospect/binary.json", new Object[] {
            new byte[] {0, 1, 2, (byte) 0xff, (byte) 0xfe}, "request_not_utf8"
        });
        corpus.put("orbit/latin1.json", new Object[] {
            "{\"email\": \"m\u00fcller@example.com\"}".getBytes(StandardCharsets.ISO_8859_1), "request_not_utf8"
        });
        corpus.put("openprospect/not-json.json", new Object[] {bytes("profile_name=x"), "request_not_json"});
        corpus.put("orbit/truncated.json", new Object[] {bytes("{\"email\": \"a@example.com\""), "request_not_json"});
        corpus.put("orbit/trailing.json", new Object[] {
            bytes("{\"email\": \"a@example.com\"} {\"email\": \"b@example.com\"}"), "request_trailing_data"
        });
        corpus.put(
                "orbit/trailing-text.json",
                new Object[] {bytes("{\"email\": \"a@example.com\"} and more"), "request_trailing_data"});
        corpus.put("orbit/duplicate.json", new Object[] {
            bytes("{\"email\": \"a@example.com\", \"email\": \"b@example.com\"}"), "request_duplicate_field"
        });
        corpus.put("orbit/array.json", new Object[] {bytes("[{\"email\": \"a@example.com\"}]"), "request_not_object"});
        corpus.put("orbit/string.json", new Object[] {bytes("\"a@example.com\""), "request_not_object"});
        corpus.put("orbit/null.json", new Object[] {bytes("null"), "request_not_object"});
        corpus.put("orbit/deep.json", new Object[] {
            bytes("{\"urls\": " + "[".repeat(200) + "]".repeat(200) + "}"), "request_too_deep"
        });
        corpus.put("openprospect/huge.json", new Object[] {
            bytes("{\"profile_name\": \"" + "x".repeat(2_000_000) + "\"}"), "request_too_large"
        });
        corpus.put("openprospect/no-name.json", new Object[] {
            bytes("{\"ideal_customer_profile\": \"x\", \"target_countries\": [\"DE\"]}"), "validation_error"
        });
        corpus.put("openprospect/no-countries.json", new Object[] {
            bytes("{\"profile_name\": \"p\", \"ideal_customer_profile\": \"x\", \"target_countries\": []}"),
            "validation_error"
        });
        corpus.put("openprospect/negative-size.json", new Object[] {
            bytes(
                    "{\"profile_name\": \"p\", \"ideal_customer_profile\": \"x\", \"target_countries\": [\"DE\"], \"company_size_min\": -1}"),
            "validation_error"
        });
        corpus.put("orbit/legacy-mode.json", new Object[] {
            bytes("{\"mode\": \"generation\", \"email\": \"a@example.com\"}"), "developer_deep_search_field_unsupported"
        });
        corpus.put("orbit/dry-run.json", new Object[] {
            bytes("{\"dry_run\": true, \"email\": \"a@example.com\"}"), "developer_deep_search_field_unsupported"
        });
        corpus.put(
                "orbit/no-signal.json",
                new Object[] {bytes("{\"runShape\": \"partial_only\"}"), "developer_deep_search_input_required"});
        corpus.put(
                "orbit/bad-email.json",
                new Object[] {bytes("{\"email\": \"nobody\"}"), "developer_deep_search_email_invalid"});
        corpus.put("orbit/bad-linkedin.json", new Object[] {
            bytes("{\"linkedinUrl\": \"https://example.com/in/janedoe\"}"), "developer_deep_search_linkedin_invalid"
        });
        corpus.put(
                "orbit/half-surrogate.json",
                new Object[] {bytes("{\"email\": \"a\\ud800@example.com\"}"), "request_not_unicode"});
        corpus.put("orbit/candidates-need-intent.json", new Object[] {
            bytes("{\"runShape\": \"candidate_discovery\", \"email\": \"a@example.com\"}"),
            "developer_deep_search_run_shape_invalid"
        });
        corpus.put("orbit/intent-v2.json", new Object[] {
            bytes("{\"structuredIntent\": {\"version\": \"v2\"}}"), "structured_intent_version_unsupported"
        });
        corpus.put("no-api.json", new Object[] {bytes("{\"email\": \"a@example.com\"}"), "api_unknown"});
        corpus.put(
                "unknown-api.json",
                new Object[] {bytes("{\"api\": \"../../escape\", \"request\": {}}"), "api_unknown"});
        corpus.put(
                "envelope-bad-request.json",
                new Object[] {bytes("{\"api\": \"orbit\", \"request\": [1]}"), "envelope_request_invalid"});
        corpus.put(
                "orbit/wrong-envelope.json",
                new Object[] {bytes("{\"api\": \"openprospect\", \"request\": {}}"), "envelope_api_mismatch"});
        return corpus;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void everyBrokenFileGetsAFailedResultNamingTheCauseAndNoRemoteCall() throws IOException {
        Map<String, Object[]> corpus = corpus();
        assertThat(corpus).hasSizeGreaterThanOrEqualTo(20);
        for (var entry : corpus.entrySet()) {
            Path target = root.resolve("inbox").resolve(entry.getKey());
            Files.createDirectories(target.getParent());
            Files.write(target, (byte[]) entry.getValue()[0]);
        }
        try (BridgeRun bridge = BridgeRun.start(root, BridgeRun.testProperties(root, simulator.baseUrl()))) {
            await().atMost(Duration.ofSeconds(30)).until(() -> results(root).size() == corpus.size());
        }
        Map<String, JsonNode> results = results(root);
        for (var entry : corpus.entrySet()) {
            // a failed result mirrors where its request was dropped, under failed/
            JsonNode result = results.get("failed/" + entry.getKey());
            assertThat(result).as(entry.getKey()).isNotNull();
            assertThat(result.get("outcome").asText()).isEqualTo("failed");
            assertThat(result.get("error").get("code").asText())
                    .as(entry.getKey())
                    .isEqualTo(entry.getValue()[1]);
            assertThat(result.get("error").get("message").asText()).isNotBlank();
            // the API's own field is there even when nothing filled it
            switch (result.get("api").asText()) {
                case "openprospect" ->
                    assertThat(result.get("profileId")).as(entry.getKey()).isNotNull();
                case "orbit" ->
                    assertThat(result.get("profiles")).as(entry.getKey()).isEmpty();
                default ->
                    assertThat(result.has("profileId") || result.has("profiles"))
                            .isFalse();
            }
            Path original = root.resolve("inbox").resolve(entry.getKey());
            assertThat(original.resolveSibling(".failed").resolve(original.getFileName()))
                    .as(entry.getKey())
                    .exists();
        }
        assertThat(simulator.ledger().requests()).isEmpty();
    }

    @Test
    void aFileStillBeingWrittenIsNotTaken() throws Exception {
        var properties = BridgeRun.testProperties(root, simulator.baseUrl());
        properties.put("bridge.inbox.stable-ms", "1500");
        try (BridgeRun bridge = BridgeRun.start(root, properties)) {
            Path file = root.resolve("inbox/openprospect/slow.json");
            Files.createDirectories(file.getParent());
            try (OutputStream out = Files.newOutputStream(file)) {
                out.write(bytes("{\"profile_name\": \"Slow writer\", "));
                out.flush();
                // the writer pauses mid-file, as a slow network share would; the bridge must not take half a file
                Thread.sleep(600);
                out.write(bytes("\"ideal_customer_profile\": \"x\", \"target_countries\": [\"DE\"]}"));
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> results(root).size() == 1);
        }
        assertThat(results(root).get("openprospect/slow.json").get("outcome").asText())
                .isEqualTo("succeeded");
    }

    @Test
    void aFileWhoseWriterPausesLongerThanTheStableTimeWaitsForTheRest() throws Exception {
        // black-box audit: a writer that flushed half a file and paused 3 s had the half rejected (request_not_json)
        // and the whole, kept under .failed/, never ran; one that appended the rest later got a second, broken request
        aPausedWriterGetsItsWholeRequestRun("paused.json", file -> {});
    }

    @Test
    void aFileDatedInThePastByItsWritersClockIsStillWaitedFor() throws Exception {
        // inbox audit: a file server whose clock is 120 s behind dates each write in the past, so the file's own time
        // said "unchanged for long": the half was taken at once and rejected (request_not_json)
        aPausedWriterGetsItsWholeRequestRun(
                "behind.json",
                file -> Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis() - 120_000)));
    }

    /** What the writer's file system does after each write (stamps a time on the file). */
    private interface AfterWrite {
        void to(Path file) throws IOException;
    }

    /** Half a request, a pause until the bridge has looked at it, then the rest: one run, one succeeded result. */
    private void aPausedWriterGetsItsWholeRequestRun(String name, AfterWrite afterWrite) throws Exception {
        var properties = BridgeRun.testProperties(root, simulator.baseUrl());
        properties.put("bridge.inbox.incomplete-ms", "30000");
        Path file = root.resolve("inbox/openprospect/" + name);
        try (CapturedLog log = CapturedLog.start();
                BridgeRun bridge = BridgeRun.start(root, properties)) {
            Files.createDirectories(file.getParent());
            Files.write(file, bytes("{\"profile_name\": \"Paused writer\", "));
            afterWrite.to(file);
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> log.lines().stream().anyMatch(line -> line.contains("ends before its JSON does")));
            assertThat(results(root)).as("not rejected while it may still grow").isEmpty();
            assertThat(file).exists();
            Files.write(
                    file,
                    bytes("\"ideal_customer_profile\": \"x\", \"target_countries\": [\"DE\"]}"),
                    StandardOpenOption.APPEND);
            afterWrite.to(file);
            await().atMost(Duration.ofSeconds(20)).until(() -> results(root).size() == 1);
        }
        assertThat(results(root).get("openprospect/" + name).get("outcome").asText())
                .isEqualTo("succeeded");
        assertThat(simulator.ledger().runsStarted("openprospect")).isEqualTo(1);
    }
}
