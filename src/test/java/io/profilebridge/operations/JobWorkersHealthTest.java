package io.profilebridge.operations;

import static io.profilebridge.BridgeRun.drop;
import static io.profilebridge.BridgeRun.results;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.profilebridge.BridgeRun;
import io.profilebridge.CapturedLog;
import io.profilebridge.faults.MisbehavingOpenProspect;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * When remote work cannot advance (here: the job store's table is gone mid-run), the tick and the worker that hit
 * it say so in the log and on the health check, and once the store is back the work goes on by itself, nothing lost.
 */
class JobWorkersHealthTest {

    @TempDir
    Path root;

    MisbehavingOpenProspect api;
    CapturedLog log;

    @BeforeEach
    void start() throws Exception {
        api = new MisbehavingOpenProspect();
        log = CapturedLog.start();
    }

    @AfterEach
    void stop() {
        log.close();
        api.close();
    }

    @Test
    void aFailingStoreShowsOnTheHealthCheckAndInTheLogAndTheWorkResumesWhenItIsBack() throws Exception {
        Map<String, String> properties = BridgeRun.testProperties(root, api.baseUrl());
        properties.put("bridge.http.deadline-ms", "1500");
        properties.put("bridge.retry.max-attempts", "2");
        String health = "http://127.0.0.1:" + properties.get("camel.management.port") + "/observe/health";
        try (BridgeRun bridge = BridgeRun.start(root, properties)) {
            drop(root, "openprospect/before.json", BridgeRun.openProspectRequest("before"));
            await().atMost(Duration.ofSeconds(20)).until(() -> results(root).containsKey("openprospect/before.json"));

            // a call in flight when the store goes: its worker cannot save what it learned
            drop(root, "openprospect/slow.json", BridgeRun.openProspectRequest("slow"));
            await().atMost(Duration.ofSeconds(20)).until(() -> api.inProgress("slow") == 1);
            DataSource store =
                    bridge.context().getRegistry().lookupByNameAndType("jobStoreDataSource", DataSource.class);
            execute(store, "ALTER TABLE bridge_job RENAME TO bridge_job_away");

            await().atMost(Duration.ofSeconds(10)).until(() -> get(health).contains("claiming due jobs fails"));
            assertThat(get(health)).contains("\"name\":\"job-workers\",\"status\":\"DOWN\"");
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> log.errors().stream().anyMatch(line -> line.contains("A job worker failed on")));
            assertThat(log.errors()).anyMatch(line -> line.contains("JobDispatcher - Claiming due jobs failed"));
            // store-failure audit: each failed save was also logged by save-job's own error handler
            assertThat(log.errors())
                    .as("a failed save logged once, by the worker")
                    .noneMatch(line -> line.contains("DefaultErrorHandler") && line.contains("cannot save"));

            execute(store, "ALTER TABLE bridge_job_away RENAME TO bridge_job");
            drop(root, "openprospect/after.json", BridgeRun.openProspectRequest("after"));
            await().atMost(Duration.ofSeconds(30)).until(() -> results(root).size() == 3);
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> get(health).contains("\"name\":\"job-workers\",\"status\":\"UP\""));
        }
        assertThat(results(root).get("openprospect/after.json").get("outcome").asText())
                .isEqualTo("succeeded");
        assertThat(results(root)
                        .get("failed/openprospect/slow.json")
                        .get("error")
                        .get("code")
                        .asText())
                .as("the job whose worker failed was tried again, not lost")
                .isEqualTo("gave_up");
    }

    private static void execute(DataSource dataSource, String sql) throws Exception {
        try (var c = dataSource.getConnection();
                var s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static String get(String url) throws Exception {
        return HttpClient.newHttpClient()
                .send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString())
                .body();
    }
}
