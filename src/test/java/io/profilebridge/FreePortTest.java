package io.profilebridge;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class FreePortTest {

    @Test
    void aHostThatIsNoAddressIsNamedWithItsOwnKey() {
        assertThatThrownBy(() -> FreePort.require(
                        "management server",
                        "no.such.host.invalid",
                        9876,
                        "camel.management.port",
                        "camel.management.host"))
                .isInstanceOf(StartupFailure.class)
                .hasMessage("the management server cannot listen on no.such.host.invalid:9876 (no such host); set"
                        + " another with camel.management.host (CAMEL_MANAGEMENT_HOST)");
        // TEST-NET-1: an address, but none of this machine's
        assertThatThrownBy(() -> FreePort.require(
                        "management server", "192.0.2.1", 9876, "camel.management.port", "camel.management.host"))
                .hasMessageEndingWith("set another with camel.management.host (CAMEL_MANAGEMENT_HOST)");
        assertThatCode(() -> FreePort.require("test", "127.0.0.1", 0, "k")).doesNotThrowAnyException();
    }
}
