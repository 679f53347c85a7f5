package io.profilebridge.delivery;

import io.profilebridge.Sha256;
import io.profilebridge.StoreClock;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Claims on result names that the other instances sharing the outbox see (a PostgreSQL store, several bridges): a row
 * of {@code bridge_result_name} per name being written, holding its owner (the job's id, or a rejection's), removed
 * once the result is written or has failed. Two instances finishing two requests of one name at once otherwise both
 * found the name free, and the later rename replaced the earlier result (names audit). A claim older than
 * {@link #ABANDONED_MS} is one a stopped instance left, and is taken over; one of the same owner is this request's own
 * (a delivery again after a crash).
 * <p>
 * In the store, not in files beside the results: taking over an abandoned claim file (look at its age, delete it,
 * make one's own) let two instances both take one over (static-analysis audit: 34 of 20,000 takeovers by two threads),
 * and its age was read against each host's own clock. Here a claim, a takeover and a hand-back are each one statement
 * on the database's clock. Hand-written: Camel's file producer has no cross-process lock on a name it writes.
 */
final class SharedNameClaims {

    /** Far longer than any write of a result takes; a claim this old was left by an instance that stopped. */
    static final long ABANDONED_MS = 60_000;

    private static final Logger LOG = LoggerFactory.getLogger(SharedNameClaims.class);

    private static final String TAKE = "INSERT INTO bridge_result_name (id, owner, taken_at) VALUES (?, ?, "
            + StoreClock.NOW_MS
            + ") ON CONFLICT (id) DO UPDATE SET owner = EXCLUDED.owner, taken_at = EXCLUDED.taken_at "
            + "WHERE bridge_result_name.owner = EXCLUDED.owner OR bridge_result_name.taken_at < "
            + StoreClock.NOW_MS + " - ?";

    private static final String RELEASE = "DELETE FROM bridge_result_name WHERE id = ? AND owner = ?";

    private final Path outbox;
    private final DataSource store;

    /**
     * {@code store}: the shared store of the instances that write into {@code outbox} too; null for one instance
     * alone, whose every claim is granted at no cost.
     */
    SharedNameClaims(Path outbox, DataSource store) {
        this.outbox = outbox.toAbsolutePath().normalize();
        this.store = store;
    }

    /** True when {@code owner} may write {@code target}: no other owner's claim on it, or one long abandoned. */
    boolean take(Path target, String owner) throws SQLException {
        if (store == null) {
            return true;
        }
        try (Connection c = store.getConnection();
                PreparedStatement ps = c.prepareStatement(TAKE)) {
            ps.setLong(1, nameId(target));
            ps.setString(2, Sha256.hex(owner));
            ps.setLong(3, ABANDONED_MS);
            return ps.executeUpdate() == 1;
        }
    }

    /** Removes {@code owner}'s claim on {@code target}, leaving another owner's (one that took an abandoned one). */
    void release(Path target, String owner) {
        if (store == null) {
            return;
        }
        try (Connection c = store.getConnection();
                PreparedStatement ps = c.prepareStatement(RELEASE)) {
            ps.setLong(1, nameId(target));
            ps.setString(2, Sha256.hex(owner));
            ps.executeUpdate();
        } catch (SQLException e) {
            // left behind, it is taken over once abandoned
            LOG.debug("The claim on {} is left to expire: {}", target, e.toString());
        }
    }

    /**
     * The name's row: its path in the outbox, so instances that mount the shared outbox at different paths claim one
     * name alike.
     */
    private long nameId(Path target) {
        String name = outbox.relativize(target.toAbsolutePath().normalize())
                .toString()
                .replace('\\', '/');
        return Sha256.rowId("result-name:" + name);
    }
}
