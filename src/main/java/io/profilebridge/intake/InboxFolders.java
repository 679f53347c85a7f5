package io.profilebridge.intake;

import io.profilebridge.FolderMaker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.StartupListener;
import org.apache.camel.component.file.FileEndpoint;

/**
 * Makes the inbox folders the routes read, and their {@code .done} and {@code .failed}, with
 * {@code bridge.inbox.folder-mode} before the file consumers start: whoever drops requests is the owner or in the
 * group (deploy audit: Camel made them with the process's umask, 755, so a producer in the shared volume's group could
 * not drop a file into inbox/orbit). Camel's own {@code chmodDirectory} cannot do it: with it, a consumer's move builds
 * its target folder below the working directory instead. An existing folder keeps its mode.
 */
public final class InboxFolders implements StartupListener {

    private final Path inbox;
    private final FolderMaker folders;

    /** @param folderMode {@code bridge.inbox.folder-mode} */
    public InboxFolders(Path inbox, String folderMode) {
        this.inbox = inbox.toAbsolutePath().normalize();
        this.folders = new FolderMaker(folderMode);
    }

    @Override
    public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) {
        make(context);
    }

    /**
     * Makes the folders that are missing: at start, and again should one be removed under the running bridge
     * ({@code InboxWatch}); returns those it found missing and made.
     */
    public List<Path> make(CamelContext context) {
        List<Path> missing = new ArrayList<>();
        for (Route route : readers(context)) {
            Path folder = folderOf(route);
            if (!folder.equals(inbox) && Files.isSymbolicLink(folder)) {
                // never through a link (health audit: .done/ and .failed/ were made in the link's target); the inbox
                // filter tells the folder as giving no file
                continue;
            }
            for (Path each : List.of(folder, folder.resolve(".done"), folder.resolve(".failed"))) {
                if (!Files.isDirectory(each)) {
                    folders.make(each);
                    // made, not only missing: on a read-only inbox the make fails, and "made again" was untrue
                    // (disk-full audit); its files' refused takes say what is wrong there
                    if (Files.isDirectory(each)) {
                        missing.add(each);
                    }
                }
            }
        }
        return missing;
    }

    /** The routes that read a folder of the inbox. */
    public List<Route> readers(CamelContext context) {
        return context.getRoutes().stream()
                .filter(route -> route.getEndpoint() instanceof FileEndpoint
                        && folderOf(route).startsWith(inbox))
                .toList();
    }

    private static Path folderOf(Route route) {
        return ((FileEndpoint) route.getEndpoint())
                .getFile()
                .toPath()
                .toAbsolutePath()
                .normalize();
    }
}
