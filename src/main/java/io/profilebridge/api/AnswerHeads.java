package io.profilebridge.api;

import io.profilebridge.ErrorText;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.apache.camel.Exchange;
import org.apache.camel.component.http.HttpActivityListener;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.HttpRequest;
import org.apache.hc.core5.http.HttpResponse;

/**
 * Shows the head of every API answer to the key's budgets the moment it arrives, before its body is read: a 429
 * or a 503 with Retry-After pauses the other jobs' calls as early as the bridge can know of it, so calls already
 * on their way are the only ones that can still reach the API inside its window. camel-http's activity listener is
 * the hook: it sees the exchange (whose bucket the call spends) and the answer's status and headers.
 */
public final class AnswerHeads implements HttpActivityListener {

    private final ApiBudgets budgets;
    private final KeyMask keyMask;

    /** {@code keyMask}: the header as sent goes to a log line and the store (secrets audit: a key sent back as it leaked). */
    public AnswerHeads(ApiBudgets budgets, KeyMask keyMask) {
        this.budgets = budgets;
        this.keyMask = keyMask;
    }

    @Override
    public void onRequestSubmitted(
            Object source, Exchange exchange, HttpHost host, HttpRequest request, HttpEntity entity) {
        // nothing to see before the answer
    }

    @Override
    public void onResponseReceived(
            Object source, Exchange exchange, HttpHost host, HttpResponse response, HttpEntity entity, long elapsed) {
        ApiBucket bucket = exchange == null ? null : exchange.getProperty(ApiCallRoutes.BUCKET, ApiBucket.class);
        int status = response.getCode();
        if (bucket == null || (status != 429 && status != 503)) {
            return;
        }
        List<String> retryAfter = Arrays.stream(response.getHeaders("Retry-After"))
                .map(Header::getValue)
                .toList();
        Header date = response.getFirstHeader("Date");
        Duration wait = ApiAnswer.longestRetryAfter(
                retryAfter, ApiAnswer.answeredAt(date == null ? null : date.getValue(), Instant.now()));
        budgets.answered(bucket, status, wait, keyMask.apply(cause(status, retryAfter, wait)));
    }

    /**
     * What the log line and the pause's cause say: the header as sent (at most 64 characters of it), and the wait read
     * from it. Time audit: an absurd value showed as the internal ceiling, an unreadable one as no header at all.
     */
    static String cause(int status, List<String> retryAfter, Duration wait) {
        if (retryAfter.isEmpty()) {
            return status + " without Retry-After";
        }
        String sent = String.join(", ", retryAfter);
        String shown = ErrorText.shortened(sent, 64);
        String read = wait == null
                ? "unreadable"
                : wait.compareTo(ApiAnswer.RETRY_AFTER_CEILING) >= 0 ? "a day or more" : wait.getSeconds() + " s";
        return status + ", Retry-After " + shown + " (" + read + ")";
    }
}
