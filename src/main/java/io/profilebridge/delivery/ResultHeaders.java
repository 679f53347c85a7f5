package io.profilebridge.delivery;

import java.util.Optional;

import io.profilebridge.jms.ReplyDestination;
import io.profilebridge.job.RequestSource;
import io.profilebridge.job.ResultDocument;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The headers {@code direct:deliver-result} (routes/deliver-result.camel.yaml) routes on. The body is the
 * result document as JSON text.
 */
public final class ResultHeaders {

    private static final Logger LOG = LoggerFactory.getLogger(ResultHeaders.class);

    /** {@code file} or {@code jms}: results go back the way their request came. */
    public static final String CHANNEL = "bridgeChannel";
    /** For file requests: the result's path below the outbox, {@code <api>/NAME.json} or {@code failed/<api>/NAME.json}. */
    public static final String RESULT_FILE = "bridgeResultFile";
    public static final String API = "bridgeApi";
    public static final String OUTCOME = "bridgeOutcome";
    public static final String IDEMPOTENCY_KEY = "bridgeIdempotencyKey";
    /** The request's own name, for log lines. */
    public static final String SOURCE = "bridgeSource";
    /** For JMS requests: the request's JMSReplyTo as a {@link jakarta.jms.Destination}, if it had a usable one. */
    public static final String REPLY_TO = "bridgeReplyTo";
    /** For JMS requests: the correlation id the result carries. */
    public static final String CORRELATION_ID = "bridgeCorrelationId";
    /** For JMS requests: the broker's duplicate-detection id, so a re-send after a crash is dropped. */
    public static final String DUPLICATE_ID = "bridgeDuplicateId";

    private ResultHeaders() {
    }

    public static void apply(Message message, String api, String outcome, String idempotencyKey,
            RequestSource source, String deliveryId, String resultJson) {
        message.removeHeaders("*");
        message.setHeader(CHANNEL, source.channel());
        message.setHeader(API, api);
        message.setHeader(OUTCOME, outcome);
        message.setHeader(IDEMPOTENCY_KEY, idempotencyKey);
        message.setHeader(SOURCE, source.displayName());
        if (source.isFile()) {
            String folder = ResultDocument.SUCCEEDED.equals(outcome) ? api : "failed/" + api;
            message.setHeader(RESULT_FILE, folder + "/" + source.fileName());
        } else {
            message.setHeader(CORRELATION_ID, source.resultCorrelationId());
            message.setHeader(DUPLICATE_ID, deliveryId);
            if (source.replyTo() != null) {
                // checked at intake; a value stored before that check goes to the results/failed queue instead
                Optional<String> problem = ReplyDestination.problem(source.replyTo());
                if (problem.isEmpty()) {
                    message.setHeader(REPLY_TO, ReplyDestination.toDestination(source.replyTo()));
                } else {
                    LOG.warn("Result of {} goes to the default queue, not its JMSReplyTo: {}", source.displayName(),
                            problem.get());
                }
            }
        }
        message.setBody(resultJson);
    }
}
