package io.profilebridge.orbit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.profilebridge.Json;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The profiles of a finished run read so far, per job, while its reading waits (the read budget is spent, a read was
 * refused with a 429 or failed): the job's next step goes on from there instead of reading them all again. HTTP-edges
 * audit: a candidate discovery naming 300 profiles, read 50 a second, stopped at each empty budget, dropped what it
 * had read and started over: 12,515 reads in 5 minutes, never done. Kept in this process only, as a cache: a restart,
 * or another instance taking the job, reads them again (reads are free and idempotent). At most {@code maxBytes} in
 * all are kept: a reading that does not fit waits its turn (its steps read on from the start) rather than drop one
 * first kept before it, unless that one has not been back for {@link #STALE_MS} (a job given up, or waiting long).
 * Dropping the oldest first, two runs each over half the bound dropped each other's reading at every step, and neither
 * ever finished.
 */
final class ProfileReads {

    /** The profiles read for one job of one list of ids, and what they weigh as JSON text. Used by one step at a time. */
    static final class Progress {
        private final List<String> ids;
        private final ArrayNode profiles;
        private long bytes;

        private Progress(List<String> ids) {
            this.ids = List.copyOf(ids);
            this.profiles = Json.MAPPER.createArrayNode();
        }

        void add(JsonNode profile) {
            profiles.add(profile);
            bytes += Json.write(profile).length();
        }

        /** The id of the next profile to read; only while {@link #done()} is false. */
        String next() {
            return ids.get(profiles.size());
        }

        boolean done() {
            return profiles.size() >= ids.size();
        }

        List<String> ids() {
            return ids;
        }

        ArrayNode profiles() {
            return profiles;
        }

        /** The profiles' JSON text, in characters: what the result document and the job store will hold of them. */
        long bytes() {
            return bytes;
        }
    }

    /** A reading not taken up again for this long may be dropped for another's. */
    static final long STALE_MS = 10 * 60_000;

    /** The order in which a job's reading was first kept, and when it was last taken or kept: its place for room. */
    private record Turn(long first, long touched) {}

    private final long maxBytes;
    private final LongSupplier clock;
    /** In the order they were kept, the earliest first. */
    private final Map<String, Progress> byJob = new LinkedHashMap<>();
    /** Kept beyond the readings themselves: a reading taken out for a step keeps its turn meanwhile. */
    private final Map<String, Turn> turns = new HashMap<>();

    private long bytesKept;
    private long turnsGiven;

    ProfileReads(long maxBytes) {
        this(maxBytes, System::currentTimeMillis);
    }

    ProfileReads(long maxBytes, LongSupplier clock) {
        this.maxBytes = maxBytes;
        this.clock = clock;
    }

    /** The job's reading of {@code ids} as an earlier step left it, taken out of here; or a new one. */
    synchronized Progress take(String jobId, List<String> ids) {
        turns.computeIfPresent(jobId, (job, turn) -> new Turn(turn.first(), clock.getAsLong()));
        Progress kept = byJob.remove(jobId);
        if (kept == null) {
            return new Progress(ids);
        }
        bytesKept -= kept.bytes();
        return kept.ids().equals(ids) ? kept : new Progress(ids);
    }

    /**
     * The reading stopped short: kept for the job's next step, within the bound. Room is made by dropping readings
     * that came after this one's first keep, or were not taken up for {@link #STALE_MS}; a reading kept earlier, even
     * one taken out for a step right now, keeps its turn (review: with the steps of two jobs overlapping, each dropped
     * the other's).
     */
    synchronized void keep(String jobId, Progress progress) {
        long now = clock.getAsLong();
        turns.values().removeIf(turn -> now - turn.touched() >= STALE_MS);
        Progress replaced = byJob.remove(jobId);
        if (replaced != null) {
            bytesKept -= replaced.bytes();
        }
        if (progress.profiles().isEmpty() || progress.bytes() > maxBytes) {
            turns.remove(jobId);
            return;
        }
        Turn mine =
                turns.merge(jobId, new Turn(++turnsGiven, now), (earlier, latest) -> new Turn(earlier.first(), now));
        long needed = bytesKept + progress.bytes() - maxBytes;
        List<String> droppable = byJob.keySet().stream()
                .filter(other -> !turns.containsKey(other) || turns.get(other).first() > mine.first())
                .toList();
        long room =
                droppable.stream().mapToLong(other -> byJob.get(other).bytes()).sum();
        if (needed > 0 && room < needed) {
            return; // the readings kept before it go on; this one waits its turn, and keeps it
        }
        for (String other : droppable) {
            if (bytesKept + progress.bytes() <= maxBytes) {
                break;
            }
            bytesKept -= byJob.remove(other).bytes();
            turns.remove(other);
        }
        byJob.put(jobId, progress);
        bytesKept += progress.bytes();
    }
}
