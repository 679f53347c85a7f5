package io.profilebridge;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * What has already been named in a warning (a refused inbox file, a folder no route reads, a status the API docs do
 * not list), so each costs one log line, not one per poll; the oldest are forgotten past 10,000.
 */
public final class ReportedOnce {

    private static final int KEPT = 10_000;

    private final Set<String> reported = Collections.newSetFromMap(new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > KEPT;
        }
    });

    /** True the first time {@code what} (a path and why it is named, a job and what it was answered) is asked about. */
    public boolean first(String what) {
        synchronized (reported) {
            return reported.add(what);
        }
    }
}
