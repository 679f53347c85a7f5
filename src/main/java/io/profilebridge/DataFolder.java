package io.profilebridge;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The data folder ({@code bridge.data}) holds the job store (every request and result) and the embedded broker's
 * journal, so it is the owner's alone, whatever the umask: created {@code rwx------}, the embedded store's files
 * set to {@code rw-------}. A folder that exists already keeps its permissions (they may be deliberate); one that
 * others can read is reported at start-up.
 */
final class DataFolder {

    private static final Logger LOG = LoggerFactory.getLogger(DataFolder.class);
    private static final Set<PosixFilePermission> OWNER_FOLDER = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> OWNER_FILE = PosixFilePermissions.fromString("rw-------");

    private DataFolder() {}

    static Path prepare(Path data) throws IOException {
        if (!posix()) {
            return Files.createDirectories(data);
        }
        if (Files.notExists(data)) {
            return Files.createDirectories(data, PosixFilePermissions.asFileAttribute(OWNER_FOLDER));
        }
        Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(data);
        if (!OWNER_FOLDER.containsAll(permissions)) {
            LOG.warn(
                    "The data folder {} can be read by others ({}); it holds every request and result: chmod 700 it",
                    data,
                    PosixFilePermissions.toString(permissions));
        }
        return data;
    }

    /** The embedded job store's files ({@code jobstore.*}), once the store has created them. */
    static void restrictStoreFiles(Path data) throws IOException {
        if (!posix()) {
            return;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(data, "jobstore.*")) {
            for (Path file : files) {
                if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                    Files.setPosixFilePermissions(file, OWNER_FILE);
                }
            }
        }
    }

    private static boolean posix() {
        return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    }
}
