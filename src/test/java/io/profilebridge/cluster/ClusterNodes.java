package io.profilebridge.cluster;

import io.profilebridge.BridgeRun;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
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
}
