package io.profilebridge;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

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
        try {
            Path code = Path.of(JarFolder.class
                    .getProtectionDomain()
                    .getCodeSource()
                    .getLocation()
                    .toURI());
            if (!Files.isRegularFile(code)) {
                return Optional.empty();
            }
            Path folder = code.toRealPath().getParent();
            Path working = Path.of("").toRealPath();
            return folder == null || folder.equals(working) ? Optional.empty() : Optional.of(folder);
        } catch (Exception e) {
            // a code source that is no file (a custom class loader): the working directory alone, as before
            return Optional.empty();
        }
    }
}
