package io.profilebridge;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The data folder ({@code bridge.data}) holds the job store (every request and result) and the embedded broker's
 * journal, so it is the owner's alone, whatever the umask: created {@code rwx------}, the embedded store's files
 * set to {@code rw-------}. A folder that exists already keeps its permissions (they may be deliberate); one that
 * others can read is reported at start-up.
 */
public final class DataFolder {

    private static final Logger LOG = LoggerFactory.getLogger(DataFolder.class);
    private static final Set<PosixFilePermission> OWNER_FOLDER = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> OWNER_FILE = PosixFilePermissions.fromString("rw-------");

    private DataFolder() {}

    static Path prepare(Path data) throws IOException {
        if (!posix()) {
            return Files.createDirectories(data);
        }
        if (Files.notExists(data)) {
            return createOwnerOnly(data);
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

    /**
     * Makes the folder, owner-only, whatever the umask; the folders above it that are missing are made as any other
     * (OpenShift audit: made owner-only too, a missing shared parent of the inbox and the outbox shut out the group
     * that drops requests and reads results). A folder of another kind of file system is made as it is.
     */
    public static Path createOwnerOnly(Path folder) throws IOException {
        Path parent = folder.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        return posix()
                ? Files.createDirectory(folder, PosixFilePermissions.asFileAttribute(OWNER_FOLDER))
                : Files.createDirectory(folder);
    }

    /**
     * Everything in the folder the bridge will write to (the store, the broker's journal) must be writable by this
     * process's user. Before, a file copied in by another user stopped the start deep inside H2 or Artemis, with
     * "Operation not permitted" or "Permission denied" and no file or remedy named.
     */
    static void refuseUnwritable(Path data) {
        refuseUnwritable(data, Files::isWritable);
    }

    /** As {@link #refuseUnwritable(Path)}, with the writability rule given: tests run as root, who may write anywhere. */
    static void refuseUnwritable(Path data, Predicate<Path> writable) {
        Optional<Path> unwritable;
        try (Stream<Path> paths = Files.walk(data)) {
            // a class-data-sharing archive is read-only by the JVM's making, and only ever read (operations audit:
            // README's archive under data/ stopped the next start of any user but root)
            unwritable = paths.filter(path -> !Files.isSymbolicLink(path)
                            && !path.getFileName().toString().endsWith(".jsa")
                            && !writable.test(path))
                    .findFirst();
        } catch (IOException | UncheckedIOException e) {
            throw new StartupFailure(
                    "the data folder " + data.toAbsolutePath().normalize() + " cannot be read through ("
                            + StartupFailure.describe(e) + "): " + remedy(data),
                    e);
        }
        unwritable.ifPresent(path -> {
            throw new StartupFailure(path.toAbsolutePath() + " in the data folder cannot be written by this"
                    + " process's user (" + ProcessUser.shown() + "): " + remedy(data));
        });
    }

    private static String remedy(Path data) {
        return "the bridge writes everything under " + data.toAbsolutePath().normalize() + ", so give its user"
                + " access to all of it (chown -R, chmod -R u+rwX), or run the bridge as the folder's owner";
    }

    /** The embedded job store's files ({@code jobstore.*}), once the store has created them. */
    static void restrictStoreFiles(Path data) throws IOException {
        if (!posix()) {
            return;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(data, "jobstore.*")) {
            for (Path file : files) {
                if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                    restrict(file);
                }
            }
        }
    }

    /** A file of another user (writable by this one) keeps its permissions: only its owner may change them. */
    private static void restrict(Path file) throws IOException {
        try {
            Files.setPosixFilePermissions(file, OWNER_FILE);
        } catch (FileSystemException notOwner) {
            LOG.warn(
                    "{} belongs to another user; its permissions ({}) were left as they are",
                    file,
                    PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        }
    }

    private static boolean posix() {
        return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    }
}
