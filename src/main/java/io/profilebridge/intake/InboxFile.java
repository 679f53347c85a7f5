package io.profilebridge.intake;

import io.profilebridge.OpenFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import org.apache.camel.component.file.GenericFile;

/**
 * Reads an inbox file's bytes as a regular file only: a symbolic link is never followed, even one swapped in after
 * the file was listed (the open itself refuses it), so no other file's content can reach a result or a log line.
 */
final class InboxFile {

    private InboxFile() {}

    /**
     * What the system says (strerror) when the process, not the file, is short of something: out of file descriptors
     * (EMFILE, ENFILE), of memory or buffers, a call to be made again, an NFS handle to look up again.
     */
    private static final List<String> PASSING_REASONS = List.of(
            "Too many open files",
            "Cannot allocate memory",
            "No buffer space available",
            "Resource temporarily unavailable",
            "Interrupted system call",
            "Stale file handle");

    static RequestBytes read(GenericFile<?> file, long maxBytes)
            throws UnreadableRequestException, RequestFileGoneException, RequestReadLaterException {
        Path path = Path.of(file.getAbsoluteFilePath());
        try {
            BasicFileAttributes attributes =
                    Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (!attributes.isRegularFile()) {
                throw new UnreadableRequestException(
                        "the file cannot be read: it is not a regular file (a symbolic link, a folder or a special "
                                + "file); the inbox takes regular files only and never follows a link",
                        null);
            }
            if (attributes.size() > maxBytes) {
                return RequestBytes.tooLarge(attributes.size());
            }
            // one byte more than allowed tells a file that grew past the limit since it was listed
            byte[] bytes = readUpTo(path, maxBytes + 1, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
            return bytes.length > maxBytes
                    ? RequestBytes.tooLarge(Math.max(bytes.length, attributes.size()))
                    : new RequestBytes(bytes, bytes.length);
        } catch (NoSuchFileException e) {
            throw new RequestFileGoneException(file.getFileNameOnly() + " was gone when its turn came", e);
        } catch (AccessDeniedException e) {
            // Java gives no reason of its own here (hostile-files audit: "cannot be read: AccessDeniedException")
            throw new UnreadableRequestException(
                    "the file cannot be read: permission denied (this user may not read it; give the bridge's user or"
                            + " group read permission)",
                    e);
        } catch (FileSystemException e) {
            if (passes(e.getReason())) {
                throw readLater(file, e.getReason(), e);
            }
            throw new UnreadableRequestException(
                    "the file cannot be read: "
                            + (e.getReason() != null
                                    ? e.getReason()
                                    : e.getClass().getSimpleName()),
                    e);
        } catch (IOException e) {
            if (passes(e.getMessage())) {
                throw readLater(file, e.getMessage(), e);
            }
            throw new UnreadableRequestException("the file cannot be read: " + e.getMessage(), e);
        }
    }

    private static RequestReadLaterException readLater(GenericFile<?> file, String reason, IOException cause) {
        return new RequestReadLaterException(
                "cannot be read now: " + reason + "; it stays in the inbox and is read again at a later poll", cause);
    }

    /**
     * Whether a read refused for {@code reason} may well succeed later, the file unchanged: the system's words, in
     * English, or, as a system speaking another language words them otherwise (review: LANG=de_DE), a process at its
     * open-files limit.
     */
    static boolean passes(String reason) {
        return (reason != null && PASSING_REASONS.stream().anyMatch(reason::contains)) || OpenFiles.atLimit();
    }

    /** The file's first bytes, at most {@code limit} (and what an array holds): a file that grows is not read whole. */
    static byte[] readUpTo(Path path, long limit, OpenOption... options) throws IOException {
        try (InputStream in = Files.newInputStream(path, options)) {
            return in.readNBytes((int) Math.min(limit, Integer.MAX_VALUE - 8));
        }
    }
}
