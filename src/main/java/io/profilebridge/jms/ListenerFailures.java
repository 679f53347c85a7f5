package io.profilebridge.jms;

import io.profilebridge.ErrorText;
import jakarta.jms.ExceptionListener;
import jakarta.jms.JMSException;
import java.time.Instant;
import java.util.Optional;

/**
 * The last failure the broker reported to the bridge's JMS listeners: a consumer it refused (no permission to consume,
 * no such queue) or a connection it dropped. Spring logs a refused consumer once and then keeps retrying quietly; this
 * keeps its words for the jms-requests readiness check, which says whether a consumer is in place.
 */
public final class ListenerFailures implements ExceptionListener {

    /** What the broker said, and when. */
    public record Failure(String reason, Instant at) {}

    private volatile Failure last;

    @Override
    public void onException(JMSException exception) {
        last = new Failure(ErrorText.withRootCause(exception), Instant.now());
    }

    public Optional<Failure> last() {
        return Optional.ofNullable(last);
    }
}
