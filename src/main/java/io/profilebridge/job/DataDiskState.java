package io.profilebridge.job;

import io.profilebridge.ErrorText;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * What the data folder's disk says when the embedded store has closed itself, for {@link ClosedStoreExit}'s line: H2
 * then reports only "The database has been closed".
 */
final class DataDiskState {

    /** How long the look at the disk may take: a hung disk must not hold the exit (review). */
    private static final int PROBE_SECONDS = 2;

    private DataDiskState() {}

    /** {@link #of}, given {@value #PROBE_SECONDS} s on its own thread; a note saying so when the disk takes longer. */
    static String within(Path data) {
        CompletableFuture<String> said = CompletableFuture.supplyAsync(() -> of(data));
        try {
            return said.get(PROBE_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            return "; " + data.toAbsolutePath() + " did not answer within " + PROBE_SECONDS + " s";
        } catch (ExecutionException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    /**
     * What the data folder's disk says now: its free space, and why a small write there or to the store file fails. H2
     * reports only "The database has been closed", and the write that failed named no cause in the log either (a full
     * disk, an immutable store file: store-failure audit).
     */
    static String of(Path data) {
        Path folder = data.toAbsolutePath();
        StringBuilder said = new StringBuilder();
        try {
            said.append("; ")
                    .append(folder)
                    .append(" has ")
                    .append(Files.getFileStore(folder).getUsableSpace())
                    .append(" bytes free");
        } catch (IOException e) {
            return "; " + folder + " cannot be looked at: " + ErrorText.withRootCause(e);
        }
        Path probe = folder.resolve(".write-probe");
        try {
            Files.write(probe, new byte[64 * 1024]);
        } catch (IOException e) {
            said.append(", and writing there fails: ").append(ErrorText.withRootCause(e));
        } finally {
            try {
                Files.deleteIfExists(probe);
            } catch (IOException ignored) {
                // left for the next start's folder check; it holds nothing
            }
        }
        Path store = folder.resolve(EmbeddedStore.FILE);
        if (Files.exists(store) && !Files.isWritable(store)) {
            said.append(", and ").append(store).append(" cannot be written (its permissions or attributes)");
        }
        return said.toString();
    }
}
