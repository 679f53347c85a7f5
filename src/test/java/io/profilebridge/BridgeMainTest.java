package io.profilebridge;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.camel.main.MainConfigurationProperties;
import org.junit.jupiter.api.Test;

class BridgeMainTest {

    /**
     * A run that ends with no signal and no configured duration is a context stopped from outside (a stop or a failed
     * restart through JMX): a failure, named, so that a supervisor starts the process again (Camel-tools audit: exit
     * code 0 and no line).
     */
    @Test
    void aRunThatEndsWithoutASignalOrADurationIsAFailure() {
        MainConfigurationProperties config = new MainConfigurationProperties();
        assertThat(BridgeMain.stoppedWithoutASignal(config, false))
                .hasValueSatisfying(line -> assertThat(line).contains("stopped without a signal"));
        assertThat(BridgeMain.stoppedWithoutASignal(config, true))
                .as("a SIGTERM")
                .isEmpty();
        config.setDurationMaxSeconds(5);
        assertThat(BridgeMain.stoppedWithoutASignal(config, false))
                .as("Camel's own --duration")
                .isEmpty();
    }

    /** Integrator audit: an own list of property files left the profile's out, and the start said nothing of it. */
    @Test
    void anOwnListOfPropertyFilesWithoutTheProfilesIsNamed() {
        assertThat(BridgeMain.profileLeftOut("sandbox", "file:extra.properties,classpath:application.properties"))
                .hasValueSatisfying(line -> assertThat(line)
                        .contains("names no application-sandbox.properties")
                        .contains("add classpath:application-sandbox.properties;optional=true"));
        assertThat(BridgeMain.profileLeftOut(
                        "sandbox", "classpath:application-sandbox.properties,classpath:application.properties"))
                .isEmpty();
        assertThat(BridgeMain.profileLeftOut("sandbox", null))
                .as("the bridge's own list")
                .isEmpty();
    }
}
