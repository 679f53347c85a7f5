package io.profilebridge.api;

import java.util.EnumMap;
import java.util.Map;

/**
 * How many jobs of this instance may have a call out at once, per API bucket and per API. A job takes a place when
 * it is claimed for a step that calls its bucket and gives it back when the step ends, so with a limit of 1 every
 * call of a bucket is sent after the answer of the one before (and any 429 or {@code Retry-After} in it) has been
 * read: nothing is already on its way when the API opens a window. A 503 with {@code Retry-After} pauses every bucket
 * of its API, so the API has a limit of its own as well. Jobs that find no place stay due in the store and are
 * claimed when one is given back; no thread waits here.
 * <p>
 * A call still unanswered after {@link #slowCallMs} gives its place back early (the dispatcher's tick does it), so a
 * slow or broken answer holds the other jobs of its bucket up for that long, not for its whole deadline. The price:
 * should that late answer be a 429, a call sent meanwhile is already on its way into the window.
 */
public final class CallGate {

    /** No limit: what a bucket or API not named gets. */
    public static final int UNLIMITED = Integer.MAX_VALUE;

    private final Map<ApiBucket, Integer> bucketLimits;
    private final Map<Api, Integer> apiLimits;
    private final Map<ApiBucket, Integer> inBucket = new EnumMap<>(ApiBucket.class);
    private final Map<Api, Integer> inApi = new EnumMap<>(Api.class);

    private final long slowCallMs;

    /** A gate whose places are held until the call is answered, however long that takes. */
    public CallGate(Map<ApiBucket, Integer> bucketLimits, Map<Api, Integer> apiLimits) {
        this(bucketLimits, apiLimits, Long.MAX_VALUE);
    }

    /** @param slowCallMs a call unanswered for this long gives its place back (bridge.http.slow-call-ms) */
    public CallGate(Map<ApiBucket, Integer> bucketLimits, Map<Api, Integer> apiLimits, long slowCallMs) {
        this.slowCallMs = slowCallMs;
        this.bucketLimits = new EnumMap<>(ApiBucket.class);
        this.apiLimits = new EnumMap<>(Api.class);
        for (ApiBucket bucket : ApiBucket.values()) {
            this.bucketLimits.put(bucket, bucketLimits.getOrDefault(bucket, UNLIMITED));
            inBucket.put(bucket, 0);
        }
        for (Api api : Api.values()) {
            this.apiLimits.put(api, apiLimits.getOrDefault(api, UNLIMITED));
            inApi.put(api, 0);
        }
    }

    /** A gate that lets every job through: for tests of other parts. */
    public static CallGate unlimited() {
        return new CallGate(Map.of(), Map.of());
    }

    /** Takes up to {@code wanted} places of the bucket (and its API) and returns how many it took. */
    public synchronized int enter(ApiBucket bucket, int wanted) {
        int taken = Math.max(0, Math.min(wanted, free(bucket)));
        inBucket.merge(bucket, taken, Integer::sum);
        inApi.merge(bucket.api(), taken, Integer::sum);
        return taken;
    }

    /** Gives back {@code count} places of the bucket. */
    public synchronized void leave(ApiBucket bucket, int count) {
        if (count <= 0) {
            return;
        }
        if (inBucket.get(bucket) < count || inApi.get(bucket.api()) < count) {
            throw new IllegalStateException("more places of " + bucket + " given back than taken");
        }
        inBucket.merge(bucket, -count, Integer::sum);
        inApi.merge(bucket.api(), -count, Integer::sum);
    }

    /** Places of the bucket free now: what its own limit and its API's leave. */
    public synchronized int free(ApiBucket bucket) {
        long bucketFree = (long) bucketLimits.get(bucket) - inBucket.get(bucket);
        long apiFree = (long) apiLimits.get(bucket.api()) - inApi.get(bucket.api());
        return (int) Math.max(0, Math.min(bucketFree, apiFree));
    }

    /** Jobs of the bucket allowed a call out now (each has at most one out at a time). */
    public synchronized int inFlight(ApiBucket bucket) {
        return inBucket.get(bucket);
    }

    /** How long a call may hold its place unanswered before it gives it back to the next job. */
    public long slowCallMs() {
        return slowCallMs;
    }

    /** The bucket's own limit; {@link #UNLIMITED} when it has none. */
    public int limit(ApiBucket bucket) {
        return bucketLimits.get(bucket);
    }

    /** The API's limit over all its buckets; {@link #UNLIMITED} when it has none. */
    public int limit(Api api) {
        return apiLimits.get(api);
    }
}
