package io.profilebridge.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.profilebridge.Json;
import io.profilebridge.api.Api;
import io.profilebridge.api.ApiError;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;

/** The result document of the contract (section 4): one per accepted or rejected request. */
public final class ResultDocument {

    public static final String SUCCEEDED = "succeeded";
    public static final String FAILED = "failed";
    /** The W3C trace id the request's work ran under; null when it was not traced. */
    public static final String TRACE_ID = "traceId";

    private ResultDocument() {}

    /** A result for a job the store knows; {@code extras} adds the API's own fields (profileId, profiles). */
    public static ObjectNode of(Job job, String outcome, ApiError error, ObjectNode extras) {
        ObjectNode doc = base(
                job.api().id(),
                outcome,
                job.idempotencyKey(),
                job.remoteId(),
                lastStatus(job),
                error,
                Json.parseStored(job.requestBody()),
                job.source().toJson());
        if (job.previousAttempts() != null) {
            doc.set("attempts", Json.parseStored(job.previousAttempts()));
        }
        doc.put("jobId", job.id());
        doc.put(TRACE_ID, job.traceId());
        if (extras != null) {
            doc.setAll(extras);
        }
        return doc;
    }

    /**
     * The last status payload the API returned, as the contract has it: the present key's, else the latest earlier
     * key's (fault-sequence audit: after a FAILED run retried under a derived key that then failed to start, the
     * result's status was null).
     */
    private static JsonNode lastStatus(Job job) {
        JsonNode status = Json.parseStored(job.lastStatus());
        JsonNode earlier = Json.parseStored(job.previousAttempts());
        if (status != null || earlier == null) {
            return status;
        }
        for (int i = earlier.size() - 1; i >= 0; i--) {
            if (earlier.get(i).hasNonNull("status")) {
                return earlier.get(i).get("status");
            }
        }
        return null;
    }

    /**
     * A done job's stored result as sent to another request for it (the same request dropped elsewhere or again, a
     * later JMS message): its {@code source} names that request, so the reader knows which one it answers.
     */
    public static String forSource(String resultJson, RequestSource source) {
        ObjectNode doc = (ObjectNode) Json.parseStored(resultJson);
        doc.set("source", source.toJson());
        return Json.write(doc);
    }

    /**
     * A result for a request rejected before it became a job (unreadable, invalid, conflicting key), with its
     * {@code jobId}: named by what the rejection is ({@link #rejectionIdentity}), as the same rejection is the same
     * failed job however often it arrives.
     */
    public static ObjectNode rejected(
            String api, String idempotencyKey, JsonNode request, RequestSource source, ApiError error) {
        ObjectNode doc = base(api, FAILED, idempotencyKey, null, null, error, request, source.toJson());
        doc.put(
                "jobId",
                UUID.nameUUIDFromBytes(Json.write(rejectionIdentity(doc)).getBytes(StandardCharsets.UTF_8))
                        .toString());
        return doc;
    }

    /**
     * What makes two rejections one: API, key, request, source and the error's code; not the error's wording, which a
     * later release may change, nor the job id or trace id (upgrade audit: a refusal reworded by a release gave the
     * same file dropped again a second result, under a new job id, beside the earlier release's).
     */
    public static JsonNode rejectionIdentity(JsonNode doc) {
        ObjectNode identity = Json.object();
        for (String field : List.of("api", "idempotencyKey", "request", "source")) {
            identity.set(field, doc.get(field));
        }
        identity.set("errorCode", doc.path("error").get("code"));
        return identity;
    }

    /**
     * True for the {@code jobId} of an intake rejection: a name-based (version 3) UUID, where a job's id is a
     * time-ordered one ({@link TimeOrderedIds}, version 7; version 4 before). A rejection carries the caller's key, so
     * its result shares API and key with the job that holds the key, but it is never that job's own result.
     */
    public static boolean isRejectionId(String jobId) {
        try {
            return jobId != null && UUID.fromString(jobId).version() == 3;
        } catch (IllegalArgumentException notAUuid) {
            return false;
        }
    }

    /**
     * A failed {@code result_too_large} in place of a result too large to send, within {@code maxChars} if it can be:
     * the API's statuses and profiles left out, and the request too when it alone does not fit; its
     * identity, remote id (to read the rest from the API) and OpenProspect {@code profileId} kept. The error names
     * what the result was, should it not have failed.
     */
    public static String tooLarge(String resultJson, String why, long maxChars) {
        ObjectNode doc = (ObjectNode) Json.parseStored(resultJson);
        JsonNode error = doc.path("error");
        String was = error.hasNonNull("code")
                ? "it failed with " + error.get("code").asText()
                : "its outcome was " + doc.path("outcome").asText();
        doc.put("outcome", FAILED);
        doc.putNull("status");
        // the earlier attempts stay, their statuses left out as this one's is
        for (JsonNode attempt : doc.path("attempts")) {
            if (attempt instanceof ObjectNode earlier && earlier.has("status")) {
                earlier.putNull("status");
            }
        }
        if (doc.has("profiles")) {
            doc.putArray("profiles");
        }
        doc.set(
                "error",
                ApiError.of(
                                "result_too_large",
                                why + "; " + was + "; the API's status and profiles are left out:"
                                        + " read them from the API by remoteId")
                        .toJson());
        String fitted = Json.write(doc);
        if (fitted.length() > maxChars) {
            doc.putNull("request");
            fitted = Json.write(doc);
        }
        return fitted;
    }

    private static ObjectNode base(
            String api,
            String outcome,
            String key,
            String remoteId,
            JsonNode status,
            ApiError error,
            JsonNode request,
            ObjectNode source) {
        ObjectNode doc = Json.object();
        doc.put("api", api);
        doc.put("outcome", outcome);
        doc.put("idempotencyKey", key);
        doc.put("remoteId", remoteId);
        doc.set("status", status);
        doc.set("error", error == null ? null : error.toJson());
        doc.set("request", request);
        doc.set("source", source);
        // every earlier attempt under another key (key, remote id, error); empty when there was none
        doc.putArray("attempts");
        // the API's own field is always there, so a reader need not ask whether it is: null / empty until the API's
        // answer fills it (the job's extras)
        Api.of(api).ifPresent(known -> {
            switch (known) {
                case OPENPROSPECT -> doc.putNull("profileId");
                case ORBIT -> doc.putArray("profiles");
            }
        });
        return doc;
    }
}
