package io.profilebridge.operations;

/**
 * The management endpoints' store reads, each kind on readers of its own, each answered within a second: the health
 * checks' ping, the metrics' counts, and an operator's {@code /jobs} and status page. Shared, two slow reads of
 * {@code /jobs} (a state filter sorting 100,000 pending jobs) held both readers, and the readiness check's ping was
 * refused: readiness DOWN on a healthy store (scale audit).
 */
public record ManagementReads(StoreReadDeadline health, StoreReadDeadline metrics, StoreReadDeadline operators)
        implements AutoCloseable {

    private static final long WAIT_MS = 1000;

    public static ManagementReads open() {
        return new ManagementReads(
                new StoreReadDeadline(WAIT_MS, 1),
                new StoreReadDeadline(WAIT_MS, 1),
                new StoreReadDeadline(WAIT_MS, 2));
    }

    @Override
    public void close() {
        health.close();
        metrics.close();
        operators.close();
    }
}
