package io.profilebridge.sandbox;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.profilebridge.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the simulators saw and did: every request received and every remote run created, with key and body.
 * It lets a test prove "one remote run per logical request", "no request before Retry-After" (for the same key or
 * resource, and for the whole bucket of the API key: a 429 pauses its bucket, a 503 with Retry-After the API), the
 * status reads a run cost, and the achieved Orbit start rate.
 */
public final class Ledger {

    /**
     * One request as received; {@code status} is what was answered, -1 when the answer was lost on purpose.
     * {@code traceparent} and {@code baggage} are its W3C trace headers, null when absent.
     */
    public record Request(
            long at,
            String api,
            String method,
            String path,
            String key,
            String body,
            int status,
            String fault,
            String traceparent,
            String baggage,
            String contentType) {}

    /** One remote run (an OpenProspect creation or an Orbit Deep Search run) that the simulator started. */
    public record Run(
            long at, String api, String key, String resourceId, String body, int creditsCharged, long durationMs) {}

    /**
     * A wait the simulator told a caller of: asked at {@code askedAt}, answered at {@code from}, to last until
     * {@code until}. An answer that went out after its caller died told no one ({@link #callerDied}).
     */
    private record Window(long askedAt, long from, long until) {
        boolean holds(long now) {
            return now >= from && now < until;
        }
    }

    /** How long a window is kept after it ended: far longer than any call takes to arrive. */
    private static final long ENDED_WINDOWS_KEPT_MS = 600_000;

    /** How many of the newest requests {@link #toJson()} lists. */
    private static final int RECENT_REQUESTS = 100;

    private final ConcurrentLinkedQueue<Request> requests = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Run> runs = new ConcurrentLinkedQueue<>();
    private final Map<String, Window> notBefore = new ConcurrentHashMap<>();
    private final AtomicLong beforeRetryAfter = new AtomicLong();
    private final Map<String, ConcurrentLinkedQueue<Window>> bucketWindows = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<Long> callerDeaths = new ConcurrentLinkedQueue<>();
    private final Map<String, ConcurrentLinkedQueue<Long>> insideBucketWindows = new ConcurrentHashMap<>();
    private final AtomicLong arrivals = new AtomicLong();

    void request(Request request) {
        requests.add(request);
    }

    void run(Run run) {
        runs.add(run);
    }

    /**
     * The simulator told the caller of {@code subject} (a key or resource), who asked at {@code askedAt}, to wait until
     * {@code until}, in an answer that went at {@code sentAt}.
     */
    void retryAfterGiven(String subject, long askedAt, long sentAt, long until) {
        if (subject != null) {
            notBefore.put(subject, new Window(askedAt, sentAt, until));
        }
    }

    /**
     * The caller was killed at {@code at} (a benchmark's SIGKILL): the answers that went out after it to requests it
     * had sent before told nobody, so a restarted caller cannot honour them. Chaos benchmark: a window opened 11 ms
     * after a kill, for the dead process's last call, was counted against the next run.
     */
    public void callerDied(long at) {
        callerDeaths.add(at);
    }

    /** Whether the window's answer can have reached a live caller. */
    private boolean told(Window window) {
        return callerDeaths.stream().noneMatch(death -> window.askedAt() < death && death <= window.from());
    }

    /** Counts a request for {@code subject} that arrives before the Retry-After the simulator gave for it. */
    void arrived(String subject, long now) {
        if (subject == null) {
            return;
        }
        Window wait = notBefore.get(subject);
        if (wait != null) {
            if (now < wait.until()) {
                if (told(wait)) {
                    beforeRetryAfter.incrementAndGet();
                }
            } else {
                notBefore.remove(subject, wait);
            }
        }
    }

    /**
     * The simulator answered a 429 (for its bucket) or a 503 with Retry-After (for every bucket of the API) to a call
     * that arrived at {@code askedAt}, and the answer left at {@code sentAt}: until {@code until}, any call to those
     * buckets is one too early.
     */
    void bucketWindow(List<String> buckets, long askedAt, long sentAt, long until) {
        Window window = new Window(askedAt, sentAt, until);
        for (String bucket : buckets) {
            Queue<Window> windows = bucketWindows.computeIfAbsent(bucket, b -> new ConcurrentLinkedQueue<>());
            windows.removeIf(old -> old.until() < sentAt - ENDED_WINDOWS_KEPT_MS);
            windows.add(window);
        }
    }

    /**
     * Counts a request to {@code bucket} that arrives inside a window the simulator opened for that bucket, with how
     * long after the earliest such window opened.
     */
    void arrivedInBucket(String bucket, long now) {
        arrivals.incrementAndGet();
        Queue<Window> windows = bucketWindows.getOrDefault(bucket, EMPTY);
        windows.stream()
                .filter(window -> window.holds(now) && told(window))
                .mapToLong(Window::from)
                .min()
                .ifPresent(from -> insideBucketWindows
                        .computeIfAbsent(bucket, b -> new ConcurrentLinkedQueue<>())
                        .add(now - from));
    }

    private static final ConcurrentLinkedQueue<Window> EMPTY = new ConcurrentLinkedQueue<>();

    /** API requests that arrived, answered or not yet (a request is listed in {@link #requests()} once answered). */
    public long arrivals() {
        return arrivals.get();
    }

    /** Requests that reached a bucket (openprospect, orbit-starts, orbit-reads) while it was told to wait. */
    public long requestsInsideBucketWindows() {
        return insideBucketWindows.values().stream()
                .mapToLong(ConcurrentLinkedQueue::size)
                .sum();
    }

