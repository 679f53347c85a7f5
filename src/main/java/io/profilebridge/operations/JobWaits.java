package io.profilebridge.operations;

import io.profilebridge.api.ApiBudgets;
import io.profilebridge.api.ApiError;
import io.profilebridge.api.ApiHolds;
import io.profilebridge.job.Job;
import io.profilebridge.job.WorkQueue;
import java.util.Optional;

/**
 * Why a pending job's next call waits beyond its due time, as {@code /jobs} shows it: its API holds the call (no key,
 * 401/403/402), or the key's bucket is paused by a 429 or a 503's Retry-After. The status page shows both per bucket;
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
        WorkQueue queue = WorkQueue.of(job); // null for a final job, a request rejected at intake among them
        if (queue == null || queue.bucket() == null) {
            return Optional.empty();
        }
        return holds.hold(queue.bucket(), WorkQueue.callsOf(job.state()));
    }

    /** The pause the job's bucket sits out now, if any. */
    Optional<ApiBudgets.View> pause(Job job) {
        WorkQueue queue = WorkQueue.of(job);
        if (queue == null || queue.bucket() == null) {
            return Optional.empty();
        }
        return budgets.view().stream()
                .filter(view -> view.bucket() == queue.bucket() && view.pausedUntil() > 0)
                .findFirst();
    }
}
