package io.profilebridge;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JarFolderTest {

    @TempDir
    Path temp;

    @Test
    void aJarElsewhereNamesItsFolder() throws Exception {
        Path folder = Files.createDirectories(temp.resolve("opt/pb"));
        Path jar = Files.createFile(folder.resolve("profile-bridge.jar"));
        Path working = Files.createDirectories(temp.resolve("run"));

        assertThat(JarFolder.besides(jar, working)).contains(folder.toRealPath());
    }

    @Test
    void aJarInTheWorkingDirectoryOrClassesNameNone() throws Exception {
        Path jar = Files.createFile(temp.resolve("profile-bridge.jar"));

        assertThat(JarFolder.besides(jar, temp)).isEmpty();
        assertThat(JarFolder.besides(temp, temp.resolve("elsewhere"))).isEmpty(); // classes: a folder, no jar
        assertThat(JarFolder.besides(temp.resolve("missing.jar"), temp)).isEmpty();
    }

    @Test
    void aFolderWithACommaCannotStandInCamelsLists() {
        // BridgeMain and RouteFiles join locations with commas, and Camel splits them there
        assertThat(JarFolder.unlisted(Path.of("/opt/a,b"))).isTrue();
        assertThat(JarFolder.unlisted(Path.of("/opt/pb; x"))).isFalse();
    }
}
