package io.profilebridge.intake;

import java.util.Map;
import org.apache.camel.support.LRUCacheFactory;

/**
 * Since when this process has seen each inbox file as it is now (its length and time), by this machine's clock. A
 * file server whose clock is behind dates a file in the past, so its own time said "unchanged for long" while it was
 * still being written (inbox audit: a file dated 60 s back was taken after 80 of its 200 bytes and rejected).
 */
final class FileSightings {

    /** The file as last listed, and since when it has been so. */
    private record Sighting(long modified, long length, long since) {}

    private final long stableMs;
    /** By absolute path; bounded, as files that are taken and moved are never listed again. */
    private final Map<String, Sighting> seen = LRUCacheFactory.newLRUCache(100_000);

    /** @param stableMs how long a file must be seen unchanged before it is taken ({@code bridge.inbox.stable-ms}) */
    FileSightings(long stableMs) {
        this.stableMs = stableMs;
    }

    /** Since when the file has been as it is now; now, if this is the first time it is seen so. */
    long unchangedSince(String path, long modified, long length, long now) {
        Sighting sighting = seen.get(path);
        if (sighting == null || sighting.modified() != modified || sighting.length() != length) {
            sighting = new Sighting(modified, length, now);
            seen.put(path, sighting);
        }
        return sighting.since();
    }

    /** Whether the file has been seen unchanged for {@code stableMs}. */
    boolean steady(String path, long modified, long length, long now) {
        return now - unchangedSince(path, modified, length, now) >= stableMs;
    }
}
