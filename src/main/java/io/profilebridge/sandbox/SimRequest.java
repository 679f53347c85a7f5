package io.profilebridge.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import io.profilebridge.Json;

/** One request to a simulated API, already read off the wire. {@code json} is null when the body is not JSON. */
record SimRequest(String method, String path, String idempotencyHeader, String apiKey, String body, JsonNode json) {

    static JsonNode parse(String body) {
        try {
            return body == null || body.isBlank() ? null : Json.parse(body);
        } catch (Exception e) {
            return null;
        }
    }

    /** The path's last segment, e.g. the id in {@code /api/v1/search-profile-creations/{id}}. */
    String lastSegment() {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    /** An answer of a simulated API. */
    record Reply(int status, JsonNode body, java.util.Map<String, String> headers) {
        static Reply of(int status, JsonNode body) {
            return new Reply(status, body, java.util.Map.of());
        }

        Reply with(String header, String value) {
            var all = new java.util.HashMap<>(headers);
            all.put(header, value);
            return new Reply(status, body, all);
        }
    }
}
