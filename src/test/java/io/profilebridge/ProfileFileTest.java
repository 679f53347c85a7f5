package io.profilebridge;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A profile with no file of its own anywhere is told at start (config audit: a misspelt one started silently). */
class ProfileFileTest {

    @TempDir
    Path jarFolder;

    @Test
    void aProfileIsFoundPackagedOrBesideTheJarAndAMisspeltOneIsNot() throws Exception {
        assertThat(BridgeMain.profileFileExists("sandbox", Optional.empty())).isTrue();
        assertThat(BridgeMain.profileFileExists("sandbx", Optional.of(jarFolder)))
                .isFalse();

        Files.createDirectories(jarFolder.resolve("config"));
        Files.writeString(jarFolder.resolve("config/application-site.properties"), "bridge.inbox = in\n");
        assertThat(BridgeMain.profileFileExists("site", Optional.of(jarFolder))).isTrue();
    }
}
