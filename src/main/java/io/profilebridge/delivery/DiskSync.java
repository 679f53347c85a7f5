package io.profilebridge.delivery;

import java.io.IOException;
import java.nio.channels.FileChannel;
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

    void sync(Path file) throws IOException {
        force(file);
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
