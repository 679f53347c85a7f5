package io.profilebridge;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Holds {@code <bridge.inbox>/.profile-bridge.lock} while a bridge with an embedded job store runs: that inbox is the
 * instance's alone (its store is the only record of which files it took). A second bridge with a store of its own on
 * the same inbox had started without a word and, taking the first one's read-lock markers for a stopped run's,
 * removed them (lifecycle audit); it now stops at once. Bridges sharing one PostgreSQL store share an inbox and take
 * no such lock. Camel's file consumer passes over the file, as over every name beginning with a dot.
 */
public final class InboxLock {

    static final String FILE = ".profile-bridge.lock";

    private InboxLock() {}

    /** @param folderMode {@code bridge.inbox.folder-mode}, given to the inbox when it is made here */
    public static HeldFileLock acquire(Path inbox, String folderMode) {
        Path folder = inbox.toAbsolutePath().normalize();
        try {
            new FolderMaker(folderMode).make(folder);
            Files.createDirectories(folder);
            return HeldFileLock.tryTake(folder.resolve(FILE))
                    .orElseThrow(() -> new StartupFailure("the inbox " + folder + " is taken by another bridge with a"
                            + " job store of its own (it holds " + FILE + "): both would take its files, each into its"
                            + " own store; give each such instance its own bridge.inbox, or share one PostgreSQL"
                            + " store (bridge.store.url), with which instances share an inbox"));
        } catch (IOException e) {
            throw new StartupFailure(
                    "the inbox " + folder + " cannot be used (" + StartupFailure.describe(e) + "): give the bridge's"
                            + " user write access to it, or name another in bridge.inbox (BRIDGE_INBOX)",
                    e);
        }
    }
}
