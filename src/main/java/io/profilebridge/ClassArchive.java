package io.profilebridge;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * The class-data-sharing archive of one jar on one JDK, in the user's cache folder
 * ({@code $XDG_CACHE_HOME/profile-bridge/cds}, else {@code ~/.cache/profile-bridge/cds}). Its name is a digest of the
 * jar's place, size and time and of the JDK, so a new jar or JDK makes a new one (the JVM would refuse a stale one
 * anyway). At most {@link #KEPT} are kept, those used last. The JVM maps an archive into the process as code: the
 * folder must be the user's own and shut to everyone else, or none is used.
 */
final class ClassArchive {

    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");
    private static final Duration TRAINING_LEFT_OVER = Duration.ofHours(1);
    /** Archives of different jars kept at most (clones and versions side by side), about 75 MB each. */
    static final int KEPT = 4;

    private final Path folder;
    private final String jarPart;
    private final String buildPart;

    private ClassArchive(Path folder, String jarPart, String buildPart) {
        this.folder = folder;
        this.jarPart = jarPart;
        this.buildPart = buildPart;
    }

    /** The archive of this jar on this JDK; empty when there is no cache folder that is safe to use. */
    static Optional<ClassArchive> of(Path jar, Map<String, String> environment) {
        return of(jar, environment, System.getProperty("java.home"), System.getProperty("java.vm.version"));
    }

    /** The archive of this jar on the JDK at {@code javaHome}, of version {@code vmVersion}. */
    static Optional<ClassArchive> of(Path jar, Map<String, String> environment, String javaHome, String vmVersion) {
        try {
            Optional<Path> cache = cacheFolder(environment, System.getProperty("user.home"));
            if (cache.isEmpty()) {
                return Optional.empty();
            }
            Path folder = cache.get().resolve("profile-bridge").resolve("cds");
            if (!Files.isDirectory(folder)) {
                Files.createDirectories(folder.getParent());
                Files.createDirectories(folder, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            }
            if (!ownedAndShut(folder)) {
                return Optional.empty();
            }
            Path real = jar.toRealPath();
            // the jar where it lies and the JDK that runs it: one JDK's archive is no earlier build of another's, and
            // the same jar run on two JDKs by turns removed each other's at every start (jdk25 audit)
            // joined, not concatenated: a launcher's first `+` of many parts links a method handle tree (60 ms here)
            String jarPart = checksum(String.join("|", real.toString(), javaHome));
            String buildPart = checksum(String.join(
                    "|",
                    Long.toString(Files.size(real)),
                    Long.toString(Files.getLastModifiedTime(real).toMillis()),
                    vmVersion));
            return Optional.of(new ClassArchive(folder, jarPart, buildPart));
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // no home, a read-only one, no POSIX permissions: the bridge starts as it is
        }
    }

    /**
     * A name part, not a secret: a CRC, because a digest would start the JVM's security providers in the launcher
     * (tens of milliseconds of every plain start). Two jars that met on one would only share a name: the JVM checks
     * the jar's size and time against the archive, and runs without it when they differ.
     */
    static String checksum(String text) {
        CRC32C crc = new CRC32C();
        crc.update(text.getBytes(StandardCharsets.UTF_8));
        String hex = Long.toHexString(crc.getValue());
        return "0".repeat(8 - hex.length()).concat(hex);
    }

    /**
     * {@code $XDG_CACHE_HOME}, else {@code .cache} in {@code $HOME}, else in Java's {@code user.home}: an absolute one
     * only. A user id the system has no entry for gets "?" as {@code user.home} even with {@code HOME} set, and a
     * working directory that could be written got a folder "?/.cache" (OpenShift audit).
     */
    static Optional<Path> cacheFolder(Map<String, String> environment, String userHome) {
        String xdg = environment.get("XDG_CACHE_HOME");
        if (absolute(xdg)) {
            return Optional.of(Path.of(xdg));
        }
        String home = absolute(environment.get("HOME")) ? environment.get("HOME") : userHome;
        return absolute(home) ? Optional.of(Path.of(home, ".cache")) : Optional.empty();
    }

    private static boolean absolute(String folder) {
        return folder != null && !folder.isBlank() && Path.of(folder).isAbsolute();
    }

    private static boolean ownedAndShut(Path folder) throws IOException {
        return ProcessUser.owns(folder)
                && Files.getPosixFilePermissions(folder, LinkOption.NOFOLLOW_LINKS)
                        .equals(OWNER_ONLY);
    }

    /** The archive to map, once one was made. */
    Optional<Path> ready() {
        Path file = file();
        return Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) ? Optional.of(file) : Optional.empty();
    }

    /** Marks the archive as just used: the folder's cap removes those used least recently first. */
    void used() {
        try {
            Files.setLastModifiedTime(file(), FileTime.from(Instant.now()));
        } catch (IOException e) {
            // it may then be removed sooner: the next run makes it again
        }
    }

    /** Where a run that makes the archive has the JVM write it: a name of its own, so two runs never mix. */
    Path training(long pid) {
        return folder.resolve(String.join(".", name(), "jsa", Long.toString(pid), "part"));
    }

    /**
     * Keeps what a run wrote, when it ended as asked (its JVM writes the archive on the way out): the archive of
     * this jar from now on, in place of those of the jar's earlier builds. Anything else is removed.
     */
    void keep(Path written, boolean endedAsAsked) throws IOException {
        if (endedAsAsked && Files.isRegularFile(written) && Files.size(written) > 0) {
            Files.move(written, file(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            removeEarlierBuildsAndLeastUsed();
        } else {
            Files.deleteIfExists(written);
        }
    }

    /** Removes what runs that never ended as asked left, an hour on (one may still be writing its own). */
    void removeLeftOvers() throws IOException {
        Instant before = Instant.now().minus(TRAINING_LEFT_OVER);
        try (DirectoryStream<Path> parts = Files.newDirectoryStream(folder, "*.part")) {
            for (Path part : parts) {
                if (Files.getLastModifiedTime(part).toInstant().isBefore(before)) {
                    Files.deleteIfExists(part);
                }
            }
        }
    }

    /** This release's archive names: two {@link #checksum} parts. */
    private static final Pattern ARCHIVE_NAME = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{8}\\.jsa");

    /**
     * One listing: the archives of this jar's earlier builds go, and those named as an earlier release named them
     * (which no release of this naming maps again: upgrade audit, an 80 MB archive left behind by an upgrade in
     * place), then those used least recently beyond the cap.
     */
    private void removeEarlierBuildsAndLeastUsed() throws IOException {
        Path current = file();
        List<Path> others;
        try (Stream<Path> files = Files.list(folder)) {
            others = files.filter(file -> file.getFileName().toString().endsWith(".jsa"))
                    .filter(file -> !file.equals(current))
                    .sorted(Comparator.comparing(ClassArchive::lastModified).reversed())
                    .toList();
        }
        int kept = 1; // this one
        for (Path archive : others) {
            String name = archive.getFileName().toString();
            if (name.startsWith(jarPart + "-") || !ARCHIVE_NAME.matcher(name).matches() || kept >= KEPT) {
                Files.deleteIfExists(archive);
            } else {
                kept++;
            }
        }
    }

    private static FileTime lastModified(Path file) {
        try {
            return Files.getLastModifiedTime(file);
        } catch (IOException e) {
            return FileTime.fromMillis(0); // gone already: first in line
        }
    }

    private Path file() {
        return folder.resolve(name().concat(".jsa"));
    }

    private String name() {
        return String.join("-", jarPart, buildPart);
    }
}
