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
     * OpenProspect's creations and its status reads: one key, one budget (the docs give no limit), two queues that
     * take turns going first ({@link ClaimOrder}), so that a backlog of creations, all due before any run's first read,
     * does not keep the runs already started unread until the last creation went (inbox-flood audit: 20,000 runs
     * started and unread, results 5 minutes after their runs ended). Their scopes differ too ({@code orders:write},
     * {@code orders:read}).
     */
    OPENPROSPECT_STARTS("openprospect-starts", ApiBucket.OPENPROSPECT, HttpMethods.POST),
    /**
     * OpenProspect's status reads. Its id is the one queue of both kinds of an earlier release: a creation stored by
     * one is claimed here and makes its own step's call.
     */
    OPENPROSPECT_READS("openprospect", ApiBucket.OPENPROSPECT, HttpMethods.GET),
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

    /** The method of the steps' calls, what an API's hold of one scope is about; null for deliveries. */
    public HttpMethods method() {
        return method;
    }

    /** The method of the call a job in {@code state} makes next: a start or creation POSTs, any later step reads. */
    public static HttpMethods callsOf(JobState state) {
        return state == JobState.RECEIVED ? HttpMethods.POST : HttpMethods.GET;
    }

    /** The queue of a job in {@code state}, or null for a final one. */
    public static WorkQueue of(Api api, JobState state) {
        return switch (state) {
            case RECEIVED -> api == Api.ORBIT ? ORBIT_STARTS : OPENPROSPECT_STARTS;
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
