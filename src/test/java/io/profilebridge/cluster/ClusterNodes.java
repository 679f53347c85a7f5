package io.profilebridge.cluster;

import io.profilebridge.BridgeProcess;
import io.profilebridge.BridgeRun;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** The properties of bridge instances sharing one PostgreSQL store: each has its own data folder, id and port. */
final class ClusterNodes {

    private ClusterNodes() {}

    /** The properties with the shared store set. */
    static Map<String, String> onStore(Map<String, String> properties, EmbeddedPostgres postgres) {
        properties.put("bridge.store.url", postgres.getJdbcUrl("postgres", "postgres"));
        properties.put("bridge.store.user", "postgres");
        properties.put("bridge.store.password", "postgres");
        return properties;
    }

    /** One instance's copy of the shared properties: data folder {@code data-<name>}, instance id {@code name}. */
    static Map<String, String> node(Map<String, String> shared, Path root, String name) {
        Map<String, String> node = new HashMap<>(shared);
        node.put("bridge.data", root.resolve("data-" + name).toString());
        node.put("bridge.instance-id", name);
        node.put("camel.management.port", Integer.toString(BridgeRun.freePort()));
        return node;
    }

    /** Waits until the instance started with {@code instance} (logging to {@code log}) reports health UP. */
    static void awaitUp(Process process, Map<String, String> instance, Path log) {
        String health = "http://127.0.0.1:" + instance.get("camel.management.port") + "/observe/health";
        BridgeProcess.awaitWhileRunning(process, log, Duration.ofSeconds(60), () -> isUp(health));
    }

    /** The instance's {@code /observe/health} body, or "" while it does not answer. */
    static String health(Map<String, String> instance) {
        return managementPage(instance, "/observe/health");
    }

    /** The instance's {@code /observe/metrics} body, or "" while it does not answer. */
    static String metrics(Map<String, String> instance) {
        return managementPage(instance, "/observe/metrics");
    }

    private static String managementPage(Map<String, String> instance, String path) {
        try {
            return HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create(
                                            "http://127.0.0.1:" + instance.get("camel.management.port") + path))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
        } catch (Exception e) {
            return "";
        }
    }

    private static boolean isUp(String health) {
        try {
            HttpResponse<String> answer = HttpClient.newHttpClient()
                    .send(HttpRequest.newBuilder(URI.create(health)).build(), HttpResponse.BodyHandlers.ofString());
            return answer.statusCode() == 200 && answer.body().contains("UP");
        } catch (Exception e) {
            return false;
        }
    }
}
