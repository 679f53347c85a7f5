package io.profilebridge.intake;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.profilebridge.Json;
import io.profilebridge.api.Api;
import io.profilebridge.api.ApiError;
import io.profilebridge.jms.ReplyDestination;
import io.profilebridge.job.RequestSource;
import java.util.Optional;
import java.util.Set;
import org.apache.activemq.artemis.api.core.FilterConstants;
import org.apache.camel.Message;

/**
 * Reads a JMS request: the message's own fields (its reply destination, its correlation id, the key property) are
 * checked before its body is read as a request, and a refusal of the message itself wins over what its body says.
 */
final class JmsRequests {

    /** JMS string property carrying an explicit key (JMS names cannot carry a dash). */
    static final String KEY_PROPERTY = "idempotencyKey";
    /** JMS string property naming the API of a bare body (routes/jms-requests.camel.yaml). */
    static final String API_PROPERTY = "api";
    /** The longest JMSCorrelationID taken: it goes back in the result's header and body. */
    static final int MAX_CORRELATION_ID = 4096;

    private final RequestReader reader;
    private final Set<String> reservedQueues;

    /** @param reservedQueues the bridge's own queues, which no JMSReplyTo may name (its requests queue, the DLQ) */
    JmsRequests(RequestReader reader, Set<String> reservedQueues) {
        this.reader = reader;
        this.reservedQueues = reservedQueues;
    }

    /**
     * A JMS request: its reply destination must pass the rule (else the failed result goes to the failed queue and
     * names the API and the request as far as they could be read), and its body is read only when its type and size
     * allow; {@code ownBody}, when an intake step gave the exchange a body of its own, is read instead of the message's.
     */
    ReadRequest read(Message in, jakarta.jms.Message message, String apiHint, RequestBytes ownBody) {
        try {
            String replyTo;
            Optional<String> replyProblem;
            try {
                replyTo = ReplyDestination.describe(message.getJMSReplyTo());
                replyProblem = replyTo == null ? Optional.empty() : ReplyDestination.problem(replyTo, reservedQueues);
            } catch (jakarta.jms.JMSException | RuntimeException e) {
                // a CORE sender's JMSReplyTo property of another type than text: the client cannot make a destination
                // of it, and the message went to the DLQ after five failed deliveries, with no result (re-check audit)
                replyTo = null;
                replyProblem = Optional.of("JMSReplyTo cannot be read as a destination (a property of another type"
                        + " than text): set a queue or topic");
            }
            // an empty correlation id is none: results went out with "" and such requests shared one derived key
            String correlationId = emptyAsNull(message.getJMSCorrelationID());
            Optional<ApiError> correlationProblem = correlationProblem(correlationId);
            RequestSource source = RequestSource.jms(
                    sendersMessageId(message),
                    correlationProblem.isPresent() ? null : correlationId,
                    replyProblem.isPresent() ? null : replyTo);
            JmsRequestBody.Read body = ownBody != null ? ownBody : JmsRequestBody.read(message, reader.maxBytes());
            // a key or an api set as a number (or a boolean) is refused, not turned into its text (third black-box
            // audit: an int 5 became the key "5"; agreement audit: api=true refused an envelope as a mismatch with
            // "true")
            Object key = in.getHeader(KEY_PROPERTY);
            Object api = in.getHeader(API_PROPERTY);
            Optional<ApiError> keyNotText =
                    notText(key, "idempotency_key_invalid", "idempotencyKey (JMS property): must be a string property");
            Optional<ApiError> apiNotText = notText(
                    api, "api_unknown", "api (JMS property): must be a string property, \"openprospect\" or \"orbit\"");
            ReadRequest read = keyNotText.isPresent()
                    ? RequestReader.refuse(apiHint, null, source, keyNotText.get())
                    : apiNotText.isPresent()
                            ? RequestReader.refuse(null, (String) key, source, apiNotText.get())
                            : body instanceof RequestBytes content
                                    ? reader.read(content.bytes(), content.size(), apiHint, (String) key, source)
                                    : RequestReader.refuse(
                                            apiHint, (String) key, source, ((JmsRequestBody.Refused) body).error());
            if (replyProblem.isPresent()) {
                return refusedFor(read, ApiError.of("reply_to_invalid", replyProblem.get()));
            }
            if (correlationProblem.isPresent()) {
                return refusedFor(read, correlationProblem.get());
            }
            if (source.resultCorrelationId() == null && read instanceof ReadRequest.Valid valid && !valid.keyGiven()) {
                // sent with message ids disabled and no correlation id: its derived key told it from no other such
                // request with the same body (the second got no result), and its result could name neither
                // (hostile-input audit); with a key of its own the caller matches the result by that key
                return refusedFor(
                        read,
                        ApiError.of(
                                "correlation_id_missing",
                                "the message has neither a JMSMessageID nor a JMSCorrelationID, so its result could"
                                        + " not be matched to it: set a JMSCorrelationID, or an idempotencyKey"));
            }
            return read;
        } catch (jakarta.jms.JMSException e) {
            throw new IllegalStateException("cannot read the JMS request: " + e.getMessage(), e);
        }
    }

