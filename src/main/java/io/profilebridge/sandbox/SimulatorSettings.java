package io.profilebridge.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.profilebridge.Json;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The simulators' knobs. Faults are off by default; every knob can be changed while the simulator runs
 * (tests do, and so does {@code POST /_sandbox/settings}). Numbers the API docs give are the defaults (Orbit starts
 * 5/s, burst 25; 10 credits a run); numbers they do not give are invented and say so below.
 */
public final class SimulatorSettings {

    private volatile int port;
    private volatile long jobDurationMs;
    private volatile long jobDurationMaxMs;
    private volatile double failedShare;
    private volatile double serverErrorShare;
    private volatile double rateLimitedShare;
    private volatile double lostAnswerShare;
    private volatile long addedLatencyMs;
    private volatile long retryAfterSeconds = 1;
    /** How Retry-After is written on 429, 502 and 503 answers. */
    private volatile RetryAfterFormat retryAfterFormat = RetryAfterFormat.SECONDS;
    /** Retry-After on status answers of unfinished runs, in seconds; 0 = none. */
    private volatile long statusRetryAfterSeconds;

    private volatile double orbitStartRate = 5;
    private volatile int orbitStartBurst = 25;
    // invented: the docs put status polls in "a separate bucket documented on Deep Search status", a page we lack
    private volatile double orbitPollRate = 50;
    private volatile int orbitPollBurst = 100;
    /** Every Deep Search call answers 503 developer_deep_search_not_configured. */
    private volatile boolean orbitNotConfigured;
    // invented: OpenProspect documents no rate limit; 0 = none (the default)
    private volatile double openProspectRate;
    private volatile int openProspectBurst = 10;
    private volatile long orbitCredits = 1_000_000;
    private volatile int orbitRunCost = 10;
    private volatile long seed = 42;
    private final Set<String> openProspectKeys = ConcurrentHashMap.newKeySet();
    private final Set<String> orbitKeys = ConcurrentHashMap.newKeySet();
    private final Set<String> revokedKeys = ConcurrentHashMap.newKeySet();
    /** Keys that authenticate but lack the scope the endpoint needs (orders:write / orders:read, search:read): 403. */
    private final Set<String> scopelessKeys = ConcurrentHashMap.newKeySet();
    /** OpenProspect keys with orders:read but not orders:write: 403 on a creation, status reads answered. */
    private final Set<String> writeScopelessKeys = ConcurrentHashMap.newKeySet();
    /** OpenProspect keys with orders:write but not orders:read: 403 on a status read, creations answered. */
    private final Set<String> readScopelessKeys = ConcurrentHashMap.newKeySet();

    public static SimulatorSettings fromProperties(Function<String, String> lookup) {
        SimulatorSettings s = new SimulatorSettings();
        for (String knob : KNOBS) {
            String value = lookup.apply("sandbox." + knob);
            if (value != null && !value.isBlank()) {
                try {
                    s.set(knob, value.trim());
                } catch (IllegalArgumentException e) {
                    // named by its property, as any other refused value (re-check audit: neither key nor variable)
                    throw new IllegalArgumentException("property sandbox." + knob + ": " + e.getMessage(), e);
                }
            }
        }
        return s;
    }

    /** Knob names as properties ({@code sandbox.<name>}), command options ({@code --<name>}) and JSON fields. */
    static final String[] KNOBS = {
        "port",
        "job-duration-ms",
        "job-duration-max-ms",
        "failed-share",
        "server-error-share",
        "rate-limited-share",
        "lost-answer-share",
        "added-latency-ms",
        "retry-after-seconds",
        "retry-after-format",
        "status-retry-after-seconds",
        "orbit.start-rate",
        "orbit.start-burst",
        "orbit.poll-rate",
        "orbit.poll-burst",
        "orbit.credits",
        "orbit.run-cost",
        "orbit.not-configured",
        "openprospect.rate",
        "openprospect.burst",
        "seed",
        "openprospect.api-keys",
        "orbit.api-keys",
        "revoked-keys",
        "scopeless-keys",
        "write-scopeless-keys",
        "read-scopeless-keys"
    };

    /** Applies knobs given by name; unknown names and malformed values are refused with a clear message. */
    public SimulatorSettings apply(JsonNode values) {
        // all or none: each is checked on a scratch copy first (re-check audit: a refused POST had applied the knobs
        // before the one it refused)
        SimulatorSettings scratch = new SimulatorSettings();
        values.fields()
                .forEachRemaining(
                        entry -> scratch.set(entry.getKey(), entry.getValue().asText()));
        values.fields()
                .forEachRemaining(entry -> set(entry.getKey(), entry.getValue().asText()));
        return this;
    }

