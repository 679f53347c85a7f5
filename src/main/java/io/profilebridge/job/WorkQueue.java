package io.profilebridge.job;

import io.profilebridge.api.Api;
import io.profilebridge.api.ApiBucket;

/**
 * What a pending job's next step is waiting for, stored with the job ({@code work_queue}) so the dispatcher claims
 * each kind of work with its own budget: a call in one of the API buckets, or a delivery, which calls no API.
 */
public enum WorkQueue {
    OPENPROSPECT_CALLS("openprospect", ApiBucket.OPENPROSPECT),
    ORBIT_STARTS("orbit-starts", ApiBucket.ORBIT_STARTS),
    ORBIT_READS("orbit-reads", ApiBucket.ORBIT_READS),
    /** Orbit profile reads after a run completed: one call is paid when claimed, any further one when made. */
    ORBIT_OUTPUTS("orbit-outputs", ApiBucket.ORBIT_READS),
    DELIVERIES("deliveries", null);

    private final String id;
    private final ApiBucket bucket;

    WorkQueue(String id, ApiBucket bucket) {
        this.id = id;
        this.bucket = bucket;
    }

    public String id() {
        return id;
    }

    /** The bucket the step's calls spend from; null for deliveries. */
    public ApiBucket bucket() {
        return bucket;
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
