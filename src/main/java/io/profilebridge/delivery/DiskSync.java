package io.profilebridge.delivery;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Makes a written file survive a power loss: its content, then the folder entry that names it (camel-file writes
 * and renames but never syncs). Each caller syncs its own file; the folder sync is shared: whoever syncs a folder
 * covers every file renamed into it before that sync began, so a burst of results costs one folder sync per group.
 */
final class DiskSync {

    private final Map<Path, Folder> folders = new ConcurrentHashMap<>();

    /**
     * A file gone by now was taken by its reader between the rename and this sync: it was renamed whole from its
     * temporary name, and what the reader took is theirs (fsedges audit: a consumer that moved each result away at once
     * had every such result written again, up to three times). Its folder is still synced; a folder gone fails.
     */
    void sync(Path file) throws IOException {
        try {
            force(file);
        } catch (NoSuchFileException taken) {
            // nothing of ours left to sync
        }
        folders.computeIfAbsent(file.getParent(), Folder::new).sync();
    }

    private static void force(Path path) throws IOException {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    private static final class Folder {
        private final Path path;
        private final AtomicLong requested = new AtomicLong();
        private final ReentrantLock lock = new ReentrantLock();
        private long synced;

        Folder(Path path) {
            this.path = path;
        }

        void sync() throws IOException {
            long mine = requested.incrementAndGet();
            lock.lock();
            try {
                if (synced >= mine) {
                    return;
                }
                // every request counted so far was made after its rename, so this one sync covers them all
                long upTo = requested.get();
                force(path);
                synced = upTo;
            } finally {
                lock.unlock();
            }
        }
    }
}
