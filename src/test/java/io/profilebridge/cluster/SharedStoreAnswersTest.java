package io.profilebridge.cluster;

import static io.profilebridge.BridgeRun.drop;
import static io.profilebridge.BridgeRun.results;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.profilebridge.BridgeRun;
import io.profilebridge.Json;
import io.profilebridge.api.Api;
import io.profilebridge.faults.MisbehavingOpenProspect;
import io.profilebridge.job.Job;
import io.profilebridge.job.JobState;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Answers whose text the embedded store keeps but PostgreSQL's refuses (U+0000, a cause past its column), on a shared
 * store (answers audit): a creation id holding a NUL failed every save of its job, and the job was created again 18
 * times a second; a 402 whose details held one, or ran long, could not be shared and failed its request; half a
 * surrogate pair in a last error came back as "?".
 */
class SharedStoreAnswersTest {

    private static EmbeddedPostgres postgres;

    @TempDir
    Path root;

    @BeforeAll
    static void startPostgres() throws IOException {
        postgres = EmbeddedPostgres.builder().start();
    }

    @AfterAll
    static void stopPostgres() throws IOException {
        postgres.close();
    }

    @Test
    void aCreationIdNoStoreCanKeepFailsTheRequestOnce() throws Exception {
        try (MisbehavingOpenProspect api = new MisbehavingOpenProspect()) {
            Map<String, String> properties =
                    ClusterNodes.onStore(BridgeRun.testProperties(root, api.baseUrl()), postgres);
            drop(root, "openprospect/nul-id.json", BridgeRun.openProspectRequest("nul-id"));
            try (BridgeRun bridge = BridgeRun.start(root, properties)) {
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> results(root).containsKey("failed/openprospect/nul-id.json"));
            }
            JsonNode error =
                    results(root).get("failed/openprospect/nul-id.json").get("error");
            assertThat(error.get("code").asText()).isEqualTo("remote_id_unusable");
            assertThat(error.get("message").asText()).contains("U+0000");
            assertThat(api.starts("nul-id")).isEqualTo(1);
        }
    }

    @Test
    void aRefusalWhoseDetailsNoStoreCanKeepHoldsTheRequest() throws Exception {
        try (MisbehavingOpenProspect api = new MisbehavingOpenProspect()) {
            Map<String, String> properties =
                    ClusterNodes.onStore(BridgeRun.testProperties(root, api.baseUrl()), postgres);
            drop(root, "openprospect/poor-402.json", BridgeRun.openProspectRequest("poor-402"));
            try (BridgeRun bridge = BridgeRun.start(root, properties)) {
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> theJob(bridge)
                                .map(Job::lastError)
                                .map(error -> error.contains("credits_insufficient"))
                                .orElse(false));
                Job job = theJob(bridge).orElseThrow();
                assertThat(job.state()).isEqualTo(JobState.RECEIVED);
                assertThat(Json.parseStored(job.lastError()).get("httpStatus").asInt())
                        .isEqualTo(402);
                assertThat(job.lastError())
                        .as("half a surrogate pair kept as its escape, not written as ? by the driver")
                        .contains("no credits \\ud800");
                assertThat(results(root)).isEmpty();
            }
        }
    }

    /**
     * Review: a status answer's text was stored as Jackson wrote it, and PostgreSQL's driver wrote half a surrogate pair
     * in it as "?": the result delivered from the stored status said "half ?" where the API said "half \ud800".
     */
    @Test
    void aStatusHoldingHalfASurrogatePairIsDeliveredAsTheApiSentIt() throws Exception {
        try (MisbehavingOpenProspect api = new MisbehavingOpenProspect()) {
            Map<String, String> properties =
                    ClusterNodes.onStore(BridgeRun.testProperties(root, api.baseUrl()), postgres);
            drop(root, "openprospect/lone-surrogate.json", BridgeRun.openProspectRequest("lone-surrogate"));
            try (BridgeRun bridge = BridgeRun.start(root, properties)) {
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> results(root).containsKey("openprospect/lone-surrogate.json"));
                assertThat(theJob(bridge).orElseThrow().lastStatus())
                        .as("as stored, which /jobs shows and a redelivery writes")
                        .contains("half \\ud800");
            }
            assertThat(results(root)
                            .get("openprospect/lone-surrogate.json")
                            .get("status")
                            .get("note")
                            .asText())
                    .isEqualTo("half \ud800");
        }
    }

    /** The one job there is, read whole. */
    private static Optional<Job> theJob(BridgeRun bridge) {
        return bridge.store().list(Api.OPENPROSPECT, null, 0, 1).stream()
                .findFirst()
                .flatMap(listed -> bridge.store().findById(listed.id()));
    }
}
