package io.profilebridge;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The CAMEL_* variables Camel Main does not map as it documents get their camel.* meaning back. */
class CamelVariablesTest {

    @Test
    void portNumbersBecomeTheirCamelKeysAndServiceLinksDoNot() {
        Map<String, String> properties = CamelVariables.fromEnvironment(Map.of(
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

    @Test
    void anOptionOfSeveralWordsIsOneDashedOptionOfTheLongestKnownName() {
        // Camel Main maps CAMEL_COMPONENT_HTTP_CONNECT_TIMEOUT to camel.component.http.connect.timeout, which it
        // ignores: the configuration audit's variables never reached the HTTP component
        Set<String> known = Set.of("component:http", "component:platform-http", "dataformat:jackson");
        Map<String, String> properties = CamelVariables.fromEnvironment(
                Map.of(
                        // winedit audit: an env file saved with CRLF, a space after the value; Camel trims a
                        // file's values and its own variables', not these, and "64\r" stopped the start unnamed
                        "CAMEL_COMPONENT_HTTP_CONNECTIONS_PER_ROUTE", "64\r",
                        "CAMEL_COMPONENT_PLATFORM_HTTP_HANDLE_WRITE_ERRORS", "true ",
                        "CAMEL_DATAFORMAT_JACKSON_PRETTY_PRINT", "true",
                        "CAMEL_COMPONENT_HTTP_TIMEOUT", "left to Camel, which maps one word",
                        "CAMEL_COMPONENT_NOSUCH_SOME_OPTION", "no such component",
                        "CAMEL_COMPONENT", "nothing",
                        "CAMEL_", "nothing"),
                (kind, name) -> known.contains(kind + ":" + name));

        assertThat(properties)
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        "camel.component.http.connections-per-route", "64",
                        "camel.component.platform-http.handle-write-errors", "true",
                        "camel.dataformat.jackson.pretty-print", "true"));
    }

    @Test
    void theComponentsOnTheClassPathAreKnown() {
        assertThat(CamelVariables.fromEnvironment(Map.of("CAMEL_COMPONENT_HTTP_CONNECT_TIMEOUT", "1234")))
                .containsExactly(Map.entry("camel.component.http.connect-timeout", "1234"));
    }
}
