package io.profilebridge.api;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
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

    public AnswerHeads(ApiBudgets budgets) {
        this.budgets = budgets;
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
        Duration wait = ApiAnswer.longestRetryAfter(
                Arrays.stream(response.getHeaders("Retry-After"))
                        .map(Header::getValue)
                        .toList(),
                Instant.now());
        budgets.answered(
                bucket,
                status,
                wait,
                status + (wait == null ? " without Retry-After" : ", Retry-After " + wait.getSeconds() + " s"));
    }
}
