package io.profilebridge;

import com.fasterxml.jackson.databind.JsonNode;
import io.profilebridge.job.JobStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.camel.CamelContext;
import org.apache.camel.main.Main;

/**
 * One real bridge process in the test JVM: the real Main, the real config/ and routes/, with its folders in a
 * temporary root and both APIs pointed at a simulator. Several runs can share a root to model a restart.
 */
public final class BridgeRun implements AutoCloseable {

    private static final Set<Integer> HANDED_OUT_PORTS = ConcurrentHashMap.newKeySet();

    private static final int FIRST_FREE_PORT = 20_000;
    private static final int FIRST_PORT_OF_LAST_SLICE = 29_000;
    private static final int LAST_FREE_PORT = 32_000;
    /**
     * Slices 0 to 2 for forks 1 to 3; 3 (29000-32000) for a run outside Maven's forks, such as an IDE's or a bench's.
     */
    private static final int FORK_SLICE = forkSlice(System.getProperty("test.fork", ""));

    private static int forkSlice(String forkNumber) {
        try {
            int fork = Integer.parseInt(forkNumber);
            return fork >= 1 && fork <= 3 ? fork - 1 : 3;
        } catch (NumberFormatException notForked) {
            return 3;
        }
    }

    public static final String OPENPROSPECT_KEY = "lnc_live_testkey_0001";
    public static final String ORBIT_KEY = "sk_orb_testkey_0001";

    private final Path root;
    private final Main main;

    private BridgeRun(Path root, Main main) {
        this.root = root;
        this.main = main;
    }

    /** Fast timings for tests; JMS off unless the test turns it on. */
    public static Map<String, String> testProperties(Path root, String apiBaseUrl) {
        Map<String, String> properties = new HashMap<>();
        properties.put("bridge.inbox", root.resolve("inbox").toString());
        properties.put("bridge.outbox", root.resolve("outbox").toString());
        properties.put("bridge.data", root.resolve("data").toString());
        properties.put("openprospect.base-url", apiBaseUrl);
        properties.put("orbit.base-url", apiBaseUrl);
        properties.put("openprospect.api-key", OPENPROSPECT_KEY);
        properties.put("orbit.api-key", ORBIT_KEY);
        properties.put("bridge.poll.tick-ms", "100");
        properties.put("bridge.poll.first-delay-ms", "200");
        properties.put("bridge.poll.interval-ms", "200");
        properties.put("bridge.retry.base-delay-ms", "100");
        properties.put("bridge.retry.max-delay-ms", "1000");
        properties.put("bridge.inbox.stable-ms", "100");
        properties.put("bridge.inbox.poll-ms", "100");
        // an empty or cut-off file waits this long for the rest before it is rejected
        properties.put("bridge.inbox.incomplete-ms", "500");
        properties.put("bridge.inbox.undelivered-wait-ms", "1000");
        properties.put("bridge.inbox.folder-check-ms", "200");
        properties.put("bridge.jms.enabled", "false");
        properties.put("sandbox.enabled", "false");
        properties.put("camel.management.port", Integer.toString(freePort()));
        return properties;
    }

    public static BridgeRun start(Path root, Map<String, String> properties) {
        Main main = BridgeMain.createMain();
        properties.forEach(main::addOverrideProperty);
        try {
            main.start();
        } catch (Exception e) {
            closeOpenedStores(main.getCamelContext());
            throw new IllegalStateException("the bridge did not start", e);
        }
        return new BridgeRun(root, main);
    }

    /**
     * Camel stops nothing of a context whose start failed, not even on its stop or shutdown: the bridge's process
     * exits then, but a test goes on, and a pool left open kept reconnecting to a store the test had removed (ci353).
     */
    private static void closeOpenedStores(CamelContext failed) {
        if (failed == null) {
            return;
        }
        for (BackgroundStart<?> opening : failed.hasServices(BackgroundStart.class)) {
            try {
                opening.resource().close();
            } catch (Exception couldNotOpen) {
                // nothing open to close
            }
        }
    }

    public CamelContext context() {
        return main.getCamelContext();
    }

