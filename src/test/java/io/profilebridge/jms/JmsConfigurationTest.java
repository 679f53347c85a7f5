package io.profilebridge.jms;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.jms.listener.adapter.ListenerExecutionFailedException;

/**
 * External-broker audit: each broker restart had Spring log a listener's closed session with a stack trace (13 in a
 * run of three kills); such a failure is one line of the bridge's, any other keeps Spring's.
 */
class JmsConfigurationTest {

    /**
     * External-broker audit: each consumer fetched up to 1 MiB of requests ahead; after a SIGKILL the broker counted
     * every one of them delivered, and with max-delivery-attempts 1 dead-lettered (or dropped) requests never read.
     */
    @Test
    void requestsAreFetchedOnlyWhenAConsumerIsFreeUnlessTheUrlSaysOtherwise() throws Exception {
        BrokerAccounts.Login login = new BrokerAccounts.Login("bridge", "secret");
        try (var plain = JmsConfiguration.connectionFactory("tcp://127.0.0.1:61616", login, 5_000);
                var ownWindow = JmsConfiguration.connectionFactory(
                        "tcp://127.0.0.1:61616?consumerWindowSize=65536", login, 5_000)) {
            assertThat(plain.getConsumerWindowSize()).isZero();
            assertThat(ownWindow.getConsumerWindowSize()).isEqualTo(65536);
        }
    }

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
