package io.profilebridge.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.profilebridge.Json;
import io.profilebridge.api.ApiError;
import io.profilebridge.api.FaultClass;
import java.util.List;
import java.util.Optional;

/**
 * The notes the job lifecycle keeps in a job's last error beside the error itself: an unanswered start's cause and
 * when its status was first looked for, whether a start under the job's key may have started a run, and a "Retry
 * later" carried past the faults that followed it under the same key. An operator sees the error without them
 * ({@link #shownError}).
 */
public final class LastErrorNotes {

    /** In the last error of a job whose start went unanswered: that start's cause, kept while its status is read. */
    private static final String START_CAUSE = "startCause";

    /** When the status of an unanswered start was first looked for (its last error keeps it). */
    private static final String LOOKED_AT = "lookedAt";

    /** The note of a job that took over another's key, before its own first call: no cause of its own. */
    private static final String KEY_TAKEN_OVER = "key_taken_over";

    /** The "Retry later" a fault's error carries from before it under the same key ({@link #turnedDown}). */
    private static final String TURNED_DOWN_BY = "turnedDownBy";

    /**
     * In the last error of a job whose API names runs by key, not started yet: the key its starts went under, and
     * whether one of them may have started a run (a lost answer, a 5xx other than "Retry later"), so that the look
     * before a give-up follows every attempt under that key, not the last one's answer ({@link JobLifecycle#lookedForUnseenStart}).
     */
    private static final String START_SENT = "startMaybeSent";

    /**
     * A job's last error as an operator reads it ({@code /jobs}): without the lifecycle's own bookkeeping in it (when a
     * start was looked for, whether one may have been sent, a "Retry later" carried over), which is no error
     * (observability audit: {@code startMaybeSent} with a start key showed in {@code lastError}).
     */
    public static JsonNode shownError(Job job) {
        JsonNode error = Json.parseStored(job.lastError());
        if (error instanceof ObjectNode object) {
            removeNotes(object);
        }
        return error;
    }

    /**
     * The error without the lifecycle's bookkeeping, as an operator or a caller reads it: whether a start may have been
     * sent, when its look began, and the "Retry later" of another job's start (error-codes audit: a give-up's
     * {@code lastCause} showed a caller an earlier request's 400 as {@code turnedDownBy}).
     */
    static void removeNotes(ObjectNode error) {
        error.remove(List.of(START_SENT, LOOKED_AT, TURNED_DOWN_BY));
    }

    /** Whether the error is the note of a key taken over, no cause of the job's own ({@link #takesOverKeyOf}). */
    static boolean tookOverKey(JsonNode error) {
        return error != null && KEY_TAKEN_OVER.equals(Json.text(error, "code"));
    }

    /** When the look for an unanswered start began, as its last error keeps it; 0 when it says nothing. */
    static long lookedAt(JsonNode lastError) {
        return lastError == null ? 0 : lastError.path(LOOKED_AT).asLong(0);
    }

    /** The cause an unanswered start was given up for, as {@link JobLifecycle#startUnanswered} kept it (else the last error). */
    static JsonNode startCause(JsonNode lastError) {
        return lastError == null || !lastError.has(START_CAUSE) ? lastError : lastError.get(START_CAUSE);
    }

    /**
     * The API's "Retry later" under the job's key ({@link FaultClass#ORBIT_NOT_TAKEN}), when it is the job's last error
     * or was carried past the faults that followed it under the same key; empty otherwise. A refund of that key is the
     * outage's ({@link JobLifecycle#turnedDownAndRefunded}).
     */
    public static Optional<JsonNode> turnedDown(Job job) {
        JsonNode last = Json.parseStored(job.lastError());
        if (last == null) {
            return Optional.empty();
        }
        return FaultClass.ORBIT_NOT_TAKEN.contains(Json.text(last, "code"))
                ? Optional.of(last)
                : Optional.ofNullable(last.get(TURNED_DOWN_BY));
    }

