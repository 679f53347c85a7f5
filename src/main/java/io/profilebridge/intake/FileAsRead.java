package io.profilebridge.intake;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Optional;

/**
 * An inbox file as it was when the bridge read it: which file (its inode), how long, when last changed. Told apart
 * from the file its name holds when it is moved to {@code .done/} or {@code .failed/}: one written over it or put in
 * its place meanwhile is moved with it, unread (Camel's file consumer expects a name to be written only once it has
 * left the inbox), and is said so.
 */
record FileAsRead(Object fileKey, long size, long modifiedMillis) {

    static Optional<FileAsRead> of(Path file) {
        try {
            BasicFileAttributes attributes =
                    Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            return Optional.of(new FileAsRead(
                    attributes.fileKey(),
                    attributes.size(),
                    attributes.lastModifiedTime().toMillis()));
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
