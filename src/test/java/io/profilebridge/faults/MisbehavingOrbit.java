package io.profilebridge.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.profilebridge.Json;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Orbit Deep Search as a broken server would play it, by the request's {@code email}: {@code other-run@...} is
 * answered with another run's {@code request_id}, {@code junk-profile@...} completes with a profile whose read
 * answers a 200 that is no JSON object, {@code other-profile@...} one whose read answers another profile's id,
 * {@code lost-then-poor@...} starts its run but its answer is lost, and every
 * start after it is answered 402, {@code one-gone@...} completes with two candidates of which the second reads as 404
 * {@code developer_profile_not_found} for ever, {@code no-id@...} completes with a result that names no profile,
 * {@code long-id@...} completes naming a profile id of 5,000 characters, {@code many@...} completes with {@value #MANY}
 * candidates, {@code heavy@...} with {@value #HEAVY} of about 2 KB each, {@code crowd...@...} with {@value #CROWD} read in 3 ms each,
 * {@code twice@...} names one candidate {@value #TWICE} times, {@code flaky@...} completes with {@value #FLAKY}
 * candidates each of which reads as 404 the first time and fine after, {@code empty-start@...} has its first start answered
 * with an empty 200 and no run started; a status read of a run never started is 404;
 * any other run completes at once with a profile that reads as one.
 */
final class MisbehavingOrbit implements AutoCloseable {

    static final int MANY = 30;
    static final int HEAVY = 5;
    static final int CROWD = 3000;
    static final int TWICE = 50;
    static final int FLAKY = 3;

    private final HttpServer server;
    /** The email each requestId was started with. */
    private final Map<String, String> emails = new ConcurrentHashMap<>();

    private final Map<String, AtomicLong> starts = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> statusReads = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> profileReads = new ConcurrentHashMap<>();
    /** The profiles read once already (a flaky one reads fine from then on). */
    private final Set<String> readOnce = ConcurrentHashMap.newKeySet();

    MisbehavingOrbit() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.createContext("/", this::handle);
        server.start();
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Starts, status reads (by the id read) and profile reads of the run whose email begins with {@code name}. */
    long starts(String name) {
        return count(starts, name);
    }

    long statusReads(String requestId) {
        return count(statusReads, requestId);
    }

    long profileReads(String name) {
        return count(profileReads, name);
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getRawPath();
            String id = URLDecoder.decode(path.substring(path.lastIndexOf('/') + 1), StandardCharsets.UTF_8);
            if (exchange.getRequestMethod().equals("POST")) {
                JsonNode body =
                        Json.parse(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
                String requestId = body.get("requestId").asText();
                String name = nameOf(body.get("email").asText());
                long start = starts.computeIfAbsent(name, n -> new AtomicLong()).incrementAndGet();
                if (name.equals("lost-then-poor") && start > 1) {
                    json(
                            exchange,
                            402,
                            "{\"error\": {\"code\": \"developer_api_credits_insufficient\", \"message\": \"low\", "
                                    + "\"requiredCredits\": 10, \"remainingCredits\": 0}}");
                    return;
                }
                if (name.equals("empty-start") && start == 1) {
                    // a proxy on the way answers for the API: no run started
                    exchange.sendResponseHeaders(200, -1);
                    return;
                }
                emails.put(requestId, name);
                if (name.equals("lost-then-poor")) {
                    return; // the run started and was charged; the connection closes unanswered
                }
                if (name.equals("instant-empty")) {
                    // "completed" at once, as the docs give only a profileId request, naming no profile
                    json(
                            exchange,
                            200,
                            "{\"request_id\": \"" + requestId + "\", \"run_id\": null, \"status\":"
                                    + " \"completed\", \"result\": null}");
                    return;
                }
                json(
                        exchange,
                        202,
                        Json.write(Json.object()
                                .put("request_id", name.equals("other-run") ? "someone-else" : requestId)
                                .put("run_id", "run-" + name)
                                .put("status", "started")));
            } else if (path.startsWith("/v2/developer/deep-search/")) {
                statusReads.computeIfAbsent(id, n -> new AtomicLong()).incrementAndGet();
                var status = Json.object().put("request_id", id).put("status", "completed");
                String name = emails.getOrDefault(id, "unknown");
                if (name.equals("unknown")) {
                    json(
                            exchange,
                            404,
                            "{\"error\": {\"code\": \"developer_deep_search_not_found\", \"message\": \"no run\"}}");
                    return;
                }
                if (name.equals("one-gone")) {
                    status.putObject("result")
                            .putArray("candidate_profile_ids")
                            .add("p-one-gone")
                            .add("p-gone");
                } else if (name.equals("many")
                        || name.equals("heavy")
                        || name.equals("flaky")
                        || name.startsWith("crowd")) {
                    var candidates = status.putObject("result").putArray("candidate_profile_ids");
                    int count = name.equals("many")
                            ? MANY
                            : name.equals("heavy") ? HEAVY : name.equals("flaky") ? FLAKY : CROWD;
                    for (int i = 0; i < count; i++) {
                        candidates.add("p-" + name + "-" + i);
                    }
                } else if (name.equals("twice")) {
                    var candidates = status.putObject("result").putArray("candidate_profile_ids");
                    for (int i = 0; i < TWICE; i++) {
                        candidates.add("p-twice");
                    }
                } else if (name.equals("long-id")) {
                    status.putObject("result").put("id", "p-long-id-" + "x".repeat(5000));
                } else if (name.equals("no-id")) {
                    status.putObject("result").putObject("section_generation").put("sections_ready", true);
                } else {
                    status.putObject("result").put("id", "p-" + name);
                }
                json(exchange, 200, Json.write(status));
            } else {
                String name = id.substring("p-".length());
                // the candidates of one run count together, under the run's name
                String counted = name.replaceFirst("^(many|heavy|flaky|crowd[a-z]*)-\\d+$", "$1")
                        .replaceFirst("^long-id-x+$", "long-id");
                profileReads.computeIfAbsent(counted, n -> new AtomicLong()).incrementAndGet();
                if (counted.startsWith("crowd")) {
                    // an API's answer takes a few milliseconds: the reads, one at a time, stay below the read budget
                    pause(3);
                }
                if (name.equals("gone") || (counted.equals("flaky") && readOnce.add(name))) {
                    json(
                            exchange,
                            404,
                            "{\"error\": {\"code\": \"developer_profile_not_found\", \"message\": \"no such profile\"}}");
                    return;
                }
                json(
                        exchange,
                        200,
                        name.equals("junk-profile")
                                ? "\"just a string\""
                                : Json.write(Json.object()
                                        // a cache's mix-up: another person's profile under this one's address
                                        .put("id", name.equals("other-profile") ? "p-someone-else" : id)
                                        .put("summary", counted.equals("heavy") ? "x".repeat(2000) : "")));
            }
        }
    }

    private static String nameOf(String email) {
        return email.substring(0, email.indexOf('@'));
    }

    private static long count(Map<String, AtomicLong> counts, String key) {
        return counts.computeIfAbsent(key, n -> new AtomicLong()).get();
    }

    private static void json(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