    /**
     * Marks {@code job}, about to take over the key of {@code holder} (a job that failed without a run), so that a
     * refund of that key is taken for the holder's, as a "Retry later" before it under the key is ({@link #turnedDown}):
     * the job goes on under a derived key instead of reading a profileId's profile as regenerated (review: a refund
     * the holder's rejected start left was read as this request's completed regeneration).
     */
    public static void takesOverKeyOf(Job job, Job holder) {
        JsonNode holdersError = Json.parseStored(holder.lastError());
        ObjectNode error = ApiError.of(
                        KEY_TAKEN_OVER,
                        "took over its idempotency key from job " + holder.id()
                                + ", which failed without a run; a refund of the key is that job's")
                .toJson();
        error.set(TURNED_DOWN_BY, holdersError != null ? holdersError : error.deepCopy());
        job.lastError(error.toString());
    }

    /**
     * A fault's error, carrying the "Retry later" before it under the same key: a 429 or a lost answer between the 5xx
     * and the refund it brings hid the outage (review), and the refund then spent the one retry a refund gets, or a
     * {@code profileId} request was answered with its existing profile though nothing ran.
     */
    static ObjectNode keepingTurnDown(Job job, ObjectNode error) {
        Optional<JsonNode> turnedDown = turnedDown(job);
        if (turnedDown.isPresent() && !FaultClass.ORBIT_NOT_TAKEN.contains(Json.text(error, "code"))) {
            ObjectNode outage = turnedDown.get().deepCopy();
            outage.remove(TURNED_DOWN_BY);
            error.set(TURNED_DOWN_BY, outage);
        }
        return error;
    }

    static boolean isUnstarted(Job job) {
        return job.state() == JobState.RECEIVED && job.remoteId() == null;
    }

    /** A job not started yet: its faults note whether a start under its key may have started a run. */
    static boolean recordsStarts(Job job) {
        return isUnstarted(job) && job.api() != null;
    }

    /**
     * Stores the job's last error; for a job not started yet, noting whether a start under its present key may have
     * started a run ({@link #START_SENT}).
     */
    static void storeError(Job job, ObjectNode error, boolean startMaybeSent) {
        if (recordsStarts(job)) {
            ObjectNode sent = error.putObject(START_SENT);
            sent.put("key", job.idempotencyKey());
            sent.put("maybe", startMaybeSent);
        }
        job.lastError(error.toString());
    }

    /**
     * Whether a start under the job's present key may have started a run, as its faults recorded it; for a job whose
     * last error does not say (saved by an earlier release), the earlier rule: it has attempts and its last error is
     * no "Retry later".
     */
    static boolean startMaybeSentSoFar(Job job) {
        return startMaybeSent(job).orElseGet(() -> {
            JsonNode last = Json.parseStored(job.lastError());
            return job.attempts() > 0
                    && (last == null || !FaultClass.ORBIT_NOT_TAKEN.contains(Json.text(last, "code")));
        });
    }

    /**
     * Whether a start of the job under its present key may have started a run, as its faults recorded it; empty when
     * they did not (a job saved by an earlier release, or whose last error another step wrote).
     */
    static Optional<Boolean> startMaybeSent(Job job) {
        JsonNode lastError = Json.parseStored(job.lastError());
        JsonNode sent = lastError == null ? Json.object() : lastError.path(START_SENT);
        return sent.path("key").isTextual() && sent.path("key").asText().equals(job.idempotencyKey())
                ? Optional.of(sent.path("maybe").asBoolean(true))
                : Optional.empty();
    }

    /** An unanswered start's error, noting its cause and when its status was first looked for. */
    static ObjectNode startLookBegins(ApiError cause, long now) {
        ObjectNode lastError = cause.toJson();
        lastError.set(START_CAUSE, cause.toJson());
        lastError.put(LOOKED_AT, now);
        return lastError;
    }

    /** A failed read's error, keeping the unanswered start's cause and when its look began, from {@code before}. */
    static void keepStartLook(ObjectNode read, JsonNode start, JsonNode before) {
        read.set(START_CAUSE, start);
        read.put(LOOKED_AT, lookedAt(before));
    }

    private LastErrorNotes() {}
}
