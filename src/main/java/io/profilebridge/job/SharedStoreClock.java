package io.profilebridge.job;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shared (PostgreSQL) store's clock as this process reads it: the store's time at its last reading (each
 * heartbeat) advanced by the monotonic clock since. The jobs' due times and the shared token buckets' refills are
 * written by one instance and read by the others; on each host's own clock an instance ahead by ten minutes left its
 * jobs unclaimed for ten minutes after it died, one behind did nothing for as long, and one ahead stopped the others'
 * token refills (skew audit). The monotonic part also carries this process over its own clock being set back or
 * forward between two readings. Where the store cannot be read yet, it starts from this process's clock.
 */
public final class SharedStoreClock extends Clock {

    private static final Logger LOG = LoggerFactory.getLogger(SharedStoreClock.class);

    /** A gap between this host's clock and the store's worth a warning: the inbox markers and Quartz use this host's. */
    static final long SKEW_WARNED_MS = 2_000;

    private final LongSupplier wallMillis;
    private final LongSupplier monotonicNanos;

    /** The store's time, in ns since the epoch, at {@link Anchor#nanos} on the monotonic clock. */
    private record Anchor(long storeNanos, long nanos) {}

    private volatile Anchor anchor;
    private boolean skewWarned;

    public SharedStoreClock() {
        this(System::currentTimeMillis, System::nanoTime);
    }

    SharedStoreClock(LongSupplier wallMillis, LongSupplier monotonicNanos) {
        this.wallMillis = wallMillis;
        this.monotonicNanos = monotonicNanos;
        this.anchor = new Anchor(wallMillis.getAsLong() * 1_000_000, monotonicNanos.getAsLong());
    }

    /** The store's time now, in ns since the epoch (the shared token buckets' clock). */
    public long nanos() {
        Anchor at = anchor;
        return at.storeNanos + (monotonicNanos.getAsLong() - at.nanos);
    }

    @Override
    public long millis() {
        return Math.floorDiv(nanos(), 1_000_000);
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(millis());
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("the store's clock is kept in UTC");
    }

    /**
     * A reading of the store's clock: {@code storeMillis}, answered to a query sent at {@code sentNanos} and answered
     * at {@code answeredNanos} (monotonic), taken to be the store's time halfway. Says once in the log when this host's
     * clock is far from the store's, and when it is near again.
     */
    public synchronized void read(long storeMillis, long sentNanos, long answeredNanos) {
        long halfway = sentNanos + (answeredNanos - sentNanos) / 2;
        anchor = new Anchor(storeMillis * 1_000_000, halfway);
        long hostAhead = wallMillis.getAsLong() - millis();
        if (!skewWarned && Math.abs(hostAhead) > SKEW_WARNED_MS) {
            skewWarned = true;
            LOG.warn(
                    "This host's clock is {} ms {} the job store's: the jobs' times and the shared budgets follow the"
                            + " store's clock, but the inbox's read-lock markers are dated by the file system and the"
                            + " Quartz poll trigger fires by this host's clock; set the time of the hosts (NTP)",
                    Math.abs(hostAhead),
                    hostAhead > 0 ? "ahead of" : "behind");
        } else if (skewWarned && Math.abs(hostAhead) <= SKEW_WARNED_MS / 2) {
            skewWarned = false;
            LOG.info("This host's clock is within {} ms of the job store's again", Math.abs(hostAhead));
        }
    }
}
