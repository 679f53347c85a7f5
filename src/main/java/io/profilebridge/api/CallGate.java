package io.profilebridge.api;

import java.util.ArrayDeque;
import java.util.Deque;
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
 * <p>
 * With a PostgreSQL store the places of an API that has a key are also taken in the store ({@link SharedCallPlaces}),
 * so the limits hold for every instance using that key together; a place another instance holds is not free here.
 */
public final class CallGate {

    /** No limit: what a bucket or API not named gets. */
    public static final int UNLIMITED = Integer.MAX_VALUE;

    private final Map<ApiBucket, Integer> bucketLimits;
    private final Map<Api, Integer> apiLimits;
    private final Map<ApiBucket, Integer> inBucket = new EnumMap<>(ApiBucket.class);
    private final Map<Api, Integer> inApi = new EnumMap<>(Api.class);

    private final long slowCallMs;
    /** Null: the places belong to this process alone (the embedded store). */
    private final SharedCallPlaces shared;
    /** The shared slots this process holds, per bucket and per API. */
    private final Map<ApiBucket, Deque<Integer>> bucketSlots = new EnumMap<>(ApiBucket.class);

    private final Map<Api, Deque<Integer>> apiSlots = new EnumMap<>(Api.class);

    /** A gate whose places are held until the call is answered, however long that takes. */
    public CallGate(Map<ApiBucket, Integer> bucketLimits, Map<Api, Integer> apiLimits) {
        this(bucketLimits, apiLimits, Long.MAX_VALUE);
    }

    /** @param slowCallMs a call unanswered for this long gives its place back (bridge.http.slow-call-ms) */
    public CallGate(Map<ApiBucket, Integer> bucketLimits, Map<Api, Integer> apiLimits, long slowCallMs) {
        this(bucketLimits, apiLimits, slowCallMs, null);
    }

    /** @param shared the places kept in the shared store, or null when they belong to this process */
    public CallGate(
            Map<ApiBucket, Integer> bucketLimits,
            Map<Api, Integer> apiLimits,
            long slowCallMs,
            SharedCallPlaces shared) {
        this.slowCallMs = slowCallMs;
        this.shared = shared;
        this.bucketLimits = new EnumMap<>(ApiBucket.class);
        this.apiLimits = new EnumMap<>(Api.class);
        for (ApiBucket bucket : ApiBucket.values()) {
            this.bucketLimits.put(bucket, bucketLimits.getOrDefault(bucket, UNLIMITED));
            inBucket.put(bucket, 0);
            bucketSlots.put(bucket, new ArrayDeque<>());
        }
        for (Api api : Api.values()) {
            this.apiLimits.put(api, apiLimits.getOrDefault(api, UNLIMITED));
            inApi.put(api, 0);
            apiSlots.put(api, new ArrayDeque<>());
        }
    }

    /** A gate that lets every job through: for tests of other parts. */
    public static CallGate unlimited() {
        return new CallGate(Map.of(), Map.of());
    }

    /** Takes up to {@code wanted} places of the bucket (and its API) and returns how many it took. */
    public synchronized int enter(ApiBucket bucket, int wanted) {
        int taken = Math.max(0, Math.min(wanted, free(bucket)));
        if (sharesPlaces(bucket)) {
            taken = takeShared(bucket, taken);
        }
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
        if (sharesPlaces(bucket)) {
            giveShared(bucket, count);
        }
    }

    /**
     * True when the bucket's places are kept in the shared store as well: a place held across steps is taken anew
     * for each, since the store frees a place its holder took longer than {@link #slowCallMs} ago.
     */
    public boolean sharesPlaces(ApiBucket bucket) {
        return shared != null && shared.shares(bucket.api());
    }

    /**
     * Before a call of the bucket goes out: the places this process holds of the bucket (and of its API) are taken
     * anew in the shared store, so that their time counts from the send. False when one of them expired meanwhile
     * and another instance took it: its call may be out now. Always true when the places are this process's alone.
     */
    public synchronized boolean renew(ApiBucket bucket) {
        if (!sharesPlaces(bucket)) {
            return true;
        }
        Api api = bucket.api();
        return shared.renew(api, bucketPlaces(bucket), bucketSlots.get(bucket))
                & shared.renew(api, apiPlaces(api), apiSlots.get(api));
    }

    private int takeShared(ApiBucket bucket, int wanted) {
        int taken = 0;
        try {
            while (taken < wanted && takeSharedPlace(bucket)) {
                taken++;
            }
            return taken;
        } catch (RuntimeException e) {
            giveShared(bucket, taken);
            throw e;
        }
    }

    /** One shared place of the bucket and, where the API has a limit of its own, of the API; both or neither. */
    private boolean takeSharedPlace(ApiBucket bucket) {
        Api api = bucket.api();
        int bucketSlot = -1;
        if (bucketLimits.get(bucket) != UNLIMITED) {
            bucketSlot = shared.take(api, bucketPlaces(bucket), bucketLimits.get(bucket), bucketSlots.get(bucket));
            if (bucketSlot < 0) {
                return false;
            }
        }
        if (apiLimits.get(api) != UNLIMITED) {
            int apiSlot = -1;
            try {
                apiSlot = shared.take(api, apiPlaces(api), apiLimits.get(api), apiSlots.get(api));
            } finally {
                if (apiSlot < 0 && bucketSlot >= 0) {
                    shared.give(api, bucketPlaces(bucket), bucketSlot);
                }
            }
            if (apiSlot < 0) {
                return false;
            }
            apiSlots.get(api).push(apiSlot);
        }
        if (bucketSlot >= 0) {
            bucketSlots.get(bucket).push(bucketSlot);
        }
        return true;
    }

    private void giveShared(ApiBucket bucket, int count) {
        Api api = bucket.api();
        for (int i = 0; i < count; i++) {
            Integer bucketSlot = bucketSlots.get(bucket).poll();
            if (bucketSlot != null) {
                shared.give(api, bucketPlaces(bucket), bucketSlot);
            }
            Integer apiSlot = apiSlots.get(api).poll();
            if (apiSlot != null) {
                shared.give(api, apiPlaces(api), apiSlot);
            }
        }
    }

    private static String bucketPlaces(ApiBucket bucket) {
        return "bucket:" + bucket.id();
    }

    private static String apiPlaces(Api api) {
        return "api:" + api.id();
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
