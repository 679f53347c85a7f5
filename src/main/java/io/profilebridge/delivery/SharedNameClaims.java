package io.profilebridge.delivery;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Clock;

/**
 * Claims on result names that the other instances sharing the outbox see (a PostgreSQL store, several bridges): a file
 * {@code .NAME.json.claim} beside the result, made only where none is ({@code O_EXCL}), holding its owner (the
 * job's id, or a rejection's), removed once the result is written or has failed. Two instances finishing two requests of
 * one name at once otherwise both found the name free, and the later rename replaced the earlier result (names audit,
 * from reading). A claim older than {@link #ABANDONED_MS} is one a stopped instance left, and is taken over; one of
 * the same owner is this request's own (a delivery again after a crash). Hand-written: Camel's file producer has no
 * cross-process lock on a name it writes.
 */
final class SharedNameClaims {

    /** Far longer than any write of a result takes; a claim this old was left by an instance that stopped. */
    static final long ABANDONED_MS = 60_000;

    /** An owner is a job id: a claim file is read no further than this. */
    private static final int MAX_OWNER_BYTES = 64 * 1024;

    private final boolean shared;
    private final Clock clock;

    /** {@code shared}: other instances write into the same outbox; else every claim is granted, at no cost. */
    SharedNameClaims(boolean shared, Clock clock) {
        this.shared = shared;
        this.clock = clock;
    }

    /** True when {@code owner} may write {@code target}: no other owner's claim on it, or one long abandoned. */
    boolean take(Path target, String owner) throws IOException {
        if (!shared) {
            return true;
        }
        Path claim = claimOf(target);
        for (int attempt = 0; attempt < 2; attempt++) {
            try {
                Files.writeString(
                        claim, owner, StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                return true;
            } catch (FileAlreadyExistsException taken) {
                if (owner.equals(ownerOf(claim))) {
                    return true;
                }
                if (!abandoned(claim)) {
                    return false;
                }
                Files.deleteIfExists(claim);
            }
        }
        return false;
    }

    /** Removes {@code owner}'s claim on {@code target}, leaving another owner's (one that took an abandoned one). */
    void release(Path target, String owner) {
        if (!shared) {
            return;
        }
        Path claim = claimOf(target);
        try {
            if (owner.equals(ownerOf(claim))) {
                Files.deleteIfExists(claim);
            }
        } catch (IOException e) {
            // left behind, it is taken over once abandoned
        }
    }

    private static Path claimOf(Path target) {
        return target.resolveSibling("." + target.getFileName() + ".claim");
    }

    /** The owner a claim names, read without following a link planted at its name, as far as any owner goes. */
    private static String ownerOf(Path claim) throws IOException {
        try (InputStream in = Files.newInputStream(claim, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            return new String(in.readNBytes(MAX_OWNER_BYTES), StandardCharsets.UTF_8);
        } catch (NoSuchFileException gone) {
            return null;
        }
    }

    private boolean abandoned(Path claim) throws IOException {
        try {
            FileTime modified = Files.getLastModifiedTime(claim, LinkOption.NOFOLLOW_LINKS);
            return clock.millis() - modified.toMillis() > ABANDONED_MS;
        } catch (NoSuchFileException gone) {
            return true;
        }
    }
}
