package io.profilebridge.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** `simulate`'s knobs: a value it cannot use is a usage error naming the knob (exit 2), never a server's failure. */
class SimulatorSettingsTest {

    /** Contract audit: --port 70000 and --port -1 exited 1 with the server's raw "port out of range:-1". */
    @ParameterizedTest
    @ValueSource(strings = {"70000", "-1", "65536"})
    void aPortNoTcpPortCanBeIsRefusedNamingTheKnob(String port) {
        assertThatThrownBy(() -> new SimulatorSettings().set("port", port))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("simulator knob port is a TCP port, 0 to 65535, not " + port);
    }

    @Test
    void everyTcpPortAndZeroForAnyAreTaken() {
        SimulatorSettings settings = new SimulatorSettings();
        settings.set("port", "0");
        assertThat(settings.port()).isZero();
        settings.set("port", "65535");
        assertThat(settings.port()).isEqualTo(65535);
    }
}
