package io.profilebridge;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Holds {@code <bridge.inbox>/.profile-bridge.lock} while a bridge with an embedded job store runs: that inbox is the
 * instance's alone (its store is the only record of which files it took). A second bridge with a store of its own on
 * the same inbox had started without a word and, taking the first one's read-lock markers for a stopped run's,
 * removed them (lifecycle audit); it now stops at once. Bridges sharing one PostgreSQL store share an inbox and hold
 * the lock shared, so a bridge with a store of its own started on their inbox stops too, instead of removing their
 * live markers as its stopped run's (file-coordination audit). Camel's file consumer passes over the file, as over every name beginning with a dot.
 */
public final class InboxLock {

    static final String FILE = ".profile-bridge.lock";

    private InboxLock() {}

    /**
     * @param folderMode {@code bridge.inbox.folder-mode}, given to the inbox when it is made here
     * @param shared the instances of a shared (PostgreSQL) store share the inbox: each holds the lock shared, so a
     *     bridge with a store of its own cannot take it alone while they run, nor they while it runs
     */
    public static HeldFileLock acquire(Path inbox, String folderMode, boolean shared) {
        Path folder = inbox.toAbsolutePath().normalize();
        try {
            new FolderMaker(folderMode).make(folder);
            Files.createDirectories(folder);
            Path file = folder.resolve(FILE);
            Optional<HeldFileLock> held = shared ? HeldFileLock.tryTakeShared(file) : HeldFileLock.tryTake(file);
            return held.orElseThrow(
                    () -> new StartupFailure(
                            shared
                                    ? "the inbox " + folder
                                            + " is taken by a bridge with a job store of its own (it holds " + FILE
                                            + " alone): both would take its files, each into its own store; stop it, or give this"
                                            + " instance another bridge.inbox"
                                    : "the inbox " + folder
                                            + " is taken by another bridge with a job store of its own, or by"
                                            + " instances sharing a PostgreSQL store (it holds " + FILE
                                            + "): both would take its"
                                            + " files, each into its own store; give each such instance its own bridge.inbox, or"
                                            + " share one PostgreSQL store (bridge.store.url), with which instances share an inbox"));
        } catch (IOException e) {
            // health audit: a file standing in the inbox's place was told as a want of write access
            boolean notAFolder = Files.exists(folder) && !Files.isDirectory(folder);
            throw new StartupFailure(
                    "the inbox " + folder + " cannot be used (" + StartupFailure.describe(e) + "): "
                            + (notAFolder
                                    ? "a file stands where the inbox folder should be; remove it"
                                    : "give the bridge's user write access to it")
                            + ", or name another in bridge.inbox (BRIDGE_INBOX)",
                    e);
        }
    }
}
