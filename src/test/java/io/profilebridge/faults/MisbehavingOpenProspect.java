package io.profilebridge.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.profilebridge.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * OpenProspect as a broken server would play it: a creation is accepted at once (but {@code long-error} and
 * {@code huge-error} get a 422 whose message has 20,000 characters and 5 MB, {@code detail-error} one naming the field
 * in its detail list only), and its status read answers
 * according to its {@code profile_name}: {@code slow} (and any name starting with {@code slow-}) after a minute, {@code trickle} one byte every 200 ms for a
 * minute, {@code huge} 64 MB as fast as it is read (chunked), {@code huge-declared} the same with a Content-Length,
 * {@code html} a 200 that is no JSON, {@code gone} a 404 ({@code gone-once} the first
 * time only), {@code teapot} a 418, {@code no-status} a 200 without a status, {@code lone-surrogate} SUCCEEDED with half a surrogate pair
 * in a note, {@code other-run} SUCCEEDED for another
 * creation's id, {@code no-profile-id} SUCCEEDED with a null profile_id ({@code empty-profile-id} an empty one), a name starting with {@code forged-failure} FAILED with the name as its error
 * code and message (line breaks and all), {@code echo-key} SUCCEEDED with the bearer key it was sent in a field of
 * its own (and again spelled with JSON escapes); any other name has SUCCEEDED. A creation named {@code echo-key-error}
 * gets a 401 naming the key it was sent, as some APIs do, once as is and once with escapes. While {@link #moved} is
 * set (or once {@code moves-after-this} is created), every call is answered 301 elsewhere. Every answer sets a
 * cookie.
 */
public final class MisbehavingOpenProspect implements AutoCloseable {

    private static final long MB = 1024 * 1024;

    /**
     * The 5 MB error answer, made once before any call: written for each call, its serialisation (interpreted code in a
     * cold JVM, on a busy CI machine) took longer than the bridge's deadline, which then saw a transport error and sent
     * the start again.
     */
    private static final byte[] HUGE_ERROR =
            validationError("x".repeat(5 * (int) MB)).getBytes(StandardCharsets.UTF_8);

    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "misbehaving-openprospect");
        thread.setDaemon(true);
        return thread;
    });
    /** Status reads in progress, by name. */
    private final Map<String, AtomicLong> inProgress = new ConcurrentHashMap<>();
    /** Creations (POSTs) and status reads received, by name. */
    private final Map<String, AtomicLong> starts = new ConcurrentHashMap<>();

    private final Map<String, AtomicLong> reads = new ConcurrentHashMap<>();
    /** The User-Agent headers the requests came with. */
    private final Set<String> userAgents = ConcurrentHashMap.newKeySet();

    /** While set, every call but those to /elsewhere is answered 301 there, as a moved host's front does. */
    private volatile boolean moved;
    /** Calls answered so while moved. */
    private final AtomicLong movedCalls = new AtomicLong();
    /** Requests that came with a Cookie header (every answer sets one, as a load balancer's sticky session does). */
    private final AtomicLong requestsWithCookies = new AtomicLong();

    /** Bytes of an answer the server managed to write before the client went away, the most per name. */
    private final Map<String, AtomicLong> mostBytesWritten = new ConcurrentHashMap<>();

    public MisbehavingOpenProspect() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        server.setExecutor(threads);
        server.createContext("/", this::handle);
        server.start();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Status reads in progress for {@code name}; for {@code elsewhere}, the requests that followed the redirect. */
    public long inProgress(String name) {
        return inProgress.computeIfAbsent(name, n -> new AtomicLong()).get();
    }

    public long starts(String name) {
        return starts.computeIfAbsent(name, n -> new AtomicLong()).get();
    }

    public long reads(String name) {
        return reads.computeIfAbsent(name, n -> new AtomicLong()).get();
    }

    public Set<String> userAgents() {
        return userAgents;
    }

    public void moved(boolean moved) {
        this.moved = moved;
    }

    public long movedCalls() {
        return movedCalls.get();
    }

    public long requestsWithCookies() {
        return requestsWithCookies.get();
    }

    public long mostBytesWritten(String name) {
        return mostBytesWritten.computeIfAbsent(name, n -> new AtomicLong()).get();
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            userAgents.add(String.valueOf(exchange.getRequestHeaders().getFirst("User-Agent")));
            if (exchange.getRequestHeaders().containsKey("Cookie")) {
                requestsWithCookies.incrementAndGet();
            }
            exchange.getResponseHeaders().add("Set-Cookie", "sticky=" + System.nanoTime() + "; Path=/; Max-Age=86400");
            if (path.startsWith("/elsewhere")) {
                inProgress.computeIfAbsent("elsewhere", n -> new AtomicLong()).incrementAndGet();
                json(exchange, 200, succeeded("elsewhere"));
                return;
            }
            if (moved) {
                movedCalls.incrementAndGet();
                // a login and a token in the target are no one's business but the new host's
                exchange.getResponseHeaders()
                        .set(
                                "Location",
                                baseUrl().replace("://", "://user:pw@") + "/elsewhere" + path + "?token=t0k3n");
                page(exchange, 301, "<html><body><h1>301 Moved Permanently</h1></body></html>");
                return;
            }
            if (exchange.getRequestMethod().equals("POST")) {
                JsonNode body =
                        Json.parse(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
                String name = body.get("profile_name").asText();
                starts.computeIfAbsent(name, n -> new AtomicLong()).incrementAndGet();
                String bearer = exchange.getRequestHeaders().getFirst("Authorization");
                switch (name) {
                    case "echo-key-error" ->
                        json(
                                exchange,
                                401,
                                Json.write(Json.object()
                                                .put(
                                                        "detail",
                                                        "Invalid API key: " + bearer.substring("Bearer ".length()))
                                                .put("sent", bearer)
                                                .put("escaped", "ESCAPEDKEY"))
                                        // the key once more, as JSON may spell it: decoded by any parser (audit)
                                        .replace("ESCAPEDKEY", bearer.replace("_", "\\u005f")));
                    case "long-error" -> json(exchange, 422, validationError("x".repeat(20_000)));
                    case "huge-error" -> json(exchange, 422, HUGE_ERROR);
                    // the field named only in the detail list, as FastAPI-style servers answer
                    case "detail-error" ->
                        json(
                                exchange,
                                422,
                                "{\"error_code\": \"validation_error\", \"error_message\": \"Request validation"
                                        + " failed\", \"detail\": [{\"loc\": [\"body\", \"target_countries\"],"
                                        + " \"msg\": \"Input should be a valid list\"}]}");
                    case "html-create" -> page(exchange, 202, "<html><body>Accepted</body></html>");
                    // a creation id with a NUL, which PostgreSQL's text refuses
                    case "nul-id" -> accepted(exchange, "nul\u0000id");
                    // a 402 whose details hold a NUL and run past the store's 500 characters of a pause's cause, its
                    // message
                    // half a surrogate pair
                    case "poor-402" ->
                        json(
                                exchange,
                                402,
                                Json.write(Json.object()
                                        .put("error_code", "credits_insufficient")
                                        .put("error_message", "no credits \ud800")
                                        .put("requiredCredits", "a\u0000b" + "x".repeat(1_000))
                                        .put("remainingCredits", 0)));
                    case "moves-after-this" -> {
                        accepted(exchange, name);
                        moved = true;
                    }
                    case "no-id-once" ->
                        json(
                                exchange,
                                202,
                                Json.write(
                                        starts(name) == 1
                                                ? Json.object().put("status", "PENDING")
                                                : Json.object()
                                                        .put("profile_creation_id", name)
                                                        .put("status", "PENDING")));
                    default -> accepted(exchange, name);
                }
                return;
            }
            String name = path.substring(path.lastIndexOf('/') + 1);
            long read = reads.computeIfAbsent(name, n -> new AtomicLong()).incrementAndGet();
            if (name.equals("gone") || (name.equals("gone-once") && read == 1)) {
                json(
                        exchange,
                        404,
                        Json.write(Json.object()
                                .put("error_code", "not_found")
                                .put("error_message", "no such profile creation")));
                return;
            }
            AtomicLong running = inProgress.computeIfAbsent(name, n -> new AtomicLong());
            running.incrementAndGet();
            try {
                answer(exchange, name);
            } finally {
                running.decrementAndGet();
            }
        }
    }

    private void answer(HttpExchange exchange, String name) throws IOException {
        if (name.equals("echo-key")) {
            json(
                    exchange,
                    200,
                    Json.write(((com.fasterxml.jackson.databind.node.ObjectNode) Json.parse(succeeded(name)))
                                    .put(
                                            "served_for",
                                            exchange.getRequestHeaders().getFirst("Authorization"))
                                    .put("served_for_escaped", "ESCAPEDKEY"))
                            .replace(
                                    "ESCAPEDKEY",
                                    exchange.getRequestHeaders()
                                            .getFirst("Authorization")
                                            .replace("_", "\\u005f")));
            return;
        }
        if (name.startsWith("forged-failure")) {
            json(
                    exchange,
                    200,
                    Json.write(Json.object()
                            .put("profile_creation_id", name)
                            .put("status", "FAILED")
                            .put("error_code", name)
                            .put("error_message", name)));
            return;
        }
        if (name.startsWith("slow-")) {
            pause(60_000);
            json(exchange, 200, succeeded(name));
            return;
        }
        switch (name) {
            case "slow" -> {
                pause(60_000);
                json(exchange, 200, succeeded(name));
            }
            case "trickle" -> stream(exchange, name, 0, 1, 200, 300);
            case "huge" -> stream(exchange, name, 0, 64 * 1024, 0, 1024);
            case "huge-declared" -> stream(exchange, name, 64 * MB, 64 * 1024, 0, 1024);
            case "empty" -> exchange.sendResponseHeaders(200, -1);
            case "many-headers" -> {
                for (int i = 0; i < 1_000; i++) {
                    exchange.getResponseHeaders().set("X-Filler-" + i, "x".repeat(100));
                }
                json(exchange, 200, succeeded(name));
            }
            case "long-header" -> {
                exchange.getResponseHeaders().set("X-Filler", "x".repeat(64 * 1024));
                json(exchange, 200, succeeded(name));
            }
            case "teapot" -> json(exchange, 418, "{\"detail\": \"I'm a teapot\"}");
            case "no-status" -> json(exchange, 200, Json.write(Json.object().put("profile_creation_id", name)));
            case "odd-status" ->
                json(
                        exchange,
                        200,
                        reads(name) <= 3
                                ? Json.write(Json.object()
                                        .put("profile_creation_id", name)
                                        .put("status", "QUEUED"))
                                : succeeded(name));
            case "other-run" -> json(exchange, 200, succeeded("someone-else"));
            case "no-profile-id" -> json(exchange, 200, succeeded(name, null));
            case "empty-profile-id" -> json(exchange, 200, succeeded(name, ""));
            case "html" -> page(exchange, 200, "<html><body>Service temporarily moved</body></html>");
            case "lone-surrogate" ->
                json(
                        exchange,
                        200,
                        Json.write(((com.fasterxml.jackson.databind.node.ObjectNode) Json.parse(succeeded(name)))
                                .put("note", "half \ud800")));
            default -> json(exchange, 200, succeeded(name));
        }
    }

    /** Writes {@code chunks} pieces of {@code chunkBytes} spaces after a "{", one every {@code everyMs}. */
    private void stream(
            HttpExchange exchange, String name, long declaredLength, int chunkBytes, long everyMs, int chunks)
            throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, declaredLength);
        OutputStream out = exchange.getResponseBody();
        byte[] chunk = " ".repeat(chunkBytes).getBytes(StandardCharsets.UTF_8);
        long written = 0;
        try {
            out.write('{');
            out.flush();
            for (int i = 0; i < chunks; i++) {
                out.write(chunk);
                out.flush();
                written += chunk.length;
                mostBytesWritten.computeIfAbsent(name, n -> new AtomicLong()).accumulateAndGet(written, Math::max);
                pause(everyMs);
            }
        } catch (IOException clientWentAway) {
            // the bridge closed the connection: what this server is here to see
        }
    }

    private static String succeeded(String name) {
        return succeeded(name, "p-" + name);
    }

    private static String succeeded(String name, String profileId) {
        return Json.write(Json.object()
                .put("profile_creation_id", name)
                .put("status", "SUCCEEDED")
                .put("profile_id", profileId));
    }

    private static String validationError(String message) {
        return Json.write(Json.object().put("error_code", "validation_error").put("error_message", message));
    }

    /** A creation accepted as the docs say: 202, PENDING, the creation's id. */
    private static void accepted(HttpExchange exchange, String name) throws IOException {
        json(
                exchange,
                202,
                Json.write(Json.object().put("profile_creation_id", name).put("status", "PENDING")));
    }

    private static void page(HttpExchange exchange, int status, String html) throws IOException {
        byte[] page = html.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/html");
        exchange.sendResponseHeaders(status, page.length);
        exchange.getResponseBody().write(page);
    }

    private static void json(HttpExchange exchange, int status, String body) throws IOException {
        json(exchange, status, body.getBytes(StandardCharsets.UTF_8));
    }

    private static void json(HttpExchange exchange, int status, byte[] bytes) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try {
            exchange.getResponseBody().write(bytes);
        } catch (IOException clientWentAway) {
            // the bridge stopped reading (a long error answer): what this server is here to see
        }
    }

    private static void pause(long millis) {
        if (millis <= 0) {
            return;
        }
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
