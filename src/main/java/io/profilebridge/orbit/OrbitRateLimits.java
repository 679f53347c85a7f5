package io.profilebridge.orbit;

import java.time.Duration;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;

/**
 * Client-side token buckets for Orbit, which limits Deep Search starts per API key (5/s, bursts of 25) and gives
 * status polls a bucket of their own. Taking a token never blocks: without one, the job simply waits until the
 * bucket refills, so a queue of starts goes out at the limit instead of drawing 429s.
 */
public final class OrbitRateLimits {

    private final Bucket starts;
    private final Bucket reads;

    public OrbitRateLimits(double startsPerSecond, int startBurst, double readsPerSecond, int readBurst) {
        this.starts = bucket(startsPerSecond, startBurst);
        this.reads = bucket(readsPerSecond, readBurst);
    }

    /** 0 when a start may be sent now, else the milliseconds until a token is there. */
    public long takeStart() {
        return take(starts);
    }

    /** 0 when a status poll or profile read may be sent now, else the milliseconds to wait. */
    public long takeRead() {
        return take(reads);
    }

    private static long take(Bucket bucket) {
        ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
        return probe.isConsumed() ? 0 : Math.max(1, Duration.ofNanos(probe.getNanosToWaitForRefill()).toMillis());
    }

    private static Bucket bucket(double perSecond, int burst) {
        // refill one token at a time, evenly spread, rather than a whole second's worth at once
        long periodNanos = Math.round(1_000_000_000d / perSecond);
        return Bucket.builder()
                .addLimit(Bandwidth.builder().capacity(burst).refillGreedy(1, Duration.ofNanos(periodNanos))
                        .initialTokens(burst).build())
                .build();
    }
}