    /**
     * How long after its window opened each request inside one arrived, per bucket: a few milliseconds is a call
     * that was already on its way when the answer that opened the window went out.
     */
    public Map<String, List<Long>> insideBucketWindowDelaysMs() {
        Map<String, List<Long>> delays = new TreeMap<>();
        insideBucketWindows.forEach(
                (bucket, found) -> delays.put(bucket, found.stream().sorted().toList()));
        return delays;
    }

    /** Status reads of one API (GETs of a run's status, not profile reads). */
    public long statusReads(String api) {
        return requests.stream()
                .filter(r -> r.api().equals(api) && isStatusRead(r))
                .count();
    }

    private static boolean isStatusRead(Request request) {
        String prefix =
                request.api().equals("orbit") ? "/v2/developer/deep-search/" : "/api/v1/search-profile-creations/";
        return request.method().equals("GET") && request.path().startsWith(prefix);
    }

    public List<Request> requests() {
        return new ArrayList<>(requests);
    }

    public List<Run> runs() {
        return new ArrayList<>(runs);
    }

    public long runsStarted(String api) {
        return runs.stream().filter(r -> r.api().equals(api)).count();
    }

    /** Runs per idempotency key: every value is 1 when no logical request started twice. */
    public Map<String, Long> runsPerKey(String api) {
        Map<String, Long> perKey = new TreeMap<>();
        runs.stream().filter(r -> r.api().equals(api)).forEach(r -> perKey.merge(r.key(), 1L, Long::sum));
        return perKey;
    }

    public long rateLimited429s(String api) {
        return requests.stream()
                .filter(r -> r.api().equals(api) && r.status() == 429)
                .count();
    }

    /** 429s from the API key's rate limit itself, not the injected ones of the rate-limited-share knob. */
    public long rateLimitExceeded(String api) {
        return requests.stream()
                .filter(r -> r.api().equals(api) && r.status() == 429 && r.fault() == null)
                .count();
    }

    public long requestsBeforeRetryAfter() {
        return beforeRetryAfter.get();
    }

    /** When each Orbit run was started, in order, for measuring the achieved start rate. */
    public List<Long> orbitStartTimes() {
        return runs.stream()
                .filter(r -> r.api().equals("orbit"))
                .map(Run::at)
                .sorted()
                .toList();
    }

    public void reset() {
        requests.clear();
        runs.clear();
        notBefore.clear();
        beforeRetryAfter.set(0);
        bucketWindows.clear();
        insideBucketWindows.clear();
        callerDeaths.clear();
        arrivals.set(0);
    }

    public ObjectNode toJson() {
        ObjectNode node = Json.object();
        node.put("requests", requests.size());
        node.put("requestsBeforeRetryAfter", beforeRetryAfter.get());
        node.put("requestsInsideBucketWindows", requestsInsideBucketWindows());
        ObjectNode perBucket = node.putObject("insideBucketWindows");
        insideBucketWindowDelaysMs().forEach((bucket, delays) -> {
            ObjectNode entry = perBucket.putObject(bucket);
            entry.put("count", delays.size());
            ArrayNode ms = entry.putArray("msAfterTheWindowOpened");
            delays.forEach(ms::add);
        });
        ObjectNode perApi = node.putObject("apis");
        for (String api : List.of("openprospect", "orbit")) {
            ObjectNode apiNode = perApi.putObject(api);
            apiNode.put(
                    "requests",
                    requests.stream().filter(r -> r.api().equals(api)).count());
            apiNode.put("runsStarted", runsStarted(api));
            apiNode.put("rateLimited429s", rateLimited429s(api));
            apiNode.put("rateLimitExceeded", rateLimitExceeded(api));
            apiNode.put(
                    "lostAnswers",
                    requests.stream()
                            .filter(r -> r.api().equals(api) && r.status() == -1)
                            .count());
            apiNode.put(
                    "serverErrors",
                    requests.stream()
                            .filter(r -> r.api().equals(api) && r.status() >= 500)
                            .count());
            apiNode.put("statusReads", statusReads(api));
            ObjectNode keys = apiNode.putObject("runsPerKey");
            runsPerKey(api).forEach(keys::put);
        }
        // the newest requests as received (raw paths included, so encoded ids can be seen), no bodies
        List<Request> all = requests();
        ArrayNode recent = node.putArray("recentRequests");
        all.subList(Math.max(0, all.size() - RECENT_REQUESTS), all.size())
                .forEach(r -> recent.addObject()
                        .put("at", r.at())
                        .put("api", r.api())
                        .put("method", r.method())
                        .put("path", r.path())
                        .put("status", r.status())
                        .put("fault", r.fault()));
        // a status read names its run by the OpenProspect creation id or the Orbit requestId (the run's key)
        Map<String, Long> readsOf = new java.util.HashMap<>();
        all.stream().filter(Ledger::isStatusRead).forEach(r -> readsOf.merge(r.api() + ":" + r.key(), 1L, Long::sum));
        ArrayNode runList = node.putArray("runs");
        runs.forEach(run -> runList.addObject()
                .put("api", run.api())
                .put("key", run.key())
                .put("at", run.at())
                .put("durationMs", run.durationMs())
                .put("resourceId", run.resourceId())
                .put(
                        "statusReads",
                        readsOf.getOrDefault(
                                run.api() + ":" + (run.api().equals("orbit") ? run.key() : run.resourceId()), 0L)));
        ArrayNode starts = node.putArray("orbitStartTimes");
        orbitStartTimes().forEach(starts::add);
        return node;
    }
}
