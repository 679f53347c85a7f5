package io.profilebridge.intake;

import io.profilebridge.ReportedOnce;
import java.io.IOException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.component.file.FileEndpoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Folders below an inbox folder that no route reads (a misspelt {@code inbox/openprospekt/}, a folder inside
 * {@code inbox/orbit/}): files dropped there would wait for ever without a word, so each is named once in a warning.
 * Told of folders by the inbox listing ({@link InboxFileFilter}) and by the timer route
 * {@code routes/inbox-unread-folders.camel.yaml} (bean {@code unreadFolders}).
 */
public class UnreadFolders {

    private static final Logger LOG = LoggerFactory.getLogger(UnreadFolders.class);

    private final Supplier<Set<Path>> readFolders;
    /** The folders read when last asked; asked again only for a folder not among them (a route added since). */
    private volatile Set<Path> knownRead = Set.of();
    /** Folders already named, so each costs one log line, not one per look. */
    private final ReportedOnce reported = new ReportedOnce();

    /** {@code bridge.inbox}, absolute; null when not known (its own files are then not looked at). */
    private final Path inbox;

    /** @param readFolders the folders some route reads, absolute; empty when not known (nothing is then named) */
    public UnreadFolders(Supplier<Set<Path>> readFolders) {
        this(readFolders, null);
    }

    /** @param inbox {@code bridge.inbox}, whose own request files are named when no route reads it */
    public UnreadFolders(Supplier<Set<Path>> readFolders, Path inbox) {
        this.readFolders = readFolders;
        this.inbox = inbox == null ? null : absolute(inbox);
    }

    /** The folders of the context's file endpoints: those its inbox routes read (and the outbox, written). */
    public static Supplier<Set<Path>> fileFoldersOf(CamelContext context) {
        return () -> context.getEndpoints().stream()
                .filter(FileEndpoint.class::isInstance)
                .map(endpoint -> absolute(((FileEndpoint) endpoint).getFile().toPath()))
                .collect(Collectors.toSet());
    }

    /**
     * Names, once each, the folders below an inbox folder that no route reads, including those made while the bridge
     * runs (route inbox-unread-folders, every {@code bridge.inbox.folder-check-ms}): the inbox routes never descend into
     * folders, and Camel shows folders to this filter only at start-up, when its read lock clears orphaned markers
     * (black-box audit: a misspelt folder made later was never named).
     */
    public void report(CamelContext context) {
        reportUnreadParents(context);
        for (Path inbox : takenFrom(context)) {
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(inbox)) {
                for (Path entry : entries) {
                    if (!entry.getFileName().toString().startsWith(".")
                            && Files.isDirectory(entry)) { // a link to a folder too: no route follows it
                        reportIfUnread(entry);
                    }
                }
            } catch (IOException | DirectoryIteratorException e) {
                // not there (yet): its route makes it
            }
        }
    }

    /**
     * Names, once, the inbox when no route reads it while request files lie in it: its envelope route left out
     * (integrator audit: an envelope dropped there waited without a word).
     */
    private void reportUnreadParents(CamelContext context) {
        if (inbox == null
                || takenFrom(context).stream().map(UnreadFolders::absolute).anyMatch(inbox::equals)
                || !holdsRequestFiles(inbox)
                || !reported.first("files\n" + inbox)) {
            return;
        }
        LOG.warn(
                "Inbox {} holds request files, but no route reads it: they stay where they are (envelopes dropped"
                        + " there are read by routes/inbox-envelope.camel.yaml, which is left out)",
                inbox);
    }

    private static boolean holdsRequestFiles(Path folder) {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(folder, "[!.]*.json")) {
            for (Path file : files) {
                if (Files.isRegularFile(file)) {
                    return true;
                }
            }
            return false;
        } catch (IOException | DirectoryIteratorException e) {
            return false;
        }
    }

    /** The folders the context's routes take files from. */
    static List<Path> takenFrom(CamelContext context) {
        return context.getRoutes().stream()
                .map(Route::getEndpoint)
                .filter(FileEndpoint.class::isInstance)
                .map(endpoint -> ((FileEndpoint) endpoint).getFile().toPath())
                .toList();
    }

    /** Names the folder once in a warning when no route reads it. */
    void reportIfUnread(Path folder) {
        Path absolute = absolute(folder);
        if (knownRead.contains(absolute)) {
            return; // each poll lists the API folders: no walk over the context's endpoints for them
        }
        Set<Path> read = readFolders.get();
        knownRead = read;
        if (read.isEmpty() || read.contains(absolute)) {
            return;
        }
        if (reported.first(absolute.toString())) {
            if (Files.isSymbolicLink(folder)) {
                // hostile-files audit: a link to a folder was named as a misspelt folder
                LOG.warn(
                        "Inbox entry {} is a symbolic link to a folder: the inbox never follows links, and nothing"
                                + " in it is taken",
                        folder);
                return;
            }
            LOG.warn(
                    "Inbox folder {} is read by no route: files dropped there stay where they are (the inbox reads"
                            + " {}; a new folder is one templatedRoute, see routes/inbox-openprospect.camel.yaml)",
                    folder,
                    read.stream()
                            .filter(path -> path.startsWith(absolute.getParent()))
                            .sorted()
                            .toList());
        }
    }

    private static Path absolute(Path path) {
        return path.toAbsolutePath().normalize();
    }
}
