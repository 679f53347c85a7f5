package io.profilebridge;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The CAMEL_*_PORT variables Camel Main skips as Kubernetes service links get their camel.* meaning back. */
class PortVariablesTest {

    @Test
    void portNumbersBecomeTheirCamelKeysAndServiceLinksDoNot() {
        Map<String, String> properties = PortVariables.fromEnvironment(Map.of(
                "CAMEL_MANAGEMENT_PORT", "9877",
                "CAMEL_SERVER_PORT", " 8080 ",
                "CAMEL_MAIN_NAME", "left-to-camel",
                "CAMEL_COMPONENT_NETTY_PORT", "7000",
                "PROFILE_BRIDGE_PORT", "tcp://10.0.0.7:9876",
                "CAMEL_TRACE_PORT", "tcp://10.0.0.8:9876",
                "CAMEL_HEALTH_PORT", "abc",
                "CAMEL_TRACE_PORT_9876_TCP_PROTO", "tcp"));

        assertThat(properties)
                .as("a value that is no port number is passed on, to be refused naming its key, not dropped")
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        "camel.management.port", "9877",
                        "camel.server.port", "8080",
                        "camel.health.port", "abc"));
    }
}
