package io.profilebridge.operations;

import io.profilebridge.api.ApiBucket;
import io.profilebridge.api.ApiBudgets;
import io.profilebridge.api.ApiError;
import io.profilebridge.api.ApiHolds;
import io.profilebridge.job.Job;
import io.profilebridge.job.WorkQueue;
import java.util.Optional;

/**
 * Why a pending job's next call waits beyond its due time, as {@code /jobs} shows it: its API holds the call (no key,
 * 401/403/402), or the key's bucket is paused by a 429 or a 503's Retry-After (or, on a shared store, by a refusal of
 * the key at any instance, until its next probe). The status page shows both per bucket;
 * {@code /jobs} showed only the hold, so a job due in the past waited a pause out with no reason given (observability
 * audit).
 */
final class JobWaits {

    private final ApiHolds holds;
    private final ApiBudgets budgets;

    JobWaits(ApiHolds holds, ApiBudgets budgets) {
        this.holds = holds;
        this.budgets = budgets;
    }

    /** Why the job's API refuses its next call, if it does. */
    Optional<ApiError> heldBecause(Job job) {
        return bucketOf(job).flatMap(bucket -> holds.hold(bucket, WorkQueue.callsOf(job.state())));
    }

    /** The pause the job's bucket sits out now, if any. */
    Optional<ApiBudgets.View> pause(Job job) {
        return bucketOf(job)
                .flatMap(bucket -> budgets.view().stream()
                        .filter(view -> view.bucket() == bucket && view.pausedUntil() > 0)
                        .findFirst());
    }

    /** The bucket the job's next call spends from: none for a final job (one rejected at intake too) or a delivery. */
    private static Optional<ApiBucket> bucketOf(Job job) {
        WorkQueue queue = WorkQueue.of(job);
        return queue == null ? Optional.empty() : Optional.ofNullable(queue.bucket());
    }
}
