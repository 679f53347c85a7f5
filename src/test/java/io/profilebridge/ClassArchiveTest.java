package io.profilebridge;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The archive's folder and files: made shut to others, refused when others can write it, one archive per jar (a new
 * build replaces the old one's), and nothing kept from a run that did not end as asked.
 */
class ClassArchiveTest {

    @TempDir
    Path folder;

    @Test
    void theFolderIsMadeForTheUserAloneAndRefusedWhenOthersCouldWriteIt() throws IOException {
        Path jar = Files.writeString(folder.resolve("bridge.jar"), "v1");
        Map<String, String> environment =
                Map.of("XDG_CACHE_HOME", folder.resolve("cache").toString());
        assertThat(ClassArchive.of(jar, environment)).isPresent();
        Path archives = folder.resolve("cache/profile-bridge/cds");
        assertThat(Files.getPosixFilePermissions(archives)).isEqualTo(PosixFilePermissions.fromString("rwx------"));

        Files.setPosixFilePermissions(archives, PosixFilePermissions.fromString("rwxrwxrwx"));
        assertThat(ClassArchive.of(jar, environment))
                .as("code others could have written")
                .isEmpty();
    }

    /**
     * OpenShift audit: a user id the system has no entry for is named "?" by Java, its home "?": the folder, checked by
     * its owner's name, was never used, and a folder "?/.cache" was made in the working directory.
     */
    @Test
    void aUserTheSystemHasNoNameForUsesItsFolderAndNoRelativeHome() throws IOException {
        Path jar = Files.writeString(folder.resolve("bridge.jar"), "v1");
        Map<String, String> environment =
                Map.of("XDG_CACHE_HOME", folder.resolve("cache").toString());
        String name = System.getProperty("user.name");
        System.setProperty("user.name", "?");
        try {
            assertThat(ClassArchive.of(jar, environment))
                    .as("made, then found its own")
                    .isPresent();
            assertThat(ClassArchive.of(jar, environment)).isPresent();
        } finally {
            System.setProperty("user.name", name);
        }
        assertThat(ClassArchive.cacheFolder(Map.of(), "?"))
                .as("no relative home")
                .isEmpty();
        assertThat(ClassArchive.cacheFolder(Map.of("HOME", "/home/app"), "?")).contains(Path.of("/home/app/.cache"));
        assertThat(ClassArchive.cacheFolder(Map.of("HOME", "rel"), "/home/java"))
                .contains(Path.of("/home/java/.cache"));
    }

    @Test
    void aRunThatEndedAsAskedLeavesTheArchiveOfItsBuildAlone() throws IOException {
        Map<String, String> environment =
                Map.of("XDG_CACHE_HOME", folder.resolve("cache").toString());
        Path jar = Files.writeString(folder.resolve("bridge.jar"), "v1");
        ClassArchive first = ClassArchive.of(jar, environment).orElseThrow();
        assertThat(first.ready()).isEmpty();
        first.keep(Files.writeString(first.training(7), "archive 1"), true);
        assertThat(first.ready()).isPresent();
        Path firstArchive = first.ready().orElseThrow();

        Files.writeString(jar, "v2, a new build");
        ClassArchive second = ClassArchive.of(jar, environment).orElseThrow();
        assertThat(second.ready()).as("a new build has none yet").isEmpty();
        Path failed = Files.writeString(second.training(8), "half an archive");
        second.keep(failed, false);
        assertThat(failed).doesNotExist();
        assertThat(files()).containsExactly(firstArchive);

        second.keep(Files.writeString(second.training(9), "archive 2"), true);
        assertThat(files())
                .as("the earlier build's archive removed")
                .containsExactly(second.ready().orElseThrow());
    }

    /**
     * JDK 25 audit: the same jar run by turns on JDK 17 and on JDK 25 removed the other's archive at every start, as an
     * earlier build's, so neither started with one. Each JDK keeps its own; an update of one JDK where it lies replaces
     * that JDK's archive.
     */
    @Test
    void theSameJarOnTwoJdksKeepsAnArchiveForEach() throws IOException {
        Map<String, String> environment =
                Map.of("XDG_CACHE_HOME", folder.resolve("cache").toString());
        Path jar = Files.writeString(folder.resolve("bridge.jar"), "v1");
        ClassArchive on17 = ClassArchive.of(jar, environment, "/usr/lib/jvm/jdk-17", "17.0.15+6")
                .orElseThrow();
        on17.keep(Files.writeString(on17.training(1), "archive of 17"), true);
        ClassArchive on25 = ClassArchive.of(jar, environment, "/usr/lib/jvm/jdk-25", "25.0.3+9")
                .orElseThrow();
        on25.keep(Files.writeString(on25.training(2), "archive of 25"), true);
        assertThat(files())
                .containsExactlyInAnyOrder(
                        on17.ready().orElseThrow(), on25.ready().orElseThrow());

        ClassArchive updated17 = ClassArchive.of(jar, environment, "/usr/lib/jvm/jdk-17", "17.0.16+8")
                .orElseThrow();
        updated17.keep(Files.writeString(updated17.training(3), "archive of 17, updated"), true);
        assertThat(files())
                .containsExactlyInAnyOrder(
                        updated17.ready().orElseThrow(), on25.ready().orElseThrow());
    }

