package io.profilebridge.sandbox;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import io.profilebridge.Json;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * One request to a simulated API, already read off the wire. {@code path} is the raw path, exactly as sent
 * (percent-escapes kept); {@code json} is null when the body is not JSON, and {@code malformed} then says why when
 * the body was not empty.
 */
record SimRequest(
        String method,
        String path,
        String idempotencyHeader,
        String apiKey,
        String body,
        JsonNode json,
        String malformed) {

    /**
     * JSON as a strict server reads a body: exactly one value, each field once in an object. Jackson's tree reader
     * takes the first value and ignores what follows it, and keeps the last of a field given twice; a real API refuses
     * such a body, so a bridge that sent one would go unnoticed here (simulator-fidelity audit). Nested as deep as an
     * answer may be, as before.
     */
    private static final JsonFactory STRICT = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(Json.MAX_ANSWER_NESTING_DEPTH)
                    .maxNameLength(Integer.MAX_VALUE)
                    .build())
            .build();

    /** A request with its body read as a strict server reads it ({@link #read}). */
    static SimRequest of(String method, String path, String idempotencyHeader, String apiKey, String body) {
        Body read = read(body);
        return new SimRequest(method, path, idempotencyHeader, apiKey, body, read.json(), read.malformed());
    }

    /** A body: its JSON value (null when it is empty or not JSON), or why it is not JSON (null when it is). */
    record Body(JsonNode json, String malformed) {}

    /**
     * The body as JSON with every number as sent (1e-400 is no 0.0, 1e400 no infinity); null when it is empty or not
     * JSON, by the strict reading of {@link #read}.
     */
    static JsonNode parse(String body) {
        return read(body).json();
    }

    /** Reads the body: one JSON value, nothing but white space after it, no field twice in one object. */
    static Body read(String body) {
        if (body == null || body.isBlank()) {
            return new Body(null, null);
        }
        try (JsonParser parser = STRICT.createParser(body)) {
            JsonNode value;
            try {
                value = Json.readExact(parser);
            } catch (JsonProcessingException e) {
                String message = String.valueOf(e.getOriginalMessage());
                return new Body(
                        null,
                        message.startsWith("Duplicate field")
                                ? "the field \"" + parser.currentName() + "\" appears twice in one object"
                                        + at(e.getLocation())
                                : "not JSON: " + firstLine(message) + at(e.getLocation()));
            }
            if (parser.nextToken() != null) {
                return new Body(
                        null,
                        "the body goes on after its JSON value" + at(parser.currentTokenLocation())
                                + "; it must be exactly one JSON object");
            }
            return new Body(value, null);
        } catch (JsonProcessingException e) {
            // what follows the value is not even JSON (`{} x`)
            return new Body(
                    null,
                    "the body goes on after its JSON value" + at(e.getLocation()) + ": "
                            + firstLine(String.valueOf(e.getOriginalMessage())));
        } catch (NumberFormatException e) {
            // an exponent beyond an int's (1e9999999999): Jackson's BigDecimal refuses it unchecked
            return new Body(null, "a number's exponent is too large to read");
        } catch (IOException e) {
            return new Body(null, "unreadable: " + e.getMessage());
        }
    }

    private static String at(JsonLocation location) {
        return location == null || location.getLineNr() < 1
                ? ""
                : " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
    }

    private static String firstLine(String message) {
        int end = message.indexOf('\n');
        return end < 0 ? message : message.substring(0, end);
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
