package io.profilebridge.sandbox;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.profilebridge.Json;

/**
 * What the simulators saw and did: every request received and every remote run created, with key and body.
 * It lets a test prove "one remote run per logical request", "no request before Retry-After" and the achieved
 * Orbit start rate.
 */
public final class Ledger {

    /** One request as received; {@code status} is what was answered, -1 when the answer was lost on purpose. */
    public record Request(long at, String api, String method, String path, String key, String body, int status,
            String fault) {
    }

    /** One remote run (an OpenProspect creation or an Orbit Deep Search run) that the simulator started. */
    public record Run(long at, String api, String key, String resourceId, String body, int creditsCharged) {
    }

    /** How many of the newest requests {@link #toJson()} lists. */
    private static final int RECENT_REQUESTS = 100;

    private final ConcurrentLinkedQueue<Request> requests = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Run> runs = new ConcurrentLinkedQueue<>();
    private final Map<String, Long> notBefore = new ConcurrentHashMap<>();
    private final AtomicLong beforeRetryAfter = new AtomicLong();

    void request(Request request) {
        requests.add(request);
    }

    void run(Run run) {
        runs.add(run);
    }

    /** The simulator told the caller of {@code subject} (a key or resource) to wait until {@code until}. */
    void retryAfterGiven(String subject, long until) {
        if (subject != null) {
            notBefore.put(subject, until);
        }
    }

    /** Counts a request for {@code subject} that arrives before the Retry-After the simulator gave for it. */
    void arrived(String subject, long now) {
        if (subject == null) {
            return;
        }
        Long until = notBefore.get(subject);
        if (until != null) {
            if (now < until) {
                beforeRetryAfter.incrementAndGet();
            } else {
                notBefore.remove(subject, until);
            }
        }
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
        return requests.stream().filter(r -> r.api().equals(api) && r.status() == 429).count();
    }

    /** 429s from the API key's rate limit itself, not the injected ones of the rate-limited-share knob. */
    public long rateLimitExceeded(String api) {
        return requests.stream().filter(r -> r.api().equals(api) && r.status() == 429 && r.fault() == null).count();
    }

    public long requestsBeforeRetryAfter() {
        return beforeRetryAfter.get();
    }

    /** When each Orbit run was started, in order, for measuring the achieved start rate. */
    public List<Long> orbitStartTimes() {
        return runs.stream().filter(r -> r.api().equals("orbit")).map(Run::at).sorted().toList();
    }

    public void reset() {
        requests.clear();
        runs.clear();
        notBefore.clear();
        beforeRetryAfter.set(0);
    }

    public ObjectNode toJson() {
        ObjectNode node = Json.object();
        node.put("requests", requests.size());
        node.put("requestsBeforeRetryAfter", beforeRetryAfter.get());
        ObjectNode perApi = node.putObject("apis");
        for (String api : List.of("openprospect", "orbit")) {
            ObjectNode apiNode = perApi.putObject(api);
            apiNode.put("requests", requests.stream().filter(r -> r.api().equals(api)).count());
            apiNode.put("runsStarted", runsStarted(api));
            apiNode.put("rateLimited429s", rateLimited429s(api));
            apiNode.put("rateLimitExceeded", rateLimitExceeded(api));
            apiNode.put("lostAnswers", requests.stream().filter(r -> r.api().equals(api) && r.status() == -1).count());
            apiNode.put("serverErrors", requests.stream().filter(r -> r.api().equals(api) && r.status() >= 500).count());
            ObjectNode keys = apiNode.putObject("runsPerKey");
            runsPerKey(api).forEach(keys::put);
        }
        // the newest requests as received (raw paths included, so encoded ids can be seen), no bodies
        List<Request> all = requests();
        ArrayNode recent = node.putArray("recentRequests");
        all.subList(Math.max(0, all.size() - RECENT_REQUESTS), all.size()).forEach(r -> recent.addObject()
                .put("at", r.at()).put("api", r.api()).put("method", r.method()).put("path", r.path())
                .put("status", r.status()).put("fault", r.fault()));
        ArrayNode runList = node.putArray("runs");
        runs.forEach(run -> runList.addObject().put("api", run.api()).put("key", run.key()).put("at", run.at()));
        ArrayNode starts = node.putArray("orbitStartTimes");
        orbitStartTimes().forEach(starts::add);
        return node;
    }
}
