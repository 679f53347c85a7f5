package io.profilebridge.api;

import io.profilebridge.Sha256;
import io.profilebridge.StoreClock;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Collection;
import java.util.UUID;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The places of the {@link CallGate} in PostgreSQL (table {@code bridge_call_place}), so that its limits belong to
 * the API key and not to one process: with several instances on one store, a bucket limited to one call in flight
 * has one call out for all of them, and none is on its way when the API opens a window. A limit of N has N rows
 * (slots), named by a hash of limit, key and slot like the budgets' rows; the key itself is never stored. A slot is
 * free when no one holds it or its holder took it (or renewed it, right before its call went out) longer than
 * {@code bridge.http.slow-call-ms} ago (a slow call gives its place back after that long in this process too, while
 * its API holds at most half this process's workers; a dead process's place is free again at the latest then). Times are the database's clock, so the instances' own clocks
 * need not agree.
 * <p>
 * Hand-written: a lease with a timeout is one conditional upsert here, and the store is already there; a lock
 * service (advisory locks, a coordinator) would tie the place to a connection or add a part to run.
 */
public final class SharedCallPlaces {

    private static final Logger LOG = LoggerFactory.getLogger(SharedCallPlaces.class);

    private static final String TAKE = "INSERT INTO bridge_call_place (id, holder, taken_at) VALUES (?, ?, "
            + StoreClock.NOW_MS
            + ") ON CONFLICT (id) DO UPDATE SET holder = EXCLUDED.holder, taken_at = EXCLUDED.taken_at "
            + "WHERE bridge_call_place.holder IS NULL OR bridge_call_place.taken_at < " + StoreClock.NOW_MS + " - ?";

    private static final String RENEW =
            "UPDATE bridge_call_place SET taken_at = " + StoreClock.NOW_MS + " WHERE id = ? AND holder = ?";

    private static final String GIVE = "UPDATE bridge_call_place SET holder = NULL WHERE id = ? AND holder = ?";

    private final DataSource dataSource;
    private final ApiCredentials credentials;
    private final long expiresAfterMs;
    /** This process: it holds at most one lease of a slot, so its name and the slot identify the lease. */
    private final String holder = UUID.randomUUID().toString();

    private volatile boolean givingBackFails;

    /** @param expiresAfterMs a place taken this long ago is free for anyone (the gate's slow-call time) */
    public SharedCallPlaces(DataSource dataSource, ApiCredentials credentials, long expiresAfterMs) {
        this.dataSource = dataSource;
        this.credentials = credentials;
        this.expiresAfterMs = expiresAfterMs;
    }

    /** True when the API's places are shared: it has a key, which the places belong to. */
    boolean shares(Api api) {
        return credentials.key(api).isPresent();
    }

    /**
     * Takes a free slot of the limit named {@code limitName} (a bucket's or an API's) of {@code limit} slots, other
     * than those this process holds already; the slot taken, or -1 when every other one is held.
     */
    int take(Api api, String limitName, int limit, Collection<Integer> held) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(TAKE)) {
            for (int slot = 0; slot < limit; slot++) {
                if (held.contains(slot)) {
                    continue;
                }
                ps.setLong(1, slotId(api, limitName, slot));
                ps.setString(2, holder);
                ps.setLong(3, expiresAfterMs);
                if (ps.executeUpdate() == 1) {
                    return slot;
                }
            }
            return -1;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot take a shared place of " + limitName + " in the job store", e);
        }
    }

    /**
     * Takes the slots this process holds anew, as of now; false when one of them is no longer its own (it expired
     * and another instance took it).
     */
    boolean renew(Api api, String limitName, Collection<Integer> slots) {
        if (slots.isEmpty()) {
            return true;
        }
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(RENEW)) {
            boolean all = true;
            for (int slot : slots) {
                ps.setLong(1, slotId(api, limitName, slot));
                ps.setString(2, holder);
                all &= ps.executeUpdate() == 1;
            }
            return all;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot renew a shared place of " + limitName + " in the job store", e);
        }
    }

    /**
     * Gives a slot back. A failure is logged, not thrown: the caller's work is done, and the place is free for the
     * others once it expires.
     */
    void give(Api api, String limitName, int slot) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(GIVE)) {
            ps.setLong(1, slotId(api, limitName, slot));
            ps.setString(2, holder);
            ps.executeUpdate();
            givingBackFails = false;
        } catch (SQLException | RuntimeException e) {
            if (!givingBackFails) {
                LOG.warn(
                        "Cannot give a shared place of {} back in the job store; it is free again {} ms after it "
                                + "was taken: {}",
                        limitName,
                        expiresAfterMs,
                        e.toString());
            }
            givingBackFails = true;
        }
    }

    private long slotId(Api api, String limitName, int slot) {
        return Sha256.rowId(
                "place:" + limitName + "#" + slot + ":" + credentials.key(api).orElseThrow());
    }
}
