package io.profilebridge.job;

import io.profilebridge.BridgeEvent;
import io.profilebridge.api.Api;

/**
 * A step of a job's life: the {@link JobLifecycle} publishes it and calls nobody; the metrics listen.
 *
 * @param outcome    succeeded or failed, once decided
 * @param receivedAt when the request was received (epoch ms)
 * @param finishedAt when the job ended (epoch ms), 0 before
 */
public record JobEvent(Kind kind, Api api, String outcome, long receivedAt, long finishedAt) implements BridgeEvent {

    public enum Kind {
        /** The API accepted the run. */
        SUBMITTED,
        /** A status read found the run still going. */
        POLLED,
        /** A transient fault (5xx, timeout, connection error); tried again after a backoff. */
        RETRIED,
        /** The API refused the key, its scope or credits, or has no key configured; tried again slowly. */
        HELD,
        /** The result reached its destination: the job is final. */
        FINISHED,
        /** The result could not be delivered in the attempts allowed; it stays in the store. */
        UNDELIVERABLE,
        /** A request refused at intake, recorded once as a failed job of its own; its API is null when it named none. */
        REJECTED
    }

    static JobEvent of(Kind kind, Job job) {
        return new JobEvent(
                kind, job.api(), job.outcome(), job.createdAt(), job.finishedAt() == null ? 0 : job.finishedAt());
    }
}
