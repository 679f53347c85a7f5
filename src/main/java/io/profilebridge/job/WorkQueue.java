package io.profilebridge.job;

import io.profilebridge.api.Api;
import io.profilebridge.api.ApiBucket;
import org.apache.camel.component.http.HttpMethods;

/**
 * What a pending job's next step is waiting for, stored with the job ({@code work_queue}) so the dispatcher claims
 * each kind of work with its own budget: a call in one of the API buckets, or a delivery, which calls no API.
 */
public enum WorkQueue {
    /**
     * OpenProspect creations. Its reads are a queue of their own on the same bucket: the docs give the two endpoints
     * scopes of their own ({@code orders:write}, {@code orders:read}), so a 403 on one holds that one only (audit: a
     * key without orders:write held the status reads of the runs already created). The id is the one both shared
     * before: a read saved by an earlier release is still claimed here, and moves to the reads' queue at its next step.
     */
    OPENPROSPECT_CREATES("openprospect", ApiBucket.OPENPROSPECT, HttpMethods.POST),
    OPENPROSPECT_READS("openprospect-reads", ApiBucket.OPENPROSPECT, HttpMethods.GET),
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

    /** The method of the step's calls, what an API's hold of one scope is about; null for deliveries. */
    public HttpMethods method() {
        return method;
    }

    /** The queue of a job in {@code state}, or null for a final one. */
    public static WorkQueue of(Api api, JobState state) {
        return switch (state) {
            case RECEIVED -> api == Api.ORBIT ? ORBIT_STARTS : OPENPROSPECT_CREATES;
            case SUBMITTED, POLLING -> api == Api.ORBIT ? ORBIT_READS : OPENPROSPECT_READS;
            case FETCHING -> api == Api.ORBIT ? ORBIT_OUTPUTS : OPENPROSPECT_READS;
            case DELIVERING -> DELIVERIES;
            case DELIVERED, FAILED -> null;
        };
    }

    public static WorkQueue of(Job job) {
        return of(job.api(), job.state());
    }
}
