package io.profilebridge;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/** The one JSON mapper of the bridge, plus the canonical form that idempotency keys are derived from. */
public final class Json {

    /** Deeper than any real request body; protects the process from absurdly nested input. */
    public static final int MAX_NESTING_DEPTH = 64;

    public static final ObjectMapper MAPPER = new ObjectMapper();

    static {
        MAPPER.getFactory()
                .setStreamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(MAX_NESTING_DEPTH)
                        // a field name is bounded by the text's own limit (a request's or an answer's bytes), not by
                        // Jackson's 50,000 characters: a longer one was refused as nested too deep (inbox audit)
                        .maxNameLength(Integer.MAX_VALUE)
                        .build());
    }

    private static final ObjectMapper CANONICAL =
            MAPPER.copy().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

    /**
     * For what an API answered and what the bridge stored of it: a number is kept as written (1.10 stays 1.10, 1e-400
     * does not become 0.0 nor 1e400 the string "Infinity"), as a result's {@code status} is the payload verbatim.
     */
    private static final ObjectMapper EXACT = MAPPER.copy()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .setNodeFactory(JsonNodeFactory.withExactBigDecimals(true));

    /**
     * How deep an API answer (and what the bridge stored of one) may nest. The API docs set no bound, so this is far
     * beyond any real answer (hostile-API audit: a valid status 70 levels deep was refused as "no JSON object" and a
     * paid run's profile lost) while a result wrapping it stays within the 1,000 levels Jackson writes. Requests keep
     * {@link #MAX_NESTING_DEPTH}: their parser is the request reader's own.
     */
    public static final int MAX_ANSWER_NESTING_DEPTH = 500;

    /** Said where an answer has no JSON object: one nested deeper reads as none (outside-data audit). */
    private static final String NOT_READ_BEYOND =
            " (or one nested deeper than " + MAX_ANSWER_NESTING_DEPTH + " levels, which is not read)";

    static {
        EXACT.getFactory()
                .setStreamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(MAX_ANSWER_NESTING_DEPTH)
                        .maxNameLength(Integer.MAX_VALUE)
                        .build());
    }

    private Json() {}

    /**
     * What to add to "has no JSON object" of an answer read as {@code body}: that one nested too deep reads as none,
     * where the answer looks like JSON (not for an HTML page or an empty body).
     */
    public static String notReadBeyond(JsonNode body) {
        String text = body != null && body.isTextual() ? body.asText().stripLeading() : "";
        return text.startsWith("{") || text.startsWith("[") ? NOT_READ_BEYOND : "";
    }

    public static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    public static JsonNode parse(String text) throws JsonProcessingException {
        return MAPPER.readTree(text);
    }

    /** Reads one JSON value from the parser, keeping every number as written: a request is sent as it was given. */
    public static JsonNode readExact(JsonParser parser) throws IOException {
        return EXACT.readTree(parser);
    }

    /** Parses text that the bridge wrote itself (job store columns); null stays null. */
    public static JsonNode parseStored(String text) {
        if (text == null) {
            return null;
        }
        try {
            return EXACT.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored JSON is unreadable: " + e.getOriginalMessage(), e);
        }
    }

    /** Tolerant parse of a remote answer: anything that is not JSON is kept as a text node. */
    public static JsonNode parseLenient(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        return parseAnswer(text).orElseGet(() -> MAPPER.getNodeFactory().textNode(text));
    }

    /** A parser of a remote answer's text, with the answers' nesting bound ({@link #MAX_ANSWER_NESTING_DEPTH}). */
    public static JsonParser answerParser(String text) throws IOException {
        return EXACT.getFactory().createParser(withoutByteOrderMark(text));
    }

    /**
     * An answer's text without a leading byte-order mark, which RFC 8259 lets a parser ignore (HTTP-wire audit: a
     * SUCCEEDED run answered so was read as no JSON, and given up).
     */
    public static String withoutByteOrderMark(String text) {
        return text.startsWith("\uFEFF") ? text.substring(1) : text;
    }

    /** A parser of a document the bridge wrote (a result file), with every number read as written. */
    public static JsonParser storedParser(InputStream in) throws IOException {
        return EXACT.getFactory().createParser(in);
    }

    /** A remote answer parsed with every number as written; empty when it is not JSON. */
    public static Optional<JsonNode> parseAnswer(String text) {
        try {
            return Optional.ofNullable(EXACT.readTree(withoutByteOrderMark(text)))
                    .filter(node -> !node.isMissingNode());
        } catch (JsonProcessingException | NumberFormatException e) {
            // a number whose exponent is beyond an int's is refused unchecked: such an answer is not JSON we can read
            return Optional.empty();
        }
    }

    /** JSON text that is valid Unicode, so a file or message can carry it as UTF-8 (see {@link #hasUnpairedSurrogate}). */
    public static String write(Object value) {
        try {
            return escapeUnpairedSurrogates(MAPPER.writeValueAsString(value));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** Whether the text holds half a surrogate pair (D800-DFFF): a JSON escape of one can make one, so can JMS text. */
    public static boolean hasUnpairedSurrogate(String text) {
        return firstUnpairedSurrogate(text) >= 0;
    }

    /** Where the text's first half of a surrogate pair without its other half stands, or -1. */
    public static int firstUnpairedSurrogate(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Writes each unpaired surrogate back as the JSON escape it came from. Jackson copies it into the text as it is,
     * and UTF-8 cannot encode it: the result of a request holding one could otherwise never be written.
     */
    public static String escapeUnpairedSurrogates(String json) {
        StringBuilder escaped = null;
        for (int i = 0; i < json.length(); i++) {
            char c = json.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < json.length() && Character.isLowSurrogate(json.charAt(i + 1))) {
                if (escaped != null) {
                    escaped.append(c).append(json.charAt(i + 1));
                }
                i++;
            } else if (Character.isSurrogate(c)) {
                if (escaped == null) {
                    escaped = new StringBuilder(json.length() + 16).append(json, 0, i);
                }
                escaped.append(String.format("\\u%04x", (int) c));
            } else if (escaped != null) {
                escaped.append(c);
            }
        }
        return escaped == null ? json : escaped.toString();
    }

    /** Sorted keys, no whitespace: two bodies that mean the same give the same text. */
    public static String canonical(JsonNode node) {
        try {
            return CANONICAL.writeValueAsString(MAPPER.treeToValue(asDoubles(node), Object.class));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write canonical JSON: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * The tree with its decimals as doubles, as requests were read before they were kept exact, so the keys and hashes
     * of requests recorded then stay the same (only -0.0, which a decimal cannot hold, now derives 0.0's). A decimal no
     * double can hold (1e400, 1e-400) stays exact: as a double it would be Infinity or 0, and 1e400 and 2e400 one key.
     * No key was derived from such a number before (they were refused, though the API may take them: hostile-input
     * audit, as a 400-digit integer, kept exact, was taken).
     */
    private static JsonNode asDoubles(JsonNode node) {
        if (node.isBigDecimal()) {
            double asDouble = node.doubleValue();
            boolean fits = Double.isFinite(asDouble)
                    && (asDouble != 0 || node.decimalValue().signum() == 0);
            return fits ? DoubleNode.valueOf(asDouble) : node;
        }
        if (node.isObject()) {
            ObjectNode copy = object();
            node.fields().forEachRemaining(field -> copy.set(field.getKey(), asDoubles(field.getValue())));
            return copy;
        }
        if (node.isArray()) {
            ArrayNode copy = MAPPER.createArrayNode();
            node.forEach(element -> copy.add(asDoubles(element)));
            return copy;
        }
        return node;
    }

    /**
     * The field's text when it is an id: null when it is missing, null or empty, as an empty id names nothing (an
     * answer that gives one is short of what the docs promise, not a run or profile called "").
     */
    public static String id(JsonNode node, String field) {
        String text = text(node, field);
        return text == null || text.isEmpty() ? null : text;
    }

    public static String text(JsonNode node, String field) {
        if (node == null) {
            return null;
        }
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }
}
