package io.profilebridge.operations;

import static org.assertj.core.api.Assertions.assertThat;

import io.profilebridge.LogCapture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * While a broker is away, Camel's JMS listener container logged "Could not refresh JMS Connection" at every recovery
 * attempt: an ERROR every 5 s for as long as the outage lasts, where the bridge's own line and the readiness check
 * say it already. Both log configurations let its first error through, then at most one a minute.
 */
class QuietConsoleTest {

    private static final String LISTENER = "org.apache.camel.component.jms.DefaultJmsMessageListenerContainer";

    @Test
    void theListenersReconnectErrorsAreThinnedAndNobodyElses() {
        try (LogCapture logs = LogCapture.start()) {
            Logger listener = LoggerFactory.getLogger(LISTENER);
            Logger other = LoggerFactory.getLogger("io.profilebridge.SomethingElse");
            for (int attempt = 0; attempt < 5; attempt++) {
                listener.error(
                        "Could not refresh JMS Connection for destination 'profile-bridge.requests' - attempt {}",
                        attempt);
                other.error("Another error {}", attempt);
            }
            // at most one: an earlier test of this JVM may have had the minute's one already
            assertThat(logs.lines())
                    .filteredOn(line -> line.contains("Could not refresh"))
                    .hasSizeLessThanOrEqualTo(1);
            assertThat(logs.lines())
                    .filteredOn(line -> line.contains("Another error"))
                    .hasSize(5);
        }
    }

    @Test
    void theJsonConfigurationThinsThemTheSameWay() throws IOException {
        assertThat(listenerLines(Path.of("config/log4j2-json.properties")))
                .isNotEmpty()
                .isEqualTo(listenerLines(Path.of("src/main/resources/log4j2.properties")));
    }

    private static List<String> listenerLines(Path configuration) throws IOException {
        return Files.readAllLines(configuration).stream()
                .filter(line -> line.startsWith("logger.jms-listener."))
                .toList();
    }
}