    /**
     * Why a correlation id cannot be carried back, if it cannot: the result carries the id back in its header and body,
     * and no broker takes a header of any size (cluster and JMS audit: a 60,000-character id was run and paid for, and
     * its result never went out); the job store cannot keep U+0000 (hostile-input audit: such a request went to the
     * DLQ without a result). Such a result carries the request's JMSMessageID instead.
     */
    private static Optional<ApiError> correlationProblem(String correlationId) {
        if (correlationId != null && correlationId.length() > MAX_CORRELATION_ID) {
            return Optional.of(ApiError.of(
                    "correlation_id_too_long",
                    "JMSCorrelationID: " + correlationId.length() + " characters, at most " + MAX_CORRELATION_ID
                            + "; this result carries the request's JMSMessageID instead"));
        }
        if (correlationId != null && correlationId.indexOf('\0') >= 0) {
            return Optional.of(ApiError.of(
                    "correlation_id_invalid",
                    "JMSCorrelationID: holds the character U+0000 (NUL), which the job store cannot keep; this result"
                            + " carries the request's JMSMessageID instead"));
        }
        // encodings audit: UTF-8 (the key's digest, PostgreSQL) writes one as '?', so two ids that differ only there
        // were one job, and a result on PostgreSQL came back under an id its caller never sent
        if (correlationId != null && Json.hasUnpairedSurrogate(correlationId)) {
            return Optional.of(ApiError.of(
                    "correlation_id_invalid",
                    "JMSCorrelationID: is not valid Unicode (it holds an unpaired surrogate), which the job store and"
                            + " the request's key cannot keep as sent; this result carries the request's JMSMessageID"
                            + " instead"));
        }
        return Optional.empty();
    }

    /**
     * The message id its sender knows. Artemis gives a message sent over AMQP 1.0 a CORE id of its own, which the bridge
     * reads as its JMSMessageID, and keeps the sender's as {@code NATIVE_MESSAGE_ID}: a result correlated by the CORE
     * id matched nothing an AMQP client had seen (JMS audit). An OpenWire sender's id is kept only in OpenWire's binary
     * form, so an OpenWire client sets a JMSCorrelationID (README).
     */
    private static String sendersMessageId(jakarta.jms.Message message) throws jakarta.jms.JMSException {
        Object nativeId = message.getObjectProperty(FilterConstants.NATIVE_MESSAGE_ID);
        if (nativeId instanceof String id
                && !id.isEmpty()
                && id.length() <= MAX_CORRELATION_ID
                && id.indexOf('\0') < 0
                && !Json.hasUnpairedSurrogate(id)) {
            return id;
        }
        return message.getJMSMessageID();
    }

    private static String emptyAsNull(String text) {
        return text == null || text.isEmpty() ? null : text;
    }

    /**
     * A refusal of the message itself (its reply-to, its correlation id) wins, as nothing may start for such a request;
     * what was read of it stays in the result.
     */
    private static ReadRequest refusedFor(ReadRequest read, ApiError error) {
        if (read instanceof ReadRequest.Valid valid) {
            return new ReadRequest.Rejected(
                    valid.api().id(),
                    valid.keyGiven() ? valid.body() : withoutDerivedKey(valid),
                    valid.keyGiven() ? valid.idempotencyKey() : null,
                    valid.source(),
                    error);
        }
        ReadRequest.Rejected rejected = (ReadRequest.Rejected) read;
        return new ReadRequest.Rejected(
                rejected.api(), rejected.body(), rejected.idempotencyKey(), rejected.source(), error);
    }

    /**
     * The body of a refused request whose key the bridge derived: that key was never used, so the result names none,
     * and an Orbit body leaves out the {@code requestId} that carried it (black-box audit: the request named a key the
     * result's idempotencyKey did not).
     */
    private static ObjectNode withoutDerivedKey(ReadRequest.Valid valid) {
        if (valid.api() != Api.ORBIT || !valid.body().has("requestId")) {
            return valid.body();
        }
        ObjectNode body = valid.body().deepCopy();
        body.remove("requestId");
        return body;
    }

    /** A property set as a number or a boolean, refused under {@code code}: JMS would turn it into its text. */
    private static Optional<ApiError> notText(Object value, String code, String rule) {
        return value == null || value instanceof String
                ? Optional.empty()
                : Optional.of(ApiError.of(
                        code,
                        rule + ", not "
                                + (value instanceof Boolean
                                        ? "a boolean"
                                        : value instanceof Number ? "a number" : "of another type")));
    }
}
