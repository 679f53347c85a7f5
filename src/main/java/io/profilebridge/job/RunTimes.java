package io.profilebridge.job;

import com.fasterxml.jackson.databind.JsonNode;
import io.profilebridge.Json;
import io.profilebridge.api.Api;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

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
    /** The run shape the API runs for an Orbit request body (OrbitRequestRules.runShape). */
    private final Function<JsonNode, String> orbitRunShape;

    private final Map<String, Deque<Long>> seen = new HashMap<>();

    public RunTimes(boolean enabled, Function<JsonNode, String> orbitRunShape) {
        this.enabled = enabled;
        this.orbitRunShape = orbitRunShape;
    }

    /** Learning nothing, or every Orbit run of one shape. */
    public RunTimes(boolean enabled) {
        this(enabled, body -> "");
    }

    /** A run of the job's kind was still going {@code runningForMs} after it was accepted, and has ended since. */
    public void ended(Job job, long runningForMs) {
        if (!enabled) {
            return;
        }
        String kind = kind(job); // the body is read outside the lock
        synchronized (this) {
            Deque<Long> runs = seen.computeIfAbsent(kind, k -> new ArrayDeque<>());
            runs.addLast(Math.max(0, runningForMs));
            if (runs.size() > REMEMBERED) {
                runs.removeFirst();
            }
        }
    }

    /** No run of the job's kind seen lately ended sooner than this (0 when too few were seen, or learning is off). */
    public long shortest(Job job) {
        if (!enabled) {
            return 0;
        }
        String kind = kind(job);
        synchronized (this) {
            Deque<Long> runs = seen.get(kind);
            return runs == null || runs.size() < ENOUGH
                    ? 0
                    : runs.stream().mapToLong(Long::longValue).min().orElse(0);
        }
    }

    /** The API, and for Orbit the run shape the API will run for the request. */
    private String kind(Job job) {
        JsonNode body = job.api() == Api.ORBIT ? Json.parseStored(job.requestBody()) : null;
        return body == null ? job.api().id() : job.api().id() + "/" + orbitRunShape.apply(body);
    }
}
