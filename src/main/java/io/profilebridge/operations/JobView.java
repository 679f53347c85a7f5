package io.profilebridge.operations;

import com.fasterxml.jackson.databind.JsonNode;
import io.profilebridge.api.ApiBudgets;
import io.profilebridge.api.ApiError;
import io.profilebridge.job.Job;
import io.profilebridge.job.LastErrorNotes;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

/**
 * How a job looks to an operator on {@code /jobs}: its two names, state, attempts, next attempt, last error, remote
 * id, trace id. Never an API key or a request body. The same record describes the response in the OpenAPI document.
 */
@Schema(name = "Job", description = "One request, accepted or rejected at intake")
record JobView(
        @Schema(description = "The job id: the bridge's own name for this request (also the result's jobId)")
        String jobId,

        @Schema(description = "openprospect or orbit; unknown for a request rejected at intake that named no API")
        String api,

        @Schema(
                description = "The idempotency key of the current attempt, as the API sees it (the result's "
                        + "idempotencyKey); null for a request rejected at intake",
                nullable = true)
        String idempotencyKey,

        @Schema(
                description = "The key the request was accepted under; the same as idempotencyKey unless a failed run "
                        + "was started again under a derived key; null for a request rejected at intake",
                nullable = true)
        String requestKey,

        @Schema(
                description = "True for a request rejected at intake (invalid, unreadable, unknown api): it was never "
                        + "sent and its failed result went out at once")
        boolean rejectedAtIntake,

        @Schema(description = "received, submitted, polling, fetching, delivering, delivered or failed")
        String state,

        @Schema(description = "succeeded or failed once decided, else null", nullable = true)
        String outcome,

        @Schema(description = "Attempts of the current step")
        int attempts,

        @Schema(description = "Status polls so far under the current key (a run retried under a new key counts again)")
        int polls,

        @Schema(
                description = "When the next step is due (ISO-8601); null when final, and when its API holds its"
                        + " calls (heldBecause) past that time: it goes on once the hold lifts (the job that probes the"
                        + " hold shows its probe's time)",
                nullable = true)
        String nextAttemptAt,

        @Schema(
                description = "The last error: code, message, httpStatus and the API's scalar details (and, while an"
                        + " unanswered start's run is looked for, that start's cause as startCause); null when none",
                implementation = Object.class,
                nullable = true)
        JsonNode lastError,

        @Schema(
                description = "Why the job's next call waits, when its API holds it: no key configured, or the key,"
                        + " its scope or its credits refused (401/403/402; what the health check reports). Nothing has"
                        + " failed; the job goes on once the hold lifts. Null otherwise",
                implementation = Object.class,
                nullable = true)
        JsonNode heldBecause,

        @Schema(
                description = "Until when (ISO-8601) the job's next call waits out a pause of its API key's bucket: a"
                        + " 429's Retry-After (every job of the bucket waits, not only the one that got it) or a 503's"
                        + " (every bucket of the API). Null when not paused",
                nullable = true)
        String pausedUntil,

        @Schema(
                description = "What began that pause, e.g. \"429, Retry-After 4 s\"; null when not paused",
                nullable = true)
        String pauseCause,

        @Schema(
                description =
                        "The API's id of the run (profile_creation_id / request_id); null until the API accepted it",
                nullable = true)
        String remoteId,

        @Schema(
                description = "Where the request came from: a file name, or JMS message and correlation ids",
                implementation = Object.class)
        JsonNode source,

        @Schema(
                description = "The W3C trace id every step of this request continues (the result's traceId, the "
                        + "trace.id of its log lines); null when it was not traced",
                nullable = true)
        String traceId,

        @Schema(description = "When the request was taken in (ISO-8601)")
        String createdAt,

        @Schema(description = "When the job last changed (ISO-8601)")
        String updatedAt,

        @Schema(description = "When the job ended (ISO-8601); null while it runs", nullable = true)
        String finishedAt) {

    /** @param waits what the APIs refuse and which buckets are paused now */
    /** {@code now}: the store's time, which the job's times are in. */
    static JobView of(Job job, JobWaits waits, long now) {
        Optional<ApiBudgets.View> pause = waits.pause(job);
        // a held job's time that has passed means nothing until the hold lifts (observability audit)
        JsonNode heldBecause =
                waits.heldBecause(job).<JsonNode>map(ApiError::toJson).orElse(null);
        Long nextAttemptAt = heldBecause != null && job.nextAttemptAt() != null && job.nextAttemptAt() < now
                ? null
                : job.nextAttemptAt();
        return new JobView(
                job.id(),
                StatusPage.apiOf(job),
                job.idempotencyKey(),
                job.requestKey(),
                job.rejectedAtIntake(),
                job.state().name().toLowerCase(Locale.ROOT),
                job.outcome(),
                job.attempts(),
                job.polls(),
                time(nextAttemptAt),
                LastErrorNotes.shownError(job),
                heldBecause,
                pause.map(view -> time(view.pausedUntil())).orElse(null),
                pause.map(ApiBudgets.View::pauseCause).orElse(null),
                job.remoteId(),
                job.source().toJson(),
                job.traceId(),
                time(job.createdAt()),
                time(job.updatedAt()),
                time(job.finishedAt()));
    }

    static String time(Long millis) {
        return millis == null ? null : Instant.ofEpochMilli(millis).toString();
    }
}