    public JobStore store() {
        return context().getRegistry().lookupByNameAndType("jobStore", JobStore.class);
    }

    public Path root() {
        return root;
    }

    @Override
    public void close() {
        main.stop();
    }

    // --- folders ------------------------------------------------------------------------------------------

    public static Path inbox(Path root) {
        return root.resolve("inbox");
    }

    public static Path outbox(Path root) {
        return root.resolve("outbox");
    }

    /**
     * Lifts the call gate (one call in flight per bucket by default) for tests of other things that need many calls
     * out at once: workers held by slow calls, claims in flight when an instance dies.
     */
    public static final Map<String, String> MANY_CALLS_IN_FLIGHT = Map.of(
            "bridge.openprospect.max-in-flight", "16",
            "bridge.orbit.start-max-in-flight", "16",
            "bridge.orbit.read-max-in-flight", "16",
            "bridge.orbit.max-in-flight", "16");

    /** A valid OpenProspect request body named {@code name}. */
    public static String openProspectRequest(String name) {
        return "{\"profile_name\": \"" + name
                + "\", \"ideal_customer_profile\": \"SaaS\", \"target_countries\": [\"DE\"]}";
    }

    /** Drops a request the way a careful writer does: a dot-name first, then a rename. */
    public static Path drop(Path root, String relativeName, String content) {
        try {
            Path target = inbox(root).resolve(relativeName);
            Files.createDirectories(target.getParent());
            Path partial = target.resolveSibling("." + target.getFileName() + ".part");
            Files.writeString(partial, content);
            return Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every result document under the outbox, by path relative to it. */
    public static Map<String, JsonNode> results(Path root) {
        Path outbox = outbox(root);
        Map<String, JsonNode> results = new HashMap<>();
        if (!Files.isDirectory(outbox)) {
            return results;
        }
        try {
            Files.walkFileTree(outbox, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                    if (attributes.isRegularFile()
                            && !file.getFileName().toString().startsWith(".")) {
                        try {
                            results.put(outbox.relativize(file).toString(), Json.parse(Files.readString(file)));
                        } catch (NoSuchFileException goneMeanwhile) {
                            // removed between listing and reading (a test cleaning up): not a result any more
                        }
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException failure) throws IOException {
                    if (failure instanceof NoSuchFileException) {
                        // a temp file renamed between listing and reading: the bridge is still writing
                        return FileVisitResult.CONTINUE;
                    }
                    throw failure;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return results;
    }

    /**
     * A free port for a server the test starts later, below the kernel's ephemeral range (32768 and up): a port from
     * that range can be taken by an outgoing connection of a test running alongside before the server binds it.
     * Never the same port twice in this JVM, and each test fork (Maven's {@code surefire.forkNumber}) takes its own
     * slice of the range: a port free when one fork picked it was picked by the other fork too, before either bound it
     * (CI: a bridge of JarIT found its management port taken by one of CrashPointsIT's).
     */
    /**
     * The readiness check of that name on {@code /observe/health/ready} of the management port given, or an empty
     * object when it is not listed.
     */
    public static JsonNode readinessCheck(String managementPort, String name) throws Exception {
        String url = "http://127.0.0.1:" + managementPort + "/observe/health/ready";
        JsonNode health = Json.parse(HttpClient.newHttpClient()
                .send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString())
                .body());
        for (JsonNode check : health.path("checks")) {
            if (check.path("name").asText().equals(name)) {
                return check;
            }
        }
        return Json.object();
    }

    public static int freePort() {
        int slice = (FIRST_PORT_OF_LAST_SLICE - FIRST_FREE_PORT) / 3;
        int from = FIRST_FREE_PORT + FORK_SLICE * slice;
        int to = FORK_SLICE == 3 ? LAST_FREE_PORT : from + slice;
        for (int attempt = 0; attempt < 1000; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(from, to);
            if (!HANDED_OUT_PORTS.add(port)) {
                continue;
            }
            try (ServerSocket socket = new ServerSocket(port)) {
                return port;
            } catch (IOException taken) {
                // held by another process: try another
            }
        }
        throw new IllegalStateException("no free port between " + from + " and " + to);
    }
}
