package io.profilebridge.intake;

import io.profilebridge.job.JobRoutes;
import org.slf4j.MDC;

/**
 * A job's id and idempotency key in the log context of the lines the intake writes once it knows the job. camel-mdc
 * takes them from the exchange's properties when a step starts; the intake's step sets them only once it has
 * registered or refused the request, so its own lines ("Accepted ... as orbit job ...", "Rejected ...") had neither
 * (observability audit).
 */
final class JobLogContext implements AutoCloseable {

    private final String previousJobId;
    private final String previousKey;

    private JobLogContext(String jobId, String key) {
        previousJobId = MDC.get(JobRoutes.JOB_ID);
        previousKey = MDC.get(JobRoutes.IDEMPOTENCY_KEY);
        set(JobRoutes.JOB_ID, jobId);
        set(JobRoutes.IDEMPOTENCY_KEY, key);
    }

    /** Until closed, the log lines of this thread name the job; the key as shown in logs, or null. */
    static JobLogContext of(String jobId, String shownKey) {
        return new JobLogContext(jobId, shownKey);
    }

    @Override
    public void close() {
        set(JobRoutes.JOB_ID, previousJobId);
        set(JobRoutes.IDEMPOTENCY_KEY, previousKey);
    }

    private static void set(String name, String value) {
        if (value == null) {
            MDC.remove(name);
        } else {
            MDC.put(name, value);
        }
    }
}
