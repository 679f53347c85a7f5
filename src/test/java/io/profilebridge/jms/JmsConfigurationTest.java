package io.profilebridge.jms;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.jms.listener.adapter.ListenerExecutionFailedException;

/**
 * External-broker audit: each broker restart had Spring log a listener's closed session with a stack trace (13 in a
 * run of three kills); such a failure is one line of the bridge's, any other keeps Spring's.
 */
class JmsConfigurationTest {

    @Test
    void aSessionClosedUnderTheListenerIsToldApartFromOtherFailures() {
        assertThat(JmsConfiguration.sessionClosed(new ListenerExecutionFailedException(
                        "Listener failed",
                        new jakarta.jms.IllegalStateException("The session has already been closed"))))
                .isTrue();
        assertThat(JmsConfiguration.sessionClosed(new jakarta.jms.IllegalStateException("Session is closed")))
                .isTrue();
        assertThat(JmsConfiguration.sessionClosed(new jakarta.jms.IllegalStateException("Not allowed in XA mode")))
                .isFalse();
        assertThat(JmsConfiguration.sessionClosed(new RuntimeException("closed")))
                .isFalse();
    }
}
