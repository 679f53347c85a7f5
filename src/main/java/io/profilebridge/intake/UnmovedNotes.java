package io.profilebridge.intake;

import com.fasterxml.jackson.databind.JsonNode;
import io.profilebridge.Json;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A note beside an answered inbox file that could not be moved ({@code .NAME.json.answered}): the file as it was and
 * where it was to go, so whichever instance of a shared inbox takes it next only moves it. Kept in one instance's
 * memory alone, every other instance took the file as a new drop and answered it again: one result per instance
 * (file-coordination audit). Best effort: where the note cannot be written either (a full inbox), the instance that
 * answered still knows.
 */
final class UnmovedNotes {

    private static final Logger LOG = LoggerFactory.getLogger(UnmovedNotes.class);

    /** A note holds four short fields and a file name: anything larger is no note of ours. */
    private static final int MAX_NOTE_BYTES = 64 * 1024;

    private UnmovedNotes() {}

    static void write(Path file, WaitingFiles.Unmoved unmoved) {
        try {
            Files.writeString(
                    noteOf(file),
                    Json.object()
                            .put("modified", unmoved.modified())
                            .put("length", unmoved.length())
                            .put("verdict", unmoved.verdict())
                            .put("keptName", unmoved.keptName())
                            .put("identity", unmoved.identity())
                            .toString());
        } catch (IOException e) {
            LOG.debug("Cannot note that {} is answered: {}", file, e.toString());
        }
    }

    /** The note beside the file, if any; removed (asked once per take: a move that fails again notes it again). */
    static Optional<WaitingFiles.Unmoved> take(Path file) {
        Path note = noteOf(file);
        // java.io's File: no exception per take where there is no note, the usual case
        File asFile = note.toFile();
        if (asFile.length() == 0 || asFile.length() > MAX_NOTE_BYTES) {
            return Optional.empty();
        }
        try {
            JsonNode fields = Json.MAPPER.readTree(Files.readString(note));
            Files.deleteIfExists(note);
            return Optional.of(new WaitingFiles.Unmoved(
                    fields.path("modified").asLong(),
                    fields.path("length").asLong(),
                    Json.text(fields, "verdict"),
                    Json.text(fields, "keptName"),
                    Json.text(fields, "identity")));
        } catch (NoSuchFileException gone) {
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            LOG.debug("Cannot read the note {}: {}", note, e.toString());
            return Optional.empty();
        }
    }

    /**
     * The file's identity: its inode (the file key) and status-change time, which a copy that keeps its date and size
     * ({@code cp -p}) does not keep; null where the file system tells neither, or the file is gone.
     */
    static String identityOf(Path file) {
        try {
            Object key = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
                    .fileKey();
            Object changed = Files.getAttribute(file, "unix:ctime", LinkOption.NOFOLLOW_LINKS);
            return key == null ? null : key + "@" + changed;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return null;
        }
    }

    private static Path noteOf(Path file) {
        return file.resolveSibling("." + file.getFileName() + ".answered");
    }
}
