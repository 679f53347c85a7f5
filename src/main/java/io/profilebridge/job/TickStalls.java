package io.profilebridge.job;

import io.profilebridge.api.ApiCallLimits;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Tells a stall of this process (a SIGSTOP, a suspended VM or container, a long GC pause) from the poll ticks' own
 * pace: a gap between two ticks more than {@link ApiCallLimits#STALL_MS} longer than the gap before it (so any
 * {@code bridge.poll.tick-ms} is its own measure). The calls out during a stall were not slow: their answers may be
 * waiting whole in their sockets, read within {@link ApiCallLimits#GRACE_AFTER_STALL_MS}. For that long after a stall
 * no call counts as slow (misfire audit: right after a 40 s SIGSTOP the first tick gave a stalled call's place to
 * another job, whose call went out before the stalled one's 429 was read, into its window).
 */
final class TickStalls {

    private static final long STALL_NANOS = TimeUnit.MILLISECONDS.toNanos(ApiCallLimits.STALL_MS);
    private static final long GRACE_NANOS = TimeUnit.MILLISECONDS.toNanos(ApiCallLimits.GRACE_AFTER_STALL_MS);

    private final LongSupplier nanos;
    private int ticks;
    private long lastTick;
    private long lastGap;
    private long graceEnds;

    /** @param nanos the monotonic clock, in ns */
    TickStalls(LongSupplier nanos) {
        this.nanos = nanos;
    }

    /** Notes a tick (one thread: the claiming one); true when calls may be judged slow at it. */
    boolean tickJudgesSlowCalls() {
        long now = nanos.getAsLong();
        if (ticks == 0) {
            graceEnds = now;
        } else {
            long gap = now - lastTick;
            // the first gap is the pace's first measure, not a stall
            if (ticks > 1 && gap - lastGap > STALL_NANOS) {
                graceEnds = now + GRACE_NANOS;
            }
            lastGap = gap;
        }
        ticks = Math.min(ticks + 1, 2);
        lastTick = now;
        return now - graceEnds >= 0;
    }
}
