package io.profilebridge.delivery;

import io.profilebridge.ReportedOnce;
import io.profilebridge.jms.EmbeddedBroker;
import io.profilebridge.job.DeliveryPermission;
import io.profilebridge.job.ResultDocument;
import java.util.List;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A JMS result larger than the embedded broker takes ({@code bridge.jms.max-message-bytes}) goes out as a failed
 * {@code result_too_large} that fits ({@link ResultDocument#tooLarge}): the broker refused it at every attempt until
 * delivery gave up, and its caller got nothing (permanent-faults audit; a status answer of megabytes does it at the
 * defaults). An external broker's cap is its own configuration: results go there as they are.
 */
public final class OversizedResults {

    private static final Logger LOG = LoggerFactory.getLogger(OversizedResults.class);

    /** The headers that become the result message's properties (routes/deliver-result-jms.camel.yaml). */
    private static final List<String> PROPERTY_HEADERS = List.of(
            ResultHeaders.CORRELATION_ID,
            ResultHeaders.API,
            ResultHeaders.OUTCOME,
            ResultHeaders.IDEMPOTENCY_KEY,
            ResultHeaders.DUPLICATE_ID);
    /** What routes/deliver-result.camel.yaml notes of the result for the delivery's error lines. */
    private static final String DELIVERED_OUTCOME = "bridgeResultOutcome";

    /**
     * Exchange property: the cut-down result that went out instead, which its job ends as (diff review: /jobs, the
     * metrics and the status page said succeeded while the caller got a failed result).
     */
    public static final String SENT_INSTEAD = "bridgeResultSentInstead";

    private final long maxMessageBytes;
    private final ReportedOnce named = new ReportedOnce();

    private OversizedResults(long maxMessageBytes) {
        this.maxMessageBytes = maxMessageBytes;
    }

    /**
     * The broker's cap: the embedded broker's {@code bridge.jms.max-message-bytes}, or {@link Long#MAX_VALUE} for a
     * broker whose cap the bridge does not know.
     */
    public static OversizedResults ofCap(long maxMessageBytes) {
        return new OversizedResults(maxMessageBytes);
    }

    /** A broker whose cap the bridge does not know. */
    public static OversizedResults unknownCap() {
        return ofCap(Long.MAX_VALUE);
    }

    /** Replaces a result the broker would refuse for its size by one that fits, naming why. */
    public void fit(Exchange exchange) {
        if (!DeliveryPermission.granted(exchange)) {
            return;
        }
        Message message = exchange.getMessage();
        String result = message.getBody(String.class);
        long maxChars = maxChars(message);
        if (result == null || result.length() <= maxChars) {
            return;
        }
        // in characters, as the result is counted: the broker holds two bytes a character, beside the headers (a
        // black-box check read "4864 characters ... larger than ... 12000" as a contradiction)
        String why = "over the " + maxChars + " characters a JMS result may have on the embedded broker"
                + " (bridge.jms.max-message-bytes = " + maxMessageBytes + ": two bytes a character, and the headers)";
        String fitted = ResultDocument.tooLarge(
                result, "the result, " + result.length() + " characters of JSON, is " + why, maxChars);
        String source = message.getHeader(ResultHeaders.SOURCE, String.class);
        // once, not at every attempt of a send the broker keeps refusing (diff review)
        if (named.first(source + "\n" + result.length())) {
            LOG.warn(
                    "Result of {} is {} characters, {}: a failed result_too_large goes instead",
                    source,
                    result.length(),
                    why);
        }
        message.setBody(fitted);
        message.setHeader(ResultHeaders.OUTCOME, ResultDocument.FAILED);
        exchange.setProperty(DELIVERED_OUTCOME, ResultDocument.FAILED);
        exchange.setProperty(SENT_INSTEAD, fitted);
    }

    /** The most characters of text the broker takes beside these properties: it counts two bytes per character. */
    private long maxChars(Message message) {
        if (maxMessageBytes == Long.MAX_VALUE) {
            return Long.MAX_VALUE;
        }
        long propertyChars = 0;
        for (String header : PROPERTY_HEADERS) {
            String value = message.getHeader(header, String.class);
            propertyChars += header.length() + (value == null ? 0 : value.length());
        }
        return Math.max(0, EmbeddedBroker.charsWithin(maxMessageBytes) - propertyChars);
    }
}
