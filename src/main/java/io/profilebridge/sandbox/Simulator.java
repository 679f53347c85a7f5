package io.profilebridge.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.profilebridge.Json;
import io.profilebridge.sandbox.SimRequest.Reply;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Pattern;

/**
 * Both remote APIs, simulated on one loopback port: OpenProspect under {@code /api/v1/...}, Orbit under
 * {@code /v2/developer/...}, and {@code /_sandbox/...} to read the ledger and change the knobs from another
 * process. The HTTP plumbing (auth, rate limits, injected faults, the ledger) is shared; each API's behaviour
 * lives in its own simulation.
 */
public final class Simulator implements AutoCloseable {

    /** An Orbit profile the simulator knows as fully generated: a request naming it completes at once. */
    public static final String SEEDED_PROFILE_ID = "prof_demo_fully_generated";

    static {
        // answer without Nagle's delay: headers and body go out as separate writes, which a delayed ACK would hold
        // back (must be set before the JDK's HTTP server reads its configuration; figures in docs/benchmarks.md)
        System.setProperty("sun.net.httpserver.nodelay", "true");
        // past its default of 200 idle keep-alive connections the JDK server closes them silently, which a client
        // would see as an answer nobody chose to lose
        System.setProperty("sun.net.httpserver.maxIdleConnections", "2000");
    }

    private static final Pattern OPENPROSPECT_KEY = Pattern.compile("lnc_live_[A-Za-z0-9_]{8,}");
    private static final Pattern ORBIT_KEY = Pattern.compile("sk_orb_[A-Za-z0-9_]{8,}");

