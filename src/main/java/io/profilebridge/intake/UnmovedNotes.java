package io.profilebridge.intake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.profilebridge.Json;
import io.profilebridge.Sha256;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A note beside an answered inbox file that could not be moved ({@code .NAME.json.answered}): the file as it was and
 * where it was to go, so whichever instance of a shared inbox takes it next only moves it. Kept in one instance's
 * memory alone, every other instance took the file as a new drop and answered it again: one result per instance
 * (file-coordination audit). Where the note cannot be written beside the file either (a full inbox), it goes to the
 * instance's spare folder in its data folder, named by the file's path: that instance still knows after a restart
 * (disk-full audit: a restart on a full inbox answered 64 files a second time, their results already taken).
 */
final class UnmovedNotes {

    private static final Logger LOG = LoggerFactory.getLogger(UnmovedNotes.class);

    /** The folders an answered file goes to (RequestAcceptance's verdicts). */
    private static final Set<String> VERDICTS = Set.of("done", "failed");

    /** A note holds four short fields and a file name: anything larger is no note of ours. */
    private static final int MAX_NOTE_BYTES = 64 * 1024;

    private UnmovedNotes() {}

    /**
     * Written whole under a name of its own, then renamed onto the note: another instance never reads half a note,
     * and a link planted at the note's name is replaced, not followed (diff review: the target of such a link was
     * overwritten).
     */
    static void write(Path file, WaitingFiles.Unmoved unmoved, Path spare) {
        ObjectNode fields = Json.object()
                .put("modified", unmoved.modified())
                .put("length", unmoved.length())
                .put("verdict", unmoved.verdict())
                .put("keptName", unmoved.keptName())
                .put("identity", unmoved.identity());
        if (!written(noteOf(file), fields) && spare != null) {
            try {
                Files.createDirectories(spare);
            } catch (IOException e) {
                LOG.debug("Cannot make {}: {}", spare, e.toString());
            }
            if (!written(spareNoteOf(spare, file), fields.put("file", pathOf(file)))) {
                LOG.warn(
                        "{} is answered, and neither a note beside it nor one in {} can say so: a restart before it is"
                                + " moved answers it again",
                        file,
                        spare);
            }
        }
    }

    private static boolean written(Path note, ObjectNode fields) {
        Path written = InboxNotes.ownName(note, "part");
        try {
            Files.writeString(
                    written,
                    fields.toString(),
                    StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE,
                    LinkOption.NOFOLLOW_LINKS);
            Files.move(written, note, StandardCopyOption.ATOMIC_MOVE);
            return true;
        } catch (IOException e) {
            LOG.debug("Cannot write the note {}: {}", note, e.toString());
            InboxNotes.deleteQuietly(written);
            return false;
        }
    }

    /**
     * The note beside the file, if any. It stays until the file is moved ({@link #remove}): a take that only moves the
     * file may be cut short (a SIGKILL), and the next take must still know the file is answered (lock audit: 16 of 40
     * such files got a second result).
     */
    static Optional<WaitingFiles.Unmoved> read(Path file, Path spare) {
        Optional<WaitingFiles.Unmoved> beside = readNote(noteOf(file), null);
        return beside.isPresent() || spare == null ? beside : readNote(spareNoteOf(spare, file), pathOf(file));
    }

    /** @param file the path a spare note must name; null for a note beside its file */
    private static Optional<WaitingFiles.Unmoved> readNote(Path note, String file) {
        return fieldsOf(note).flatMap(fields -> {
            String verdict = Json.text(fields, "verdict");
            String keptName = Json.text(fields, "keptName");
            // the move's own folder and a plain name in it, whoever wrote the note: it names where the file goes
            if (!VERDICTS.contains(verdict)
                    || !isPlainName(keptName)
                    || (file != null && !file.equals(Json.text(fields, "file")))) {
                return Optional.empty();
            }
            return Optional.of(new WaitingFiles.Unmoved(
                    fields.path("modified").asLong(),
                    fields.path("length").asLong(),
                    verdict,
                    keptName,
                    Json.text(fields, "identity")));
        });
    }

    /** The note's fields, read up to {@link #MAX_NOTE_BYTES}; empty for no note, or none of ours. */
    private static Optional<JsonNode> fieldsOf(Path note) {
        // java.io's File: no exception per take where there is no note, the usual case
        File asFile = note.toFile();
        if (asFile.length() == 0 || asFile.length() > MAX_NOTE_BYTES) {
            return Optional.empty();
        }
        try (InputStream in = Files.newInputStream(note, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.of(Json.MAPPER.readTree(in.readNBytes(MAX_NOTE_BYTES)));
        } catch (NoSuchFileException gone) {
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            LOG.debug("Cannot read the note {}: {}", note, e.toString());
            return Optional.empty();
        }
    }

    /**
     * The spare folder's notes of files no longer in the inbox go (removed by their callers while unmoved): nothing
     * else would ever remove them (re-check audit).
     */
    static void forgetGone(Path spare) {
        try (DirectoryStream<Path> notes = Files.newDirectoryStream(spare, "*.answered")) {
            for (Path note : notes) {
                String file =
                        fieldsOf(note).map(fields -> Json.text(fields, "file")).orElse(null);
                if (file == null || !Files.exists(Path.of(file), LinkOption.NOFOLLOW_LINKS)) {
                    InboxNotes.deleteQuietly(note);
                }
            }
        } catch (IOException | DirectoryIteratorException | InvalidPathException e) {
            LOG.debug("Cannot look through {}: {}", spare, e.toString());
        }
    }

    /** The file's notes go: the file was moved, or is another file now. */
    static void remove(Path file, Path spare) {
        InboxNotes.deleteQuietly(noteOf(file));
        if (spare != null) {
            InboxNotes.deleteQuietly(spareNoteOf(spare, file));
        }
    }

    /**
     * The file's identity: its inode number and status-change time, which a copy that keeps its date and size
     * ({@code cp -p}) does not keep, and which every host of a shared inbox reads alike (not the device, which each
     * NFS client numbers its own way: diff review); null where the file system tells neither, or the file is gone.
     */
    static String identityOf(Path file) {
        try {
            // one look at the file for both
            Map<String, Object> unix = Files.readAttributes(file, "unix:ino,ctime", LinkOption.NOFOLLOW_LINKS);
            return unix.get("ino") + "@" + unix.get("ctime");
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return null;
        }
    }

    /** A name within its folder: not empty, no separator, not . or .. . */
    private static boolean isPlainName(String name) {
        return name != null
                && !name.isEmpty()
                && name.indexOf('/') < 0
                && name.indexOf('\\') < 0
                && name.indexOf('\0') < 0
                && !name.equals(".")
                && !name.equals("..");
    }

    private static Path noteOf(Path file) {
        return InboxNotes.beside(file, "answered");
    }

    /** The file's note in the spare folder: named by a hash of its path, which the note names in full. */
    private static Path spareNoteOf(Path spare, Path file) {
        return spare.resolve(Sha256.hex(pathOf(file)) + ".answered");
    }

    private static String pathOf(Path file) {
        return file.toAbsolutePath().normalize().toString();
    }
}
