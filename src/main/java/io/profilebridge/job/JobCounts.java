package io.profilebridge.job;

import io.profilebridge.api.Api;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.LongSupplier;

/**
 * Jobs per API and state, for the metrics, the status page and the progress line. The pending states are counted at
 * each call, through the state index. The final ones grow with every job the store keeps (all of them by default,
 * {@code bridge.store.keep-finished-days=0}): counting them read every such row, 0.4-1.9 s per count on a store of
 * 1,000,000 finished jobs, made every 10 s by the backlog chart and the progress line and at each scrape (operations
 * audit). So they are re-counted at most once a second, and only after {@link #COST_SHARE} times their last count's
 * own duration: however long the history, counting it costs about 1% of a core, and those counts lag by as much.
 */
public final class JobCounts {

    /** A count of the final states waits this many times its predecessor's duration. */
    static final int COST_SHARE = 100;

    private static final long MIN_INTERVAL_MS = 1000;
    private static final Set<JobState> FINAL = EnumSet.complementOf(EnumSet.copyOf(JobState.PENDING));

    private final JobStore store;
    private final LongSupplier clock;
    private Map<Api, Map<JobState, Long>> finals;
    private long nextFinalsCountAt;

    /** @param clock milliseconds on a monotonic clock, for the final states' next count */
    public JobCounts(JobStore store, LongSupplier clock) {
        this.store = store;
        this.clock = clock;
    }

    /** Every state's count: the pending ones as they are now, the final ones as last counted. */
    public Map<Api, Map<JobState, Long>> byApiAndState() {
        Map<Api, Map<JobState, Long>> pending = store.countByApiAndState(JobState.PENDING);
        Map<Api, Map<JobState, Long>> counts = new TreeMap<>();
        Map<Api, Map<JobState, Long>> lastFinals = finals();
        pending.forEach((api, perState) -> {
            Map<JobState, Long> all = new EnumMap<>(perState);
            FINAL.forEach(state -> all.put(state, lastFinals.get(api).get(state)));
            counts.put(api, all);
        });
        return counts;
    }

    /** Jobs not yet final, over all APIs: read from the store at each call. */
    public long pending() {
        return store.countPending();
    }

    /** Requests rejected at intake that named no API we know: few, and read through the state index. */
    public long rejectedWithoutApi() {
        return store.countRejectedWithoutApi();
    }

    /** The final states' counts, counted again when their time has come (one caller counts, the others wait). */
    private synchronized Map<Api, Map<JobState, Long>> finals() {
        long now = clock.getAsLong();
        if (finals == null || now >= nextFinalsCountAt) {
            finals = store.countByApiAndState(FINAL);
            long took = Math.max(0, clock.getAsLong() - now);
            nextFinalsCountAt = now + Math.max(MIN_INTERVAL_MS, took * COST_SHARE);
        }
        return finals;
    }
}