    private final HttpServer server;
    private final ExecutorService workers;
    private final SimulatorSettings settings;
    private final Ledger ledger = new Ledger();
    private final Chance chance;
    private final RetryAfterWriter retryAfter;
    private final OpenProspectSimulation openProspect;
    private final OrbitSimulation orbit;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    private Simulator(SimulatorSettings settings) throws IOException {
        this.settings = settings;
        this.chance = new Chance(settings.seed());
        this.retryAfter = new RetryAfterWriter(settings);
        this.openProspect = new OpenProspectSimulation(settings, ledger, chance, retryAfter);
        this.orbit = new OrbitSimulation(settings, ledger, chance, retryAfter);
        // 127.0.0.1 as its URL says, whichever loopback the JVM prefers (ipv6 audit: with
        // java.net.preferIPv6Addresses it listened on ::1 only and the demo's calls to 127.0.0.1 were refused)
        this.server = HttpServer.create(
                new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), settings.port()), 512);
        this.workers = Executors.newFixedThreadPool(64, runnable -> {
            Thread thread = new Thread(runnable, "simulator");
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(workers);
        server.createContext("/", this::handle);
    }

    public static Simulator start(SimulatorSettings settings) {
        try {
            Simulator simulator = new Simulator(settings);
            simulator.server.start();
            return simulator;
        } catch (IOException e) {
            throw new IllegalStateException(
                    "the simulator cannot listen on 127.0.0.1:" + settings.port() + ": " + e.getMessage(), e);
        }
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port();
    }

    public Ledger ledger() {
        return ledger;
    }

    public SimulatorSettings settings() {
        return settings;
    }

    /** Sets Orbit's credit balance (the knob only gives the balance at start and reset). */
    public void orbitCredits(long balance) {
        orbit.balance(balance);
    }

    /** Forgets every resource and the ledger, and reseeds the randomness. */
    public void reset() {
        ledger.reset();
        openProspect.reset();
        orbit.reset();
        buckets.clear();
        chance.reseed(settings.seed());
    }

    @Override
    public void close() {
        server.stop(0);
        workers.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            try {
                route(exchange);
            } catch (RuntimeException e) {
                // answered while the exchange is open: a catch outside the try-with-resources sent nothing, and a
                // simulator fault looked like a lost answer to the bridge (API-docs audit)
                send(exchange, Reply.of(500, Json.object().put("error", "simulator failure: " + e.getMessage())));
            }
        }
    }

    private void route(HttpExchange exchange) throws IOException {
        // the raw path, exactly as the client sent it: ids in it are decoded per segment, never as a whole
        String path = exchange.getRequestURI().getRawPath();
        String body = read(exchange.getRequestBody());
        if (path.startsWith("/_sandbox/")) {
            send(exchange, admin(exchange.getRequestMethod(), path, body));
        } else if (path.startsWith("/api/v1/")) {
            serve(exchange, "openprospect", path, body);
        } else if (path.startsWith("/v2/developer/")) {
            serve(exchange, "orbit", path, body);
        } else {
            send(exchange, Reply.of(404, Json.object().put("error", "no such API: " + path)));
        }
    }

    private void serve(HttpExchange exchange, String api, String path, String body) throws IOException {
        long now = System.currentTimeMillis();
        boolean orbitApi = api.equals("orbit");
        String header = exchange.getRequestHeaders().getFirst("Idempotency-Key");
        SimRequest request = SimRequest.of(exchange.getRequestMethod(), path, header, bearer(exchange), body);
        JsonNode json = request.json();
        String traceparent = exchange.getRequestHeaders().getFirst("traceparent");
        String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
        String baggage = exchange.getRequestHeaders().getFirst("baggage");
        // the subject a Retry-After is about: the idempotency key of a start, the resource of a read
        String subject = request.method().equals("POST")
                ? (orbitApi
                        ? (json != null && json.hasNonNull("requestId")
                                ? json.get("requestId").asText()
                                : null)
                        : header)
                : request.lastSegment();
        ledger.arrived(subject, now);
        String bucket = bucketOf(api, request.method());
        ledger.arrivedInBucket(bucket, now);

        Reply reply = authorize(api, request.apiKey(), request.method());
        String fault = null;
        if (reply == null) {
            reply = rateLimit(api, request, subject, now);
        }
        if (reply == null && chance.below(settings.serverErrorShare())) {
            fault = "server_error";
            reply = retryLater(
                    orbitApi
                            ? OrbitSimulation.error(
                                    503,
                                    "developer_deep_search_unavailable",
                                    "Deep Search is currently unavailable. Retry later.")
                            : OpenProspectSimulation.error(
                                    503, "service_unavailable", "The service is temporarily unavailable"),
                    subject,
                    now);
        }
        if (reply == null && chance.below(settings.rateLimitedShare())) {
            fault = "rate_limited";
            reply = retryLater(
                    orbitApi
                            ? OrbitSimulation.error(
                                    429, "developer_api_key_rate_limited", "The API key exceeded the rate limit")
                            : OpenProspectSimulation.error(429, "rate_limited", "Too many requests"),
                    subject,
                    now);
        }
        if (settings.addedLatencyMs() > 0) {
            sleep(settings.addedLatencyMs());
        }
        boolean lost = false;
        if (reply == null) {
            reply = orbitApi ? orbit.handle(request, now) : openProspect.handle(request, now);
            lost = reply.lost() || chance.below(settings.lostAnswerShare());
        }
        ledger.request(new Ledger.Request(
                now,
                api,
                request.method(),
                path,
                subject,
                body,
                lost ? -1 : reply.status(),
                lost ? "lost_answer" : fault,
                traceparent,
                baggage,
                contentType));
        if (lost) {
            // the work is done, but the caller never hears of it: the connection closes without an answer
            return;
        }
        send(exchange, reply);
        // told once the answer went, not when it is decided: an answer lost on the way told the caller nothing, and
        // its retry was counted as early (retry-after audit: every early request counted was such a retry). The
        // caller's wait and its bucket's window are dated alike, so a caller's death tells both apart the same way
        // (chaos benchmark: one answer whose send a kill fell into counted an early retry and no window)
        long sentAt = System.currentTimeMillis();
        retryAfterUntil(reply, now).ifPresent(until -> ledger.retryAfterGiven(subject, now, sentAt, until));
        openWindow(api, bucket, reply, now, sentAt);
    }

    /** The buckets of each API key: Orbit starts and reads (as Orbit documents), and OpenProspect's one. */
    private static String bucketOf(String api, String method) {
        if (api.equals("openprospect")) {
            return "openprospect";
        }
        return method.equals("POST") ? "orbit-starts" : "orbit-reads";
    }

    /** A 429 tells the bucket's callers to wait, a 503 with Retry-After every caller of the API: from now on. */
    private void openWindow(String api, String bucket, Reply reply, long receivedAt, long sentAt) {
        OptionalLong retryAfter = retryAfterUntil(reply, receivedAt);
        if (retryAfter.isEmpty() || (reply.status() != 429 && reply.status() != 503)) {
            return;
        }
        long until = retryAfter.getAsLong();
        List<String> buckets = reply.status() == 429
                ? List.of(bucket)
                : api.equals("orbit") ? List.of("orbit-starts", "orbit-reads") : List.of("openprospect");
        ledger.bucketWindow(buckets, receivedAt, sentAt, until);
    }

    /** Until when the answer's Retry-After tells its caller to wait (seconds from its arrival, or an HTTP-date). */
    private static OptionalLong retryAfterUntil(Reply reply, long receivedAt) {
        String retryAfter = reply.headers().get("Retry-After");
        if (retryAfter == null) {
            return OptionalLong.empty();
        }
        try {
            long seconds = Long.parseLong(retryAfter.trim());
            return OptionalLong.of(
                    seconds >= (Long.MAX_VALUE - receivedAt) / 1000 ? Long.MAX_VALUE : receivedAt + seconds * 1000);
        } catch (NumberFormatException notSeconds) {
            try {
                return OptionalLong.of(ZonedDateTime.parse(retryAfter.trim(), DateTimeFormatter.RFC_1123_DATE_TIME)
                        .toInstant()
                        .toEpochMilli());
            } catch (DateTimeParseException notADate) {
                return OptionalLong.empty();
            }
        }
    }

    private Reply authorize(String api, String key, String method) {
        boolean orbitApi = api.equals("orbit");
        Pattern shape = orbitApi ? ORBIT_KEY : OPENPROSPECT_KEY;
        var allowed = orbitApi ? settings.orbitKeys() : settings.openProspectKeys();
        boolean valid = key != null
                && shape.matcher(key).matches()
                && (allowed.isEmpty() || allowed.contains(key))
                && !settings.revokedKeys().contains(key);
        // (a concurrent set refuses to be asked about null: only a valid key is looked up)
        boolean scopeMissing = valid
                && (settings.scopelessKeys().contains(key)
                        || !orbitApi
                                && "POST".equals(method)
                                && settings.writeScopelessKeys().contains(key)
                        || !orbitApi
                                && "GET".equals(method)
                                && settings.readScopelessKeys().contains(key));
        if (scopeMissing) {
            // OpenProspect documents the 403 (missing orders:write or orders:read); Orbit asks for search:read, and its
            // code for a key without it is invented
            return orbitApi
                    ? OrbitSimulation.error(
                            403, "developer_api_key_scope_missing", "The API key lacks the search:read scope")
                    : OpenProspectSimulation.error(403, "forbidden", "Missing orders:write or orders:read scope");
        }
        if (valid) {
            return null;
        }
        return orbitApi
                ? OrbitSimulation.error(401, "developer_api_key_invalid", "Missing or invalid API key")
                : OpenProspectSimulation.error(
                        401, "unauthorized", "Missing or invalid API key; send Authorization: Bearer lnc_live_...");
    }

    /**
     * The buckets per API key: Orbit's Deep Search starts (5/s, burst 25) and reads (status polls, profiles; the
     * numbers are invented), and OpenProspect's one bucket when openprospect.rate is set (invented; none by default).
     */
    private Reply rateLimit(String api, SimRequest request, String subject, long now) {
        boolean orbitApi = api.equals("orbit");
        if (!orbitApi && settings.openProspectRate() <= 0) {
            return null;
        }
        boolean start = request.method().equals("POST");
        String name = orbitApi
                ? (start ? "orbit:start:" : "orbit:read:") + request.apiKey()
                : "openprospect:" + request.apiKey();
        Bucket bucket = buckets.computeIfAbsent(
                name,
                n -> !orbitApi
                        ? bucket(settings.openProspectRate(), settings.openProspectBurst())
                        : start
                                ? bucket(settings.orbitStartRate(), settings.orbitStartBurst())
                                : bucket(settings.orbitPollRate(), settings.orbitPollBurst()));
        ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
        if (probe.isConsumed()) {
            return null;
        }
        long seconds = Math.max(1, (probe.getNanosToWaitForRefill() + 999_999_999L) / 1_000_000_000L);
        Reply limited = orbitApi
                ? OrbitSimulation.error(
                        429, "developer_api_key_rate_limited", "The API key exceeded the search rate limit")
                : OpenProspectSimulation.error(429, "rate_limited", "Too many requests");
        return retryAfter.add(limited, seconds, now);
    }

    private static Bucket bucket(double perSecond, int burst) {
        return Bucket.builder()
                .addLimit(Bandwidth.builder()
                        .capacity(burst)
                        .refillGreedy(1, Duration.ofNanos(Math.round(1_000_000_000d / perSecond)))
                        .initialTokens(burst)
                        .build())
                .build();
    }

    private Reply retryLater(Reply reply, String subject, long now) {
        return retryAfter.add(reply, settings.retryAfterSeconds(), now);
    }

    private Reply admin(String method, String path, String body) {
        switch (method + " " + path) {
            case "GET /_sandbox/ledger":
                return Reply.of(200, ledger.toJson());
            case "GET /_sandbox/settings":
                return Reply.of(200, settings.toJson());
            case "POST /_sandbox/settings":
                JsonNode changes = SimRequest.parse(body);
                if (changes == null || !changes.isObject()) {
                    return Reply.of(400, Json.object().put("error", "send a JSON object of knobs"));
                }
                // the server listens where it started (re-check audit: a new port was taken, shown, and not used);
                // the GET's own port, posted back, changes nothing
                if (changes.has("port")
                        && !changes.get("port").asText().strip().equals(String.valueOf(settings.port()))) {
                    return Reply.of(
                            400,
                            Json.object()
                                    .put(
                                            "error",
                                            "simulator knob port is set at start only (simulate"
                                                    + " --port, sandbox.port): this simulator listens on "
                                                    + settings.port()));
                }
                try {
                    settings.apply(changes);
                } catch (IllegalArgumentException e) {
                    return Reply.of(400, Json.object().put("error", e.getMessage()));
                }
                if (changes.has("orbit.credits")) {
                    // credits bought while requests are held: the balance changes now, not only at the next reset
                    orbit.balance(settings.orbitCredits());
                }
                buckets.clear();
                return Reply.of(200, settings.toJson());
            case "POST /_sandbox/reset":
                reset();
                return Reply.of(200, Json.object().put("reset", true));
            case "POST /_sandbox/caller-died":
                JsonNode death = SimRequest.parse(body);
                if (death == null || !death.path("at").canConvertToLong()) {
                    return Reply.of(400, Json.object().put("error", "send {\"at\": epoch milliseconds of the kill}"));
                }
                ledger.callerDied(death.get("at").asLong());
                return Reply.of(
                        200, Json.object().put("callerDiedAt", death.get("at").asLong()));
            default:
                return Reply.of(
                        404,
                        Json.object()
                                .put(
                                        "error",
                                        "admin endpoints: GET /_sandbox/ledger, "
                                                + "GET|POST /_sandbox/settings, POST /_sandbox/reset,"
                                                + " POST /_sandbox/caller-died"));
        }
    }

    private static String bearer(HttpExchange exchange) {
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        // the scheme's name is case-insensitive (RFC 9110 11.1)
        return authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                ? authorization.substring(7).trim()
                : null;
    }

    private static String read(InputStream in) throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }

    private static void send(HttpExchange exchange, Reply reply) throws IOException {
        byte[] bytes = Json.write(reply.body()).getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        reply.headers().forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
        exchange.sendResponseHeaders(reply.status(), bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
