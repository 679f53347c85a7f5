package io.profilebridge;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.LoggerFactory;

/**
 * The folder of the jar the bridge runs from, when it is not the working directory: its {@code config/} and
 * {@code routes/} are read too, weaker than the working directory's (the contract's "beside it" read either way;
 * config-and-APIs audit: {@code cd elsewhere && java -jar /opt/pb/profile-bridge.jar} ignored {@code /opt/pb/config}).
 */
final class JarFolder {

    /** Found once: the property locations and the route collector (asked twice by Camel Main) all read it. */
    private static final Optional<Path> FOLDER = find();

    private JarFolder() {}

    /** Empty when running from classes (tests, {@code mvn camel:run}) or from the working directory itself. */
    static Optional<Path> otherThanTheWorkingDirectory() {
        return FOLDER;
    }

    private static Optional<Path> find() {
        Path code;
        try {
            code = Path.of(JarFolder.class
                    .getProtectionDomain()
                    .getCodeSource()
                    .getLocation()
                    .toURI());
        } catch (Exception e) {
            // a code source that is no file (a custom class loader): the working directory alone, as before
            return Optional.empty();
        }
        Optional<Path> folder = besides(code, Path.of(""));
        if (folder.isPresent() && unlisted(folder.get())) {
            LoggerFactory.getLogger(JarFolder.class)
                    .warn(
                            "config/ and routes/ beside the jar are not read: its folder's path holds a comma, which "
                                    + "Camel's lists of locations cannot carry ({}); run the bridge from that folder, "
                                    + "or move the jar",
                            folder.get());
            return Optional.empty();
        }
        return folder;
    }

    /** The jar's folder when {@code code} is a jar outside {@code working}; empty for classes or on a failure. */
    static Optional<Path> besides(Path code, Path working) {
        try {
            if (!Files.isRegularFile(code)) {
                return Optional.empty();
            }
            Path folder = code.toRealPath().getParent();
            return folder == null || folder.equals(working.toRealPath()) ? Optional.empty() : Optional.of(folder);
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    /**
     * Whether a folder cannot stand in Camel's comma-separated property locations and route patterns: split there,
     * its config/ would be silently not read (a location of another name, optional).
     */
    static boolean unlisted(Path folder) {
        return folder.toString().contains(",");
    }
}