    @Test
    void theArchivesOfOtherJarsAreCappedTheLeastRecentlyUsedGoingFirst() throws IOException {
        Map<String, String> environment =
                Map.of("XDG_CACHE_HOME", folder.resolve("cache").toString());
        List<ClassArchive> jars = new java.util.ArrayList<>();
        for (int i = 0; i <= ClassArchive.KEPT; i++) {
            Path jar = Files.writeString(
                    Files.createDirectories(folder.resolve("clone-" + i)).resolve("bridge.jar"), "");
            ClassArchive archive = ClassArchive.of(jar, environment).orElseThrow();
            archive.keep(Files.writeString(archive.training(i), "archive " + i), true);
            Files.setLastModifiedTime(
                    archive.ready().orElseThrow(), FileTime.from(Instant.now().minus(Duration.ofDays(10 - i))));
            jars.add(archive);
        }
        assertThat(files()).as("the oldest of five removed by the fifth's keep").hasSize(ClassArchive.KEPT);
        assertThat(jars.get(0).ready()).isEmpty();

        jars.get(1).used(); // mapped by a run now: the newest
        ClassArchive another = ClassArchive.of(Files.writeString(folder.resolve("another.jar"), ""), environment)
                .orElseThrow();
        another.keep(Files.writeString(another.training(99), "archive"), true);
        assertThat(jars.get(1).ready()).as("used last").isPresent();
        assertThat(jars.get(2).ready()).as("used least recently").isEmpty();
        assertThat(files()).hasSize(ClassArchive.KEPT);
    }

    @Test
    void anArchiveNamedAsAnEarlierReleaseNamedThemGoes() throws IOException {
        // upgrade audit: an upgrade in place left the earlier release's 80 MB archive, named with 12-digit parts
        Map<String, String> environment =
                Map.of("XDG_CACHE_HOME", folder.resolve("cache").toString());
        ClassArchive archive = ClassArchive.of(Files.writeString(folder.resolve("bridge.jar"), ""), environment)
                .orElseThrow();
        Path cds = folder.resolve("cache/profile-bridge/cds");
        Path earlier = Files.writeString(cds.resolve("dacbbb9635aa-2b52beae9b1f.jsa"), "earlier release");
        archive.keep(Files.writeString(archive.training(1), "archive"), true);
        assertThat(earlier).doesNotExist();
        assertThat(files()).containsExactly(archive.ready().orElseThrow());
    }

    @Test
    void theNamePartsAreEightHexDigits() {
        assertThat(ClassArchive.checksum("")).isEqualTo("00000000");
        assertThat(ClassArchive.checksum("123456789"))
                .as("CRC-32C's check value")
                .isEqualTo("e3069283");
        assertThat(ClassArchive.checksum("/opt/a.jar"))
                .matches("[0-9a-f]{8}")
                .isNotEqualTo(ClassArchive.checksum("/opt/b.jar"));
    }

    @Test
    void leftOversOfRunsThatNeverEndedGoAfterAnHour() throws IOException {
        Path jar = Files.writeString(folder.resolve("bridge.jar"), "v1");
        ClassArchive archive = ClassArchive.of(
                        jar, Map.of("XDG_CACHE_HOME", folder.resolve("cache").toString()))
                .orElseThrow();
        Path old = Files.writeString(archive.training(1), "killed long ago");
        Files.setLastModifiedTime(old, FileTime.from(Instant.now().minus(Duration.ofHours(2))));
        Path writing = Files.writeString(archive.training(2), "another run writing now");
        archive.removeLeftOvers();
        assertThat(files()).containsExactly(writing);
    }

    private List<Path> files() throws IOException {
        try (Stream<Path> files = Files.list(folder.resolve("cache/profile-bridge/cds"))) {
            return files.toList();
        }
    }
}
