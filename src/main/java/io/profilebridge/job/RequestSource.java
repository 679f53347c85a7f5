package io.profilebridge.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.profilebridge.Json;
import java.util.Objects;

/**
 * Where a request came from, and so where its result goes: a file in the inbox, or a JMS message.
 * {@link #identity()} is the part that feeds the derived idempotency key.
 *
 * @param folder for files: the inbox folder the file was dropped into, relative to the inbox ({@code ""} for the
 *               inbox itself, {@code openprospect}, {@code orbit}); null for jobs recorded before it was kept
 */
public record RequestSource(
        String channel, String fileName, String messageId, String correlationId, String replyTo, String folder) {

    public static final String FILE = "file";
    public static final String JMS = "jms";

    /** A file whose folder is not known (the offline check command); its result goes to the API's folder. */
    public static RequestSource file(String fileName) {
        return file(null, fileName);
    }

    public static RequestSource file(String folder, String fileName) {
        return new RequestSource(FILE, fileName, null, null, null, folder);
    }

    public static RequestSource jms(String messageId, String correlationId, String replyTo) {
        return new RequestSource(JMS, null, messageId, correlationId, replyTo, null);
    }

    public boolean isFile() {
        return FILE.equals(channel);
    }

    /** The JMS correlation id a result carries: the request's correlation id, else its message id. */
    public String resultCorrelationId() {
        return correlationId != null ? correlationId : messageId;
    }

    /** Whether a JMS result for either would reach the same reply destination under the same correlation id. */
    public boolean sameReplyAs(RequestSource other) {
        return !isFile()
                && !other.isFile()
                && Objects.equals(replyTo, other.replyTo)
                && Objects.equals(resultCorrelationId(), other.resultCorrelationId());
    }

    /** The file name only, not its folder, so keys derived before the folder was kept stay the same. */
    public String identity() {
        return isFile() ? "file:" + fileName : "jms:" + resultCorrelationId();
    }

    /** The file's path below the inbox ({@code orbit/NAME.json}, or {@code NAME.json} for an envelope). */
    public String inboxPath() {
        return folder == null || folder.isEmpty() ? fileName : folder + "/" + fileName;
    }

    /** A short human name for logs and the status page. */
    public String displayName() {
        return isFile() ? inboxPath() : "jms " + resultCorrelationId();
    }

    public ObjectNode toJson() {
        ObjectNode node = Json.object();
        node.put("channel", channel);
        if (isFile()) {
            node.put("file", fileName);
            if (folder != null) {
                node.put("folder", folder);
            }
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
        return new RequestSource(
                Json.text(node, "channel"),
                Json.text(node, "file"),
                Json.text(node, "messageId"),
                Json.text(node, "correlationId"),
                Json.text(node, "replyTo"),
                Json.text(node, "folder"));
    }
}
