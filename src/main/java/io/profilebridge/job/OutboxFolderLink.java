package io.profilebridge.job;

import java.nio.file.FileSystemException;
import java.nio.file.Path;

/**
 * A folder below the outbox that a result would be written through is a symbolic link: results go only into the
 * outbox's own folders (hostile-files audit: a linked {@code failed/orbit} put results outside the outbox). Like a
 * folder this user may not write to, it blocks every result of that folder until an operator makes it a folder, and
 * gives none up ({@link OutboxBlocked}).
 */
public final class OutboxFolderLink extends FileSystemException {

    public OutboxFolderLink(Path folder) {
        super(
                folder.toString(),
                null,
                "is a symbolic link; results are written only into the outbox's own folders, never through a link"
                        + " (make it a folder)");
    }
}
