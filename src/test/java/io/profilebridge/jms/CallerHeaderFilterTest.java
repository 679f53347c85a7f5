package io.profilebridge.jms;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Outside-data audit: Camel's own filter let {@code CAMELFILEPATH} and {@code bridge*} properties in. */
class CallerHeaderFilterTest {

    private final CallerHeaderFilter filter = new CallerHeaderFilter();

    @ParameterizedTest
    @ValueSource(
            strings = {
                "CamelFilePath",
                "CAMELFILEPATH",
                "cAMELFileName",
                "CamelHttpUri",
                "org.apache.camel.Anything",
                "bridgeApi",
                "BRIDGEREPLYTO",
                "bridgeResultFile"
            })
    void aCallersPropertyUnderACamelOrBridgeNameIsKeptOutWhateverItsCase(String name) {
        assertThat(filter.applyFilterToExternalHeaders(name, "x", null)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"api", "idempotencyKey", "traceparent", "tracestate", "JMSXDeliveryCount"})
    void theContractsPropertiesComeIn(String name) {
        assertThat(filter.applyFilterToExternalHeaders(name, "x", null)).isFalse();
    }
}
