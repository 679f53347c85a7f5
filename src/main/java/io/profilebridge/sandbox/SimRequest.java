package io.profilebridge.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import io.profilebridge.Json;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * One request to a simulated API, already read off the wire. {@code path} is the raw path, exactly as sent
 * (percent-escapes kept); {@code json} is null when the body is not JSON.
 */
record SimRequest(String method, String path, String idempotencyHeader, String apiKey, String body, JsonNode json) {

    /** The body as JSON with every number as sent (1e-400 is no 0.0, 1e400 no infinity); null when it is not JSON. */
    static JsonNode parse(String body) {
        return body == null || body.isBlank() ? null : Json.parseAnswer(body).orElse(null);
    }

    /** The path's last segment, decoded, e.g. the id in {@code /api/v1/search-profile-creations/{id}}. */
    String lastSegment() {
        return decode(path.substring(path.lastIndexOf('/') + 1));
    }

    /**
     * The id of {@code prefix/{id}}, decoded; null when the path is not that shape, as with an id whose {@code /} was
     * sent unencoded (a real server would route it elsewhere).
     */
    String idAfter(String prefix) {
        if (!path.startsWith(prefix + "/")) {
            return null;
        }
        String raw = path.substring(prefix.length() + 1);
        return raw.isEmpty() || raw.contains("/") ? null : decode(raw);
    }

    private static String decode(String segment) {
        return URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    /** An answer of a simulated API; {@code lost} closes the connection instead, after the work was done. */
    record Reply(int status, JsonNode body, Map<String, String> headers, boolean lost) {
        static Reply of(int status, JsonNode body) {
            return new Reply(status, body, Map.of(), false);
        }

        Reply with(String header, String value) {
            var all = new HashMap<>(headers);
            all.put(header, value);
            return new Reply(status, body, all, lost);
        }

        Reply lose() {
            return new Reply(status, body, headers, true);
        }
    }
}
