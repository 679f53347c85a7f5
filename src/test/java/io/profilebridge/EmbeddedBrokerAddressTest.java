package io.profilebridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** bridge.jms.embedded-url is checked before the broker starts: a bad one is named by its key, not by Netty. */
class EmbeddedBrokerAddressTest {

    @Test
    void aTcpAddressWithHostAndPortIsTaken() {
        assertThat(PropertyChecks.embeddedBrokerAddress("tcp://127.0.0.1:61616").getPort())
                .isEqualTo(61616);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {"garbage", "tcp://:61616", "http://127.0.0.1:61616", "tcp://127.0.0.1", "tcp://127.0.0.1:99999"})
    void anythingElseStopsTheStartNamingTheKey(String url) {
        // black-box audit: BRIDGE_JMS_EMBEDDED_URL=garbage stopped the start with "hostname can't be null"
        assertThatThrownBy(() -> PropertyChecks.embeddedBrokerAddress(url))
                .isInstanceOf(StartupFailure.class)
                .hasMessage("property bridge.jms.embedded-url must be tcp://host:port, such as tcp://127.0.0.1:61616,"
                        + " not \"" + url + "\"");
    }
}
