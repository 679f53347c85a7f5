package io.profilebridge.job;

import io.profilebridge.StartupFailure;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A start on another job store (PostgreSQL, an H2 file of its own) beside the data folder's embedded one, while that
 * one still holds unfinished jobs: they would never get a result, as nothing reads that file any more (lifecycle audit:
 * 15 jobs waiting for their runs in the embedded store were left without a word when the bridge was started on
 * PostgreSQL). Read-only, only when the file is there.
 */
public final class EmbeddedStoreLeftBehind {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedStoreLeftBehind.class);

    /** H2's error codes for a table that is not there, in a store with other tables or with none. */
    private static final Set<Integer> NO_TABLE = Set.of(42102, 42104);
    /** H2's error code for a write asked of a store opened read-only. */
    private static final int DATABASE_IS_READ_ONLY = 90097;

    private EmbeddedStoreLeftBehind() {}

    /** Stops the start while {@code data}'s embedded store holds unfinished jobs. */
    public static void refuseWhileUnfinished(Path data) {
        Path file = data.resolve(EmbeddedStore.FILE);
        if (!Files.isRegularFile(file)) {
            return;
        }
        long unfinished;
        try {
            unfinished = unfinishedIn(data);
        } catch (SQLException e) {
            if (NO_TABLE.contains(e.getErrorCode())) {
                return; // a store that never got its schema holds no job
            }
            LOG.warn(
                    "The embedded job store {} left in bridge.data could not be read ({}): any unfinished jobs in it"
                            + " get no result while the bridge runs on bridge.store.url",
                    file.toAbsolutePath(),
                    e.getMessage());
            return;
        }
        if (unfinished > 0) {
            throw new StartupFailure("the embedded job store " + file.toAbsolutePath() + " in bridge.data holds "
                    + unfinished + " unfinished jobs, which a start on bridge.store.url would leave without a result:"
                    + " finish them first with the embedded store (start without bridge.store.url until /jobs shows"
                    + " none pending), or move the file away to give them up");
        }
    }

    static long unfinishedIn(Path data) throws SQLException {
        try {
            return unfinishedIn(JobStoreDataSource.defaultUrl(data) + ";ACCESS_MODE_DATA=r");
        } catch (SQLException e) {
            if (e.getErrorCode() != DATABASE_IS_READ_ONLY) {
                throw e;
            }
            // a store its bridge did not close (killed, or a start refused after opening it) must be recovered before
            // it is read, which a read-only opening cannot do, and H2 then keeps the file locked in this process: a
            // copy is recovered and read, the store itself left as it is (manifests audit: such a file, "could not be
            // read", was warned of at every start, though it held no job)
            return unfinishedInACopy(data);
        }
    }

    private static long unfinishedInACopy(Path data) throws SQLException {
        Path copy = null;
        try {
            copy = Files.createTempDirectory(data, ".left-behind-check");
            Files.copy(data.resolve(EmbeddedStore.FILE), copy.resolve(EmbeddedStore.FILE));
            return unfinishedIn(JobStoreDataSource.defaultUrl(copy));
        } catch (IOException e) {
            throw new SQLException("its copy to read it could not be made: " + e.getMessage(), e);
        } finally {
            removeCopy(copy);
        }
    }

    /** The copy and its folder; H2 leaves nothing else there (no trace file, closed with its last connection). */
    private static void removeCopy(Path folder) {
        if (folder == null) {
            return;
        }
        try {
            Files.deleteIfExists(folder.resolve(EmbeddedStore.FILE));
            Files.deleteIfExists(folder);
        } catch (IOException e) {
            LOG.debug("Could not remove {}: {}", folder, e.toString());
        }
    }

    private static long unfinishedIn(String url) throws SQLException {
        String pending =
                JobState.PENDING.stream().map(state -> "'" + state.name() + "'").collect(Collectors.joining(","));
        try (Connection c = DriverManager.getConnection(url);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM bridge_job WHERE state IN (" + pending + ")")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
