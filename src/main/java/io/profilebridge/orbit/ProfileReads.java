package io.profilebridge.orbit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.profilebridge.Json;
import java.util.HashMap;
import java.util.Iterator;
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
 * kept before it, unless that one has not been back for {@link #STALE_MS} (a job given up, or waiting long). Dropping
 * the oldest first, two runs each over half the bound dropped each other's reading at every step, and neither ever
 * finished.
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

    private final long maxBytes;
    private final LongSupplier clock;
    /** In the order they were kept, the earliest first. */
    private final Map<String, Progress> byJob = new LinkedHashMap<>();

    private final Map<String, Long> keptAt = new HashMap<>();
    private long bytesKept;

    ProfileReads(long maxBytes) {
        this(maxBytes, System::currentTimeMillis);
    }

    ProfileReads(long maxBytes, LongSupplier clock) {
        this.maxBytes = maxBytes;
        this.clock = clock;
    }

    /** The job's reading of {@code ids} as an earlier step left it, taken out of here; or a new one. */
    synchronized Progress take(String jobId, List<String> ids) {
        Progress kept = byJob.remove(jobId);
        keptAt.remove(jobId);
        if (kept == null) {
            return new Progress(ids);
        }
        bytesKept -= kept.bytes();
        return kept.ids().equals(ids) ? kept : new Progress(ids);
    }

    /** The reading stopped short: kept for the job's next step, within the bound. */
    synchronized void keep(String jobId, Progress progress) {
        if (progress.profiles().isEmpty() || progress.bytes() > maxBytes) {
            return;
        }
        Progress replaced = byJob.remove(jobId);
        if (replaced != null) {
            bytesKept -= replaced.bytes();
            keptAt.remove(jobId);
        }
        long now = clock.getAsLong();
        Iterator<Map.Entry<String, Progress>> oldest = byJob.entrySet().iterator();
        while (bytesKept + progress.bytes() > maxBytes && oldest.hasNext()) {
            Map.Entry<String, Progress> entry = oldest.next();
            if (now - keptAt.get(entry.getKey()) < STALE_MS) {
                return; // the readings kept before it go on; this one waits its turn
            }
            bytesKept -= entry.getValue().bytes();
            keptAt.remove(entry.getKey());
            oldest.remove();
        }
        byJob.put(jobId, progress);
        keptAt.put(jobId, now);
        bytesKept += progress.bytes();
    }
}
