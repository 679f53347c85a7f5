package io.profilebridge.intake;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Since when this process has seen each inbox file as it is now (its length and time), by this machine's clock. A
 * file server whose clock is behind dates a file in the past, so its own time said "unchanged for long" while it was
 * still being written (inbox audit: a file dated 60 s back was taken after 80 of its 200 bytes and rejected).
 */
final class FileSightings {

    /** The file as last listed, since when it has been so, and when it was last listed. */
    private record Sighting(long modified, long length, long since, long lastSeen) {}

    /** The least time a file goes unlisted before its sighting is forgotten. */
    private static final long MIN_FORGET_AFTER_MS = 60_000;

    private final long stableMs;
    /**
     * A file not listed for this long was taken and moved (or removed): its sighting is forgotten. A file that waits
     * is listed at every poll of its folder. Before, the sighting of every file ever taken was kept, up to the
     * cache's bound (soak audit: 2,403 of them, about 370 bytes each, after 35 minutes).
     */
    private final long forgetAfterMs;
    /** By absolute path. */
    private final Map<String, Sighting> seen = new ConcurrentHashMap<>();

    private long nextSweep;

    /** @param stableMs how long a file must be seen unchanged before it is taken ({@code bridge.inbox.stable-ms}) */
    FileSightings(long stableMs) {
        this(stableMs, 0);
    }

    /**
     * @param pollMs how often each inbox folder is listed ({@code bridge.inbox.poll-ms}): a file is remembered for three
     *     listings at least (review: with listings 65 s apart every sighting was forgotten before the next, so no file
     *     was ever seen steady and none was taken)
     */
    FileSightings(long stableMs, long pollMs) {
        this.stableMs = stableMs;
        this.forgetAfterMs = Math.max(MIN_FORGET_AFTER_MS, Math.max(10 * stableMs, 3 * pollMs));
    }

    /** Since when the file has been as it is now; now, if this is the first time it is seen so. */
    long unchangedSince(String path, long modified, long length, long now) {
        forgetUnlisted(now);
        Sighting sighting = seen.get(path);
        long since = sighting == null || sighting.modified() != modified || sighting.length() != length
                ? now
                : sighting.since();
        seen.put(path, new Sighting(modified, length, since, now));
        return since;
    }

    /** Whether the file has been seen unchanged for {@code stableMs}. */
    boolean steady(String path, long modified, long length, long now) {
        return now - unchangedSince(path, modified, length, now) >= stableMs;
    }

    /** How long a file goes unlisted before it is taken for gone. */
    long forgetAfterMs() {
        return forgetAfterMs;
    }

    /** How many files this process remembers; for tests. */
    int size() {
        return seen.size();
    }

    private synchronized void forgetUnlisted(long now) {
        if (now < nextSweep) {
            return;
        }
        nextSweep = now + forgetAfterMs;
        seen.values().removeIf(sighting -> now - sighting.lastSeen() >= forgetAfterMs);
    }
}
