package io.profilebridge;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.apache.camel.RuntimeCamelException;
import org.junit.jupiter.api.Test;

/** The one line a refused start prints. */
class StartupFailureTest {

    /** CLI audit: BRIDGE_POLL_TICK_MS=5 was told as "property bridge.poll.tick-ms must be at least 10" alone. */
    @Test
    void aPropertySetByItsVariableIsNamedWithIt() {
        String line = "property bridge.poll.tick-ms must be at least 10 (ms), not \"5\"";
        assertThat(StartupFailure.namingTheVariable(line, Map.of("BRIDGE_POLL_TICK_MS", "5")))
                .isEqualTo("property bridge.poll.tick-ms (BRIDGE_POLL_TICK_MS) must be at least 10 (ms), not \"5\"");
        assertThat(StartupFailure.namingTheVariable(
                        "property camel.management.port must be a port number", Map.of("CAMEL_MANAGEMENT_PORT", "x")))
                .startsWith("property camel.management.port (CAMEL_MANAGEMENT_PORT) must");
        assertThat(StartupFailure.namingTheVariable(line, Map.of()))
                .as("set in a file or by -D: the key alone")
                .isEqualTo(line);
        System.setProperty("bridge.poll.tick-ms", "5");
        try {
            assertThat(StartupFailure.namingTheVariable(line, Map.of("BRIDGE_POLL_TICK_MS", "50")))
                    .as("beside a -D, the variable's value is not the one refused")
                    .isEqualTo(line);
        } finally {
            System.clearProperty("bridge.poll.tick-ms");
        }
        // re-check audit: BRIDGE_POLL_TICK_MS=5 beside -Dbridge.poll.tick-ms=1000, the variable's 5 refused unnamed
        System.setProperty("bridge.poll.tick-ms", "1000");
        try {
            assertThat(StartupFailure.namingTheVariable(line, Map.of("BRIDGE_POLL_TICK_MS", "5")))
                    .startsWith("property bridge.poll.tick-ms (BRIDGE_POLL_TICK_MS) must");
        } finally {
            System.clearProperty("bridge.poll.tick-ms");
        }
        String namedAlready = "property bridge.store.user (BRIDGE_STORE_USER) is empty";
        assertThat(StartupFailure.namingTheVariable(namedAlready, Map.of("BRIDGE_STORE_USER", "")))
                .isEqualTo(namedAlready);
        assertThat(StartupFailure.namingTheVariable("the job store cannot be opened", Map.of("X", "1")))
                .isEqualTo("the job store cannot be opened");
    }

    /** Winedit audit: a route file saved as UTF-16 stopped the start with snakeyaml's words alone, naming no file. */
    @Test
    void aRouteFileCamelCannotReadIsNamed() {
        Exception unreadable = new RuntimeCamelException(
                "Error pre-parsing resource: file:routes/x.camel.yaml",
                new IllegalStateException("special characters are not allowed"));
        assertThat(StartupFailure.describe(unreadable))
                .isEqualTo("file:routes/x.camel.yaml: IllegalStateException: special characters are not allowed");
        Exception namedAlready = new RuntimeCamelException(
                "Error pre-parsing resource: file:routes/x.camel.yaml",
                new IllegalStateException("tab in file:routes/x.camel.yaml, line 3"));
        assertThat(StartupFailure.describe(namedAlready))
                .isEqualTo("IllegalStateException: tab in file:routes/x.camel.yaml, line 3");
    }
}
