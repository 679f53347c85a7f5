package io.profilebridge.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.profilebridge.Json;
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

    /** CLI audit: these were taken, and every Orbit start then answered 500 ("period should be positive"). */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({
        "orbit.start-rate,NaN,must be a number of calls per second above 0",
        "orbit.start-rate,-1,must be a number of calls per second above 0",
        "openprospect.rate,-2,must be a number of calls per second above 0",
        "orbit.poll-rate,Infinity,must be a number of calls per second above 0",
        "orbit.start-burst,-3,must be a whole number of at least 1",
        "openprospect.burst,0,must be a whole number of at least 1",
        "job-duration-ms,-5,must be a whole number of at least 0",
        "added-latency-ms,-100,must be a whole number of at least 0",
        "orbit.credits,-10,must be a whole number of at least 0",
    })
    void aValueNoSimulatorCanUseIsRefusedNamingTheKnob(String knob, String value, String rule) {
        assertThatThrownBy(() -> new SimulatorSettings().set(knob, value))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("simulator knob " + knob + " " + rule + ", not " + value);
    }

    /** Re-check audit: NaN was a share, 0 (the default, no limit) no OpenProspect rate, and a refused POST half-applied. */
    @Test
    void aShareIsANumberFrom0To1AndNoOpenProspectLimitIsZeroAndAChangeIsAllOrNone() {
        assertThatThrownBy(() -> new SimulatorSettings().set("failed-share", "NaN"))
                .hasMessage("simulator knob failed-share is a share between 0 and 1, not NaN");
        SimulatorSettings settings = new SimulatorSettings();
        settings.set("openprospect.rate", "3");
        settings.set("openprospect.rate", "0");
        assertThat(settings.openProspectRate()).isZero();
        // re-check audit: the GET's 0.0 could not be posted back
        settings.set("openprospect.rate", "3");
        settings.set("openprospect.rate", "0.0");
        assertThat(settings.openProspectRate()).isZero();
        assertThatThrownBy(() ->
                        settings.apply(Json.parse("{\"openprospect.rate\": \"2\", \"orbit.start-burst\": \"-3\"}")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(settings.openProspectRate()).as("nothing applied").isZero();
    }

    /** Re-check audit: SANDBOX_ORBIT_START_RATE=-1 stopped the start naming neither the key nor the variable. */
    @Test
    void aSandboxPropertyItRefusesIsNamed() {
        assertThatThrownBy(
                        () -> SimulatorSettings.fromProperties(java.util.Map.of("sandbox.orbit.start-rate", "-1")::get))
                .hasMessageStartingWith("property sandbox.orbit.start-rate: simulator knob orbit.start-rate must be");
    }

    @Test
    void zeroDurationsAndCreditsAreTaken() {
        SimulatorSettings settings = new SimulatorSettings();
        settings.set("job-duration-ms", "0");
        settings.set("orbit.credits", "0");
        settings.set("orbit.start-rate", "0.5");
        settings.set("orbit.start-burst", "1");
    }
}
