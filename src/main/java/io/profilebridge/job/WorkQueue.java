package io.profilebridge.job;

import io.profilebridge.api.Api;
import io.profilebridge.api.ApiBucket;
import java.util.EnumSet;
import java.util.Set;
import org.apache.camel.component.http.HttpMethods;

/**
 * What a pending job's next step is waiting for, stored with the job ({@code work_queue}) so the dispatcher claims
 * each kind of work with its own budget: a call in one of the API buckets, or a delivery, which calls no API.
 */
public enum WorkQueue {
    /**
     * OpenProspect's creations and status reads, in the order they are due: the docs give them one key and no limit.
     * Their scopes differ ({@code orders:write}, {@code orders:read}): while a 403 holds one of them, the claim takes
     * the jobs of each apart ({@link #callsOf}).
     */
    OPENPROSPECT_CALLS("openprospect", ApiBucket.OPENPROSPECT, null),
    ORBIT_STARTS("orbit-starts", ApiBucket.ORBIT_STARTS, HttpMethods.POST),
    ORBIT_READS("orbit-reads", ApiBucket.ORBIT_READS, HttpMethods.GET),
    /** Orbit profile reads after a run completed: one call is paid when claimed, any further one when made. */
    ORBIT_OUTPUTS("orbit-outputs", ApiBucket.ORBIT_READS, HttpMethods.GET),
    DELIVERIES("deliveries", null, null);

    private final String id;
    private final ApiBucket bucket;
    private final HttpMethods method;

    WorkQueue(String id, ApiBucket bucket, HttpMethods method) {
        this.id = id;
        this.bucket = bucket;
        this.method = method;
    }

    public String id() {
        return id;
    }

    /** The bucket the step's calls spend from; null for deliveries. */
    public ApiBucket bucket() {
        return bucket;
    }

    /**
     * The method of the steps' calls, what an API's hold of one scope is about; null for deliveries and for a queue
     * whose jobs make calls of either ({@link #OPENPROSPECT_CALLS}).
     */
    public HttpMethods method() {
        return method;
    }

    /** The method of the call a job in {@code state} makes next: a start or creation POSTs, any later step reads. */
    public static HttpMethods callsOf(JobState state) {
        return state == JobState.RECEIVED ? HttpMethods.POST : HttpMethods.GET;
    }

    /** This queue's states whose next call is a {@code method} call ({@link #of}, {@link #callsOf}). */
    public Set<JobState> statesCalling(HttpMethods method) {
        Set<JobState> states = EnumSet.noneOf(JobState.class);
        for (JobState state : JobState.values()) {
            if (bucket != null && of(bucket.api(), state) == this && callsOf(state) == method) {
                states.add(state);
            }
        }
        return states;
    }

    /** The queue of a job in {@code state}, or null for a final one. */
    public static WorkQueue of(Api api, JobState state) {
        return switch (state) {
            case RECEIVED -> api == Api.ORBIT ? ORBIT_STARTS : OPENPROSPECT_CALLS;
            case SUBMITTED, POLLING -> api == Api.ORBIT ? ORBIT_READS : OPENPROSPECT_CALLS;
            case FETCHING -> api == Api.ORBIT ? ORBIT_OUTPUTS : OPENPROSPECT_CALLS;
            case DELIVERING -> DELIVERIES;
            case DELIVERED, FAILED -> null;
        };
    }

    public static WorkQueue of(Job job) {
        return of(job.api(), job.state());
    }
}
