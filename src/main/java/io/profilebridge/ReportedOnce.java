package io.profilebridge;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What has already been named in a warning (a refused inbox file, a folder no route reads, a status the API docs do
 * not list), so each costs one log line, not one per poll. Past {@link #KEPT} the least recently asked about are
 * forgotten: what every poll asks about again stays (flood audit: forgotten oldest first, 10,500 refused files listed
 * every 500 ms were named again at each poll, 4,800 lines a second). Kept as 64-bit fingerprints, 100,000 of them in
 * about 8 MB.
 */
public final class ReportedOnce {

    static final int KEPT = 100_000;

    private final Map<Long, Boolean> reported = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Boolean> eldest) {
            return size() > KEPT;
        }
    };

    /** True the first time {@code what} (a path and why it is named, a job and what it was answered) is asked about. */
    public boolean first(String what) {
        Long fingerprint = fingerprint(what);
        synchronized (reported) {
            return reported.put(fingerprint, Boolean.TRUE) == null;
        }
    }

    /** FNV-1a over the characters: two of 100,000 texts share one with a chance of about 3 in 10 billion. */
    private static long fingerprint(String what) {
        long hash = 0xcbf29ce484222325L;
        for (int i = 0; i < what.length(); i++) {
            hash ^= what.charAt(i);
            hash *= 0x100000001b3L;
        }
        return hash;
    }
}
