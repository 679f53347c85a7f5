package io.profilebridge.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.profilebridge.Json;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The {@code error} member of a result document: the API's own code where it gave one, and in {@code details} the
 * other members of the API's error (Orbit's {@code requiredCredits} / {@code remainingCredits}, a 422's
 * {@code detail}) or, for {@code gave_up}, the {@code lastCause}.
 */
public record ApiError(String code, String message, Integer httpStatus, ObjectNode details) {

    public ApiError {
        // README "Fields": a message over 4,096 characters is cut there and says so, whatever it echoes (cluster and
        // JMS audit: a 200,000-character api property came back whole in the result, on /jobs and in a log line)
        message = ErrorBody.bounded(message);
    }

    public ApiError(String code, String message, Integer httpStatus) {
        this(code, message, httpStatus, null);
    }

    public static ApiError of(String code, String message) {
        return new ApiError(code, message, null);
    }

    /**
     * A success answer that is none the docs give: {@code what} (say "the create answer") is no JSON object, or is one
     * that {@code lacks} what it must name (say "has no profile_creation_id"). Asked again under the same key.
     */
    public static ApiError unexpected(ApiAnswer answer, String what, String lacks) {
        return new ApiError(
                "unexpected_answer",
                answer.body() != null && answer.body().isObject()
                        ? what + " " + lacks
                        : what + " has no JSON object" + Json.notReadBeyond(answer.body()),
                answer.httpStatus());
    }

    /** The code, message and status of an error as {@link #toJson()} wrote it (a job's last error, a start's cause). */
    public static ApiError fromJson(JsonNode stored) {
        return new ApiError(
                Json.text(stored, "code"),
                Json.text(stored, "message"),
                stored.hasNonNull("httpStatus") ? stored.get("httpStatus").asInt() : null);
    }

    public ObjectNode toJson() {
        ObjectNode node = Json.object();
        node.put("code", code);
        node.put("message", message);
        if (httpStatus != null) {
            node.put("httpStatus", httpStatus);
        }
        if (details != null) {
            details.fields().forEachRemaining(detail -> node.putIfAbsent(detail.getKey(), detail.getValue()));
        }
        return node;
    }

    /** The scalar details (credits, ...), for a health check or a log line. */
    public Map<String, String> scalarDetails() {
        Map<String, String> scalars = new LinkedHashMap<>();
        if (details != null) {
            details.fields().forEachRemaining(detail -> {
                if (detail.getValue().isValueNode()) {
                    scalars.put(detail.getKey(), detail.getValue().asText());
                }
            });
        }
        return scalars;
    }

    /** The scalar details as a log line or health message shows them: " (requiredCredits 10, remainingCredits 0)". */
    public String scalarDetailsShown() {
        Map<String, String> scalars = scalarDetails();
        return scalars.isEmpty()
                ? ""
                : scalars.entrySet().stream()
                        .map(detail -> detail.getKey() + " " + detail.getValue())
                        .collect(Collectors.joining(", ", " (", ")"));
    }
}
