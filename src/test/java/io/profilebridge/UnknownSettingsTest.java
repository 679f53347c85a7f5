package io.profilebridge;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Configuration audit: a misspelt bridge.* (orbit.*, openprospect.*) property or its variable was passed over without a
 * word.
 */
class UnknownSettingsTest {

    private static final Set<String> KNOWN = BridgeSettings.packagedKeys();

    @Test
    void aMisspeltPropertyOrVariableIsNamedWithTheKeyItWasNearest() {
        assertThat(UnknownSettings.warnings(
                        KNOWN,
                        List.of("bridge.poll.concurency", "bridge.store-url", "camel.main.name", "bridge.poll.tick-ms"),
                        List.of(
                                "BRIDGE_INBOX_POL_MS",
                                "BRIDGE_DATA",
                                "PATH",
                                "BRIDGE_LOG_LEVEL",
                                "BRIDGE_TOTALLY_ELSE")))
                .containsExactly(
                        "property bridge.poll.concurency names no setting of the bridge and is passed over (did you mean"
                                + " bridge.poll.concurrency?); README \"Configuration\" lists them",
                        "property bridge.store-url names no setting of the bridge and is passed over (did you mean"
                                + " bridge.store.url?); README \"Configuration\" lists them",
                        "variable BRIDGE_INBOX_POL_MS names no setting of the bridge and is passed over (did you mean"
                                + " BRIDGE_INBOX_POLL_MS?); README \"Configuration\" lists them",
                        "variable BRIDGE_TOTALLY_ELSE names no setting of the bridge and is passed over; README"
                                + " \"Configuration\" lists them");
    }

    @Test
    void aMisspeltApiRootOrKeyIsNamedToo() {
        // lifecycle audit: orbit.baseurl left the packaged production root in use, without a word
        assertThat(UnknownSettings.warnings(
                        KNOWN,
                        List.of("orbit.baseurl", "openprospect.api-key", "orbit.api-key"),
                        List.of(
                                "ORBIT_API_KEY",
                                "OPENPROSPECT_BASE_URI",
                                "ORBITAL",
                                // other tools' variables of the same family: named only when near a key (review)
                                "ORBIT_SERVICE_HOST",
                                "ORBIT_PROFILE_ID",
                                "OPENPROSPECT_PROFILE_CREATION_ID")))
                .containsExactly(
                        "property orbit.baseurl names no setting of the bridge and is passed over (did you mean"
                                + " orbit.base-url?); README \"Configuration\" lists them",
                        "variable OPENPROSPECT_BASE_URI names no setting of the bridge and is passed over (did you"
                                + " mean OPENPROSPECT_BASE_URL?); README \"Configuration\" lists them");
    }

    @Test
    void everyKeyOfThePackagedFilesAndItsVariablePass() {
        assertThat(UnknownSettings.warnings(
                        KNOWN,
                        KNOWN,
                        KNOWN.stream().map(UnknownSettings::variable).toList()))
                .isEmpty();
    }
}
