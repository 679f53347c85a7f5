package io.profilebridge;

/**
 * The shared (PostgreSQL) store's own clock in SQL, epoch millis: instances on different hosts compare heartbeats and
 * call places on one clock, whatever their own say.
 */
public final class StoreClock {

    /** The store's time now, in epoch milliseconds. */
    public static final String NOW_MS = "CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000 AS BIGINT)";

    private StoreClock() {}
}