    void set(String knob, String value) {
        try {
            switch (knob) {
                case "port" -> port = port(value);
                case "job-duration-ms" -> jobDurationMs = atLeast(knob, Long.parseLong(value), 0);
                case "job-duration-max-ms" -> jobDurationMaxMs = atLeast(knob, Long.parseLong(value), 0);
                case "failed-share" -> failedShare = share(knob, value);
                case "server-error-share" -> serverErrorShare = share(knob, value);
                case "rate-limited-share" -> rateLimitedShare = share(knob, value);
                case "lost-answer-share" -> lostAnswerShare = share(knob, value);
                case "added-latency-ms" -> addedLatencyMs = atLeast(knob, Long.parseLong(value), 0);
                case "retry-after-seconds" -> retryAfterSeconds = atLeast(knob, Long.parseLong(value), 0);
                case "retry-after-format" -> retryAfterFormat = RetryAfterFormat.of(value);
                case "status-retry-after-seconds" -> statusRetryAfterSeconds = atLeast(knob, Long.parseLong(value), 0);
                case "orbit.start-rate" -> orbitStartRate = rate(knob, value);
                case "orbit.start-burst" -> orbitStartBurst = (int) atLeast(knob, Integer.parseInt(value), 1);
                case "orbit.poll-rate" -> orbitPollRate = rate(knob, value);
                case "orbit.poll-burst" -> orbitPollBurst = (int) atLeast(knob, Integer.parseInt(value), 1);
                case "orbit.credits" -> orbitCredits = atLeast(knob, Long.parseLong(value), 0);
                case "orbit.run-cost" -> orbitRunCost = (int) atLeast(knob, Integer.parseInt(value), 0);
                case "orbit.not-configured" -> orbitNotConfigured = flag(knob, value);
                // 0, the default, is no limit: the docs give OpenProspect none (re-check audit: 0 was refused)
                case "openprospect.rate" -> openProspectRate = Double.parseDouble(value) == 0 ? 0 : rate(knob, value);
                case "openprospect.burst" -> openProspectBurst = (int) atLeast(knob, Integer.parseInt(value), 1);
                case "seed" -> seed = Long.parseLong(value);
                case "openprospect.api-keys" -> replace(openProspectKeys, value);
                case "orbit.api-keys" -> replace(orbitKeys, value);
                case "revoked-keys" -> replace(revokedKeys, value);
                case "scopeless-keys" -> replace(scopelessKeys, value);
                case "write-scopeless-keys" -> replace(writeScopelessKeys, value);
                case "read-scopeless-keys" -> replace(readScopelessKeys, value);
                default ->
                    throw new IllegalArgumentException(
                            "unknown simulator knob \"" + knob + "\"; known: " + String.join(", ", KNOBS));
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("simulator knob " + knob + ": \"" + value + "\" is not a number");
        }
    }

    /**
     * A whole number no less than {@code min}: a negative duration, latency or credit count, or a burst under one, was
     * taken and made every call to that API fail with a 500 (CLI audit).
     */
    private static long atLeast(String knob, long number, long min) {
        if (number < min) {
            throw new IllegalArgumentException(
                    "simulator knob " + knob + " must be a whole number of at least " + min + ", not " + number);
        }
        return number;
    }

    /** Calls per second: a finite number above 0 (NaN or -1 made every call a 500, CLI audit). */
    private static double rate(String knob, String value) {
        double rate = Double.parseDouble(value);
        if (!(rate > 0) || Double.isInfinite(rate)) {
            throw new IllegalArgumentException(
                    "simulator knob " + knob + " must be a number of calls per second above 0, not " + value);
        }
        return rate;
    }

    /** A TCP port, 0 for any free one: refused here as a usage error, not later as the server's "out of range". */
    private static int port(String value) {
        int port = Integer.parseInt(value);
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("simulator knob port is a TCP port, 0 to 65535, not " + value);
        }
        return port;
    }

    /** A share of the calls, 0 to 1 (re-check audit: NaN was taken, and the refusal named no knob). */
    private static double share(String knob, String value) {
        double share = Double.parseDouble(value);
        if (!(share >= 0 && share <= 1)) {
            throw new IllegalArgumentException("simulator knob " + knob + " is a share between 0 and 1, not " + value);
        }
        return share;
    }

    private static boolean flag(String knob, String value) {
        if (!value.trim().equalsIgnoreCase("true") && !value.trim().equalsIgnoreCase("false")) {
            throw new IllegalArgumentException("simulator knob " + knob + " is true or false, not \"" + value + "\"");
        }
        return Boolean.parseBoolean(value.trim());
    }

    private static void replace(Set<String> set, String commaList) {
        set.clear();
        set.addAll(Arrays.stream(commaList.split(","))
                .map(String::trim)
                .filter(v -> !v.isEmpty())
                .collect(Collectors.toSet()));
    }

