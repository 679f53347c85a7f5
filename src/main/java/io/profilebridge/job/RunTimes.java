package io.profilebridge.job;

import io.profilebridge.api.Api;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.EnumMap;
import java.util.Map;

/**
 * How long remote runs of each API took lately, from below: the time from acceptance to the last status read that
 * still saw the run going. A new run is first read no earlier than the shortest of those, which saves the reads
 * that could only have said "still running" and costs no latency for runs no shorter than the shortest seen.
 */
public final class RunTimes {

    /** Runs remembered per API; the shortest of them counts. */
    private static final int REMEMBERED = 50;
    /** Fewer runs seen than this say nothing yet. */
    private static final int ENOUGH = 5;

    private final boolean enabled;
    private final Map<Api, Deque<Long>> seen = new EnumMap<>(Api.class);

    public RunTimes(boolean enabled) {
        this.enabled = enabled;
    }

    /** A run of {@code api} was still going {@code runningForMs} after it was accepted, and has ended since. */
    public synchronized void ended(Api api, long runningForMs) {
        Deque<Long> runs = seen.computeIfAbsent(api, a -> new ArrayDeque<>());
        runs.addLast(Math.max(0, runningForMs));
        if (runs.size() > REMEMBERED) {
            runs.removeFirst();
        }
    }

    /** No run of {@code api} seen lately ended sooner than this (0 when too few were seen, or learning is off). */
    public synchronized long shortest(Api api) {
        Deque<Long> runs = seen.get(api);
        if (!enabled || runs == null || runs.size() < ENOUGH) {
            return 0;
        }
        return runs.stream().mapToLong(Long::longValue).min().orElse(0);
    }
}
