package io.profilebridge.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.profilebridge.Json;

/**
 * Where a request came from, and so where its result goes: a file in the inbox, or a JMS message.
 * {@link #identity()} is the part that feeds the derived idempotency key.
 */
public record RequestSource(String channel, String fileName, String messageId, String correlationId, String replyTo) {

    public static final String FILE = "file";
    public static final String JMS = "jms";

    public static RequestSource file(String fileName) {
        return new RequestSource(FILE, fileName, null, null, null);
    }

    public static RequestSource jms(String messageId, String correlationId, String replyTo) {
        return new RequestSource(JMS, null, messageId, correlationId, replyTo);
    }

    public boolean isFile() {
        return FILE.equals(channel);
    }

    /** The JMS correlation id a result carries: the request's correlation id, else its message id. */
    public String resultCorrelationId() {
        return correlationId != null ? correlationId : messageId;
    }

    public String identity() {
        return isFile() ? "file:" + fileName : "jms:" + resultCorrelationId();
    }

    /** A short human name for logs and the status page. */
    public String displayName() {
        return isFile() ? fileName : "jms " + resultCorrelationId();
    }

    public ObjectNode toJson() {
        ObjectNode node = Json.object();
        node.put("channel", channel);
        if (isFile()) {
            node.put("file", fileName);
        } else {
            node.put("messageId", messageId);
            node.put("correlationId", correlationId);
            if (replyTo != null) {
                node.put("replyTo", replyTo);
            }
        }
        return node;
    }

    public static RequestSource fromJson(String json) {
        JsonNode node = Json.parseStored(json);
        return new RequestSource(Json.text(node, "channel"), Json.text(node, "file"), Json.text(node, "messageId"),
                Json.text(node, "correlationId"), Json.text(node, "replyTo"));
    }
}
