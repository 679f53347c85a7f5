package io.profilebridge.jms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.profilebridge.MovableClock;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.JMSSecurityException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Matrix audit: a wrong broker password was logged as "cannot be reached", naming neither key, and the listeners
 * logged in again every second, each refusal a warning in the broker's log (87 in 90 s).
 */
class RefusedBrokerLoginTest {

    @TempDir
    Path root;

    @Test
    void aRefusedLoginNamesTheKeysAndIsTriedAgainOnlyAfterAPause() throws Exception {
        try (JmsBridgeRun jms = JmsBridgeRun.start(root, Map.of(), false)) {
            AtomicInteger logins = new AtomicInteger();
            ActiveMQConnectionFactory broker =
                    new ActiveMQConnectionFactory(jms.url, JmsBridgeRun.CLIENT_USER, "guessed") {
                        @Override
                        public Connection createConnection(String user, String password) throws JMSException {
                            logins.incrementAndGet();
                            return super.createConnection(user, password);
                        }
                    };
            BrokerReachability reachability = new BrokerReachability(jms.url);
            MovableClock clock = new MovableClock();
            WatchedConnectionFactory factory = new WatchedConnectionFactory(broker, reachability, clock);

            assertThatThrownBy(factory::createConnection).isInstanceOf(JMSSecurityException.class);
            assertThat(reachability.problem()).hasValueSatisfying(problem -> {
                assertThat(problem.loginRefused()).isTrue();
                assertThat(problem.shown(reachability.address()))
                        .contains("refuses the bridge's login")
                        .contains("check bridge.jms.user and bridge.jms.password")
                        .doesNotContain("guessed");
            });

            // the listeners' tries within the pause go nowhere near the broker
            for (int i = 0; i < 5; i++) {
                clock.move(Duration.ofSeconds(5));
                assertThatThrownBy(factory::createConnection)
                        .isInstanceOf(JMSSecurityException.class)
                        .hasMessageContaining("tried again after");
            }
            assertThat(logins).hasValue(1);

            clock.move(Duration.ofSeconds(6));
            assertThatThrownBy(factory::createConnection).isInstanceOf(JMSSecurityException.class);
            assertThat(logins).hasValue(2);
        }
    }

    @Test
    void aBrokerAwayIsNotTakenForARefusedLogin() {
        BrokerReachability reachability = new BrokerReachability("tcp://127.0.0.1:1");
        WatchedConnectionFactory factory = new WatchedConnectionFactory(
                new ActiveMQConnectionFactory("tcp://127.0.0.1:1?reconnectAttempts=0&initialConnectAttempts=1"),
                reachability);
        assertThatThrownBy(factory::createConnection).isInstanceOf(JMSException.class);
        assertThat(reachability.problem()).hasValueSatisfying(problem -> {
            assertThat(problem.loginRefused()).isFalse();
            assertThat(problem.shown(reachability.address())).contains("unreachable since");
        });
    }
}
