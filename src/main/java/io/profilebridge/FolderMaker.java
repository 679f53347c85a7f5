package io.profilebridge;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes folders with a mode, keeping their parent's setgid bit: the outbox folders a result goes into, just before
 * Camel's file producer would (routes/deliver-result.camel.yaml), and the inbox folders before the file consumers
 * start (intake.InboxFolders). Camel gives a folder it makes its {@code chmodDirectory} with a chmod, which also clears
 * the setgid bit the folder inherited from its parent: on a volume whose folders are setgid to a group (a Kubernetes
 * {@code fsGroup}, a shared folder {@code chmod g+s}), the results in such a folder then belonged to the process's own
 * group (0 in the image) instead, and readers relying on that group could not read them (deployment audit). A folder
 * made here gets the folder mode plus its parent's setgid bit; one that exists keeps its mode. Whatever cannot be made
 * here is left to Camel, whose write then fails or succeeds as before.
 */
public final class FolderMaker {

    private static final Logger LOG = LoggerFactory.getLogger(FolderMaker.class);
    private static final int SETGID = 02000;
    private static final String MODE = "unix:mode";

    /** {@code bridge.outbox.folder-mode} or {@code bridge.inbox.folder-mode}: three octal digits, checked at start-up. */
    private final int mode;

    public FolderMaker(String mode) {
        this.mode = Integer.parseInt(mode.trim(), 8);
    }

    /** Makes {@code folder} and its missing parents. */
    public void make(Path folder) {
        try {
            makeEach(folder.toAbsolutePath().normalize());
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException | ClassCastException e) {
            LOG.debug("Folder {} left to be made otherwise: {}", folder, e.toString());
        }
    }

    private void makeEach(Path folder) throws IOException {
        if (Files.isDirectory(folder)) {
            return;
        }
        Path parent = folder.getParent();
        if (parent != null) {
            makeEach(parent);
        }
        try {
            // created with no more than the mode (less by the umask), so it is never open wider than that
            Files.createDirectory(folder, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(rwx())));
        } catch (FileAlreadyExistsException madeMeanwhile) {
            return;
        }
        int inherited = parent == null ? 0 : (Integer) Files.getAttribute(parent, MODE) & SETGID;
        Files.setAttribute(folder, MODE, mode | inherited);
    }

    private String rwx() {
        StringBuilder text = new StringBuilder();
        for (int bit = 8; bit >= 0; bit--) {
            text.append((mode & (1 << bit)) != 0 ? "rwx".charAt((8 - bit) % 3) : '-');
        }
        return text.toString();
    }
}
