package io.profilebridge.job;

import com.fasterxml.jackson.databind.JsonNode;
import io.profilebridge.Json;
import io.profilebridge.api.Api;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * How long remote runs of each kind took lately, from below: the time from acceptance to the last status read that
 * still saw the run going. A new run is first read no earlier than the shortest of those, which saves the reads
 * that could only have said "still running" and costs no latency for runs no shorter than the shortest seen. A kind
 * is an API and, for Orbit, the request's {@code runShape}: a slim partial run ends in seconds where a candidate
 * discovery takes minutes (time audit: learned from one API as a whole, a quick run after five slow ones was first
 * read 20 s after its start).
 */
public final class RunTimes {

    /** Runs remembered per kind; the shortest of them counts. */
    private static final int REMEMBERED = 50;
    /** Fewer runs seen than this say nothing yet. */
    private static final int ENOUGH = 5;

    private final boolean enabled;
    private final Map<String, Deque<Long>> seen = new HashMap<>();

    public RunTimes(boolean enabled) {
        this.enabled = enabled;
    }

    /** A run of the job's kind was still going {@code runningForMs} after it was accepted, and has ended since. */
    public synchronized void ended(Job job, long runningForMs) {
        Deque<Long> runs = seen.computeIfAbsent(kind(job), k -> new ArrayDeque<>());
        runs.addLast(Math.max(0, runningForMs));
        if (runs.size() > REMEMBERED) {
            runs.removeFirst();
        }
    }

    /** No run of the job's kind seen lately ended sooner than this (0 when too few were seen, or learning is off). */
    public synchronized long shortest(Job job) {
        Deque<Long> runs = enabled ? seen.get(kind(job)) : null;
        if (runs == null || runs.size() < ENOUGH) {
            return 0;
        }
        return runs.stream().mapToLong(Long::longValue).min().orElse(0);
    }

    /** The API, and Orbit's {@code runShape} as the request names it (any text: the API judges it, not this). */
    static String kind(Job job) {
        if (job.api() != Api.ORBIT) {
            return job.api().id();
        }
        JsonNode body = Json.parseStored(job.requestBody());
        JsonNode shape = body == null ? null : body.get("runShape");
        return job.api().id() + "/" + (shape != null && shape.isTextual() ? shape.asText() : "");
    }
}
