package io.profilebridge;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The one JSON mapper of the bridge, plus the canonical form that idempotency keys are derived from. */
public final class Json {

    /** Deeper than any real request body; protects the process from absurdly nested input. */
    public static final int MAX_NESTING_DEPTH = 64;

    public static final ObjectMapper MAPPER = new ObjectMapper();

    static {
        MAPPER.getFactory().setStreamReadConstraints(
                StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING_DEPTH).build());
    }

    private static final ObjectMapper CANONICAL = MAPPER.copy()
            .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

    private Json() {
    }

    public static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    public static JsonNode parse(String text) throws JsonProcessingException {
        return MAPPER.readTree(text);
    }

    /** Parses text that the bridge wrote itself (job store columns); null stays null. */
    public static JsonNode parseStored(String text) {
        if (text == null) {
            return null;
        }
        try {
            return MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored JSON is unreadable: " + e.getOriginalMessage(), e);
        }
    }

    /** Tolerant parse of a remote answer: anything that is not JSON is kept as a text node. */
    public static JsonNode parseLenient(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            return MAPPER.getNodeFactory().textNode(text);
        }
    }

    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** Sorted keys, no whitespace: two bodies that mean the same give the same text. */
    public static String canonical(JsonNode node) {
        try {
            return CANONICAL.writeValueAsString(MAPPER.treeToValue(node, Object.class));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write canonical JSON: " + e.getOriginalMessage(), e);
        }
    }

    public static String text(JsonNode node, String field) {
        if (node == null) {
            return null;
        }
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }
}
