package io.profilebridge.intake;

import io.profilebridge.Json;
import io.profilebridge.api.ApiError;
import jakarta.jms.BytesMessage;
import jakarta.jms.JMSException;
import jakarta.jms.MapMessage;
import jakarta.jms.Message;
import jakarta.jms.ObjectMessage;
import jakarta.jms.StreamMessage;
import jakarta.jms.TextMessage;
import java.nio.charset.StandardCharsets;

/**
 * The body of a JMS request: the JSON of a TextMessage or a BytesMessage. The jms-requests route keeps the JMS
 * message as it came ({@code mapJmsMessage=false}), so nothing is read before this: a BytesMessage over the limit
 * is refused without being read, an ObjectMessage without being deserialized, and other types get a clear error.
 */
final class JmsRequestBody {

    private JmsRequestBody() {}

    /** The request's bytes (null when the size alone is over the limit: not read), or why they are not read. */
    sealed interface Read permits RequestBytes, Refused {}

    record Refused(ApiError error) implements Read {}

    static Read read(Message message, long maxBytes) throws JMSException {
        if (message instanceof TextMessage text) {
            // held in memory already (the JMS client decodes text on receipt; the broker caps message sizes);
            // RequestReader checks its UTF-8 size
            String body = text.getText();
            if (body == null) {
                return empty();
            }
            // UTF-8 would send half a surrogate pair as "?": another request than the caller's (files-and-JMS audit: a
            // paid Orbit run started with "sur?@example.com"); a file holding the same is refused as well
            int half = Json.firstUnpairedSurrogate(body);
            if (half >= 0) {
                return new Refused(ApiError.of(
                        "request_not_unicode",
                        "the text of the JMS message holds half a surrogate pair (U+"
                                + String.format("%04X", (int) body.charAt(half)) + " at character " + half
                                + ", counted from 0), not a character; it can be neither sent nor written as UTF-8"));
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            return new RequestBytes(bytes, bytes.length);
        }
        if (message instanceof BytesMessage bytes) {
            long length = bytes.getBodyLength();
            if (length > maxBytes) {
                return RequestBytes.tooLarge(length);
            }
            byte[] content = new byte[(int) length];
            bytes.readBytes(content);
            // Artemis delivers a BytesMessage nothing was written to as four zero bytes (agreement audit: it was
            // "request_not_json ... CTRL-CHAR, code 0" where every other empty message is request_empty); zero bytes
            // alone are no request either way
            return allZero(content) ? empty() : new RequestBytes(content, length);
        }
        if (message instanceof ObjectMessage || message instanceof MapMessage || message instanceof StreamMessage) {
            String type = message instanceof ObjectMessage
                    ? "an ObjectMessage"
                    : message instanceof MapMessage ? "a MapMessage" : "a StreamMessage";
            return new Refused(ApiError.of(
                    "request_type_unsupported",
                    "the JMS message is " + type
                            + "; send the JSON request as the text of a TextMessage (or the bytes of a BytesMessage)"));
        }
        return empty();
    }

    private static boolean allZero(byte[] content) {
        for (byte b : content) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    private static Refused empty() {
        return new Refused(ApiError.of(
                "request_empty",
                "the JMS message has no body; send the JSON request as the text of a TextMessage (or the bytes of a"
                        + " BytesMessage)"));
    }
}