    public ObjectNode toJson() {
        ObjectNode node = Json.object();
        node.put("port", port)
                .put("job-duration-ms", jobDurationMs)
                .put("job-duration-max-ms", jobDurationMaxMs)
                .put("failed-share", failedShare)
                .put("server-error-share", serverErrorShare)
                .put("rate-limited-share", rateLimitedShare)
                .put("lost-answer-share", lostAnswerShare)
                .put("added-latency-ms", addedLatencyMs)
                .put("retry-after-seconds", retryAfterSeconds)
                .put("retry-after-format", retryAfterFormat.knobValue())
                .put("status-retry-after-seconds", statusRetryAfterSeconds)
                .put("orbit.start-rate", orbitStartRate)
                .put("orbit.start-burst", orbitStartBurst)
                .put("orbit.poll-rate", orbitPollRate)
                .put("orbit.poll-burst", orbitPollBurst)
                .put("orbit.credits", orbitCredits)
                .put("orbit.run-cost", orbitRunCost)
                .put("orbit.not-configured", orbitNotConfigured)
                .put("openprospect.rate", openProspectRate)
                .put("openprospect.burst", openProspectBurst)
                .put("seed", seed)
                .put("openprospect.api-keys", openProspectKeys.size() + " configured")
                .put("orbit.api-keys", orbitKeys.size() + " configured")
                .put("revoked-keys", revokedKeys.size() + " revoked")
                .put("scopeless-keys", scopelessKeys.size() + " without scope")
                .put("write-scopeless-keys", writeScopelessKeys.size() + " without orders:write")
                .put("read-scopeless-keys", readScopelessKeys.size() + " without orders:read");
        return node;
    }

    public int port() {
        return port;
    }

    public long jobDurationMs() {
        return jobDurationMs;
    }
    /** When above job-duration-ms: each run takes a random time between the two (seeded). */
    public long jobDurationMaxMs() {
        return jobDurationMaxMs;
    }

    public double failedShare() {
        return failedShare;
    }

    public double serverErrorShare() {
        return serverErrorShare;
    }

    public double rateLimitedShare() {
        return rateLimitedShare;
    }

    public double lostAnswerShare() {
        return lostAnswerShare;
    }

    public long addedLatencyMs() {
        return addedLatencyMs;
    }

    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    public RetryAfterFormat retryAfterFormat() {
        return retryAfterFormat;
    }

    public long statusRetryAfterSeconds() {
        return statusRetryAfterSeconds;
    }

    public double orbitStartRate() {
        return orbitStartRate;
    }

    public int orbitStartBurst() {
        return orbitStartBurst;
    }

    public double orbitPollRate() {
        return orbitPollRate;
    }

    public int orbitPollBurst() {
        return orbitPollBurst;
    }

    public long orbitCredits() {
        return orbitCredits;
    }

    public int orbitRunCost() {
        return orbitRunCost;
    }

    public boolean orbitNotConfigured() {
        return orbitNotConfigured;
    }

    public double openProspectRate() {
        return openProspectRate;
    }

    public int openProspectBurst() {
        return openProspectBurst;
    }

    public long seed() {
        return seed;
    }

    public Set<String> openProspectKeys() {
        return openProspectKeys;
    }

    public Set<String> orbitKeys() {
        return orbitKeys;
    }

    public Set<String> revokedKeys() {
        return revokedKeys;
    }

    public Set<String> scopelessKeys() {
        return scopelessKeys;
    }

    public Set<String> writeScopelessKeys() {
        return writeScopelessKeys;
    }

    public Set<String> readScopelessKeys() {
        return readScopelessKeys;
    }

    public SimulatorSettings port(int value) {
        port = value;
        return this;
    }

    public SimulatorSettings jobDurationMs(long value) {
        jobDurationMs = value;
        return this;
    }

    public SimulatorSettings jobDurationMaxMs(long value) {
        jobDurationMaxMs = value;
        return this;
    }

    public SimulatorSettings openProspectRate(double value) {
        openProspectRate = value;
        return this;
    }

    public SimulatorSettings openProspectBurst(int value) {
        openProspectBurst = value;
        return this;
    }

    public SimulatorSettings failedShare(double value) {
        failedShare = value;
        return this;
    }

    public SimulatorSettings serverErrorShare(double value) {
        serverErrorShare = value;
        return this;
    }

    public SimulatorSettings rateLimitedShare(double value) {
        rateLimitedShare = value;
        return this;
    }

    public SimulatorSettings lostAnswerShare(double value) {
        lostAnswerShare = value;
        return this;
    }

    public SimulatorSettings addedLatencyMs(long value) {
        addedLatencyMs = value;
        return this;
    }

    public SimulatorSettings retryAfterSeconds(long value) {
        retryAfterSeconds = value;
        return this;
    }

    public SimulatorSettings retryAfterFormat(RetryAfterFormat value) {
        retryAfterFormat = value;
        return this;
    }

    public SimulatorSettings statusRetryAfterSeconds(long value) {
        statusRetryAfterSeconds = value;
        return this;
    }

    public SimulatorSettings orbitNotConfigured(boolean value) {
        orbitNotConfigured = value;
        return this;
    }

    public SimulatorSettings orbitStartRate(double value) {
        orbitStartRate = value;
        return this;
    }

    public SimulatorSettings orbitStartBurst(int value) {
        orbitStartBurst = value;
        return this;
    }

    public SimulatorSettings orbitCredits(long value) {
        orbitCredits = value;
        return this;
    }

    public SimulatorSettings orbitRunCost(int value) {
        orbitRunCost = value;
        return this;
    }
}
