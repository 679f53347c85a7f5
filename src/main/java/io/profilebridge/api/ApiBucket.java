package io.profilebridge.api;

import java.util.Arrays;
import java.util.List;
import org.apache.camel.component.http.HttpMethods;

/**
 * The rate-limit buckets of the two API keys: what a 429 pauses and what one call budget covers. Orbit limits
 * Deep Search starts per key and gives reads (status polls, profiles) a bucket of their own; OpenProspect
 * documents no limit, so all its calls share one.
 */
public enum ApiBucket {
    OPENPROSPECT(Api.OPENPROSPECT, "openprospect"),
    ORBIT_STARTS(Api.ORBIT, "orbit-starts"),
    ORBIT_READS(Api.ORBIT, "orbit-reads");

    private final Api api;
    private final String id;

    ApiBucket(Api api, String id) {
        this.api = api;
        this.id = id;
    }

    public Api api() {
        return api;
    }

    /** The name in metrics, the status page and the shared store: {@code openprospect}, {@code orbit-starts}, ... */
    public String id() {
        return id;
    }

    /** The bucket a call spends from: an Orbit POST starts a run, every other Orbit call reads. */
    public static ApiBucket forCall(Api api, HttpMethods method) {
        if (api == Api.OPENPROSPECT) {
            return OPENPROSPECT;
        }
        return method == HttpMethods.POST ? ORBIT_STARTS : ORBIT_READS;
    }

    /** Every bucket of one API: what a 503 with Retry-After pauses. */
    public static List<ApiBucket> of(Api api) {
        return Arrays.stream(values()).filter(bucket -> bucket.api == api).toList();
    }

    @Override
    public String toString() {
        return id;
    }
}
