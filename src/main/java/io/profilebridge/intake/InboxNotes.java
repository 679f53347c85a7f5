package io.profilebridge.intake;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The notes beside an inbox file that every instance of a shared inbox reads ({@code .NAME.json.<kind>}: dot-named, so
 * the inbox routes pass over them), and the names of this instance's own under which a note is made before one rename
 * puts it in place.
 */
final class InboxNotes {

    private static final Logger LOG = LoggerFactory.getLogger(InboxNotes.class);

    private InboxNotes() {}

    /** The file's note of that kind ({@code leftBehind}, {@code answered}). */
    static Path beside(Path file, String kind) {
        return file.resolveSibling("." + file.getFileName() + "." + kind);
    }

    /** A name for the note that no other instance or take uses, renamed onto the note once made. */
    static Path ownName(Path note, String step) {
        return note.resolveSibling(note.getFileName() + "." + UUID.randomUUID() + "." + step);
    }

    /** Removes a leftover of this instance's; one that stays is dot-named, and passed over. */
    static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.debug("Cannot remove {}: {}", file, e.toString());
        }
    }
}
