package io.profilebridge.orbit;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;

import javax.sql.DataSource;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.postgresql.Bucket4jPostgreSQL;

/**
 * Client-side token buckets for Orbit, which limits Deep Search starts per API key (5/s, bursts of 25) and gives
 * status polls a bucket of their own. Taking a token never blocks: without one, the job simply waits until the
 * bucket refills, so a queue of starts goes out at the limit instead of drawing 429s.
 */
public final class OrbitRateLimits {

    private final Bucket starts;
    private final Bucket reads;

    private OrbitRateLimits(Bucket starts, Bucket reads) {
        this.starts = starts;
        this.reads = reads;
    }

    /** Buckets of this process alone: right for a single instance. */
    public static OrbitRateLimits local(Limits limits) {
        Duration uptime = Duration.ofMillis(ManagementFactory.getRuntimeMXBean().getUptime());
        return new OrbitRateLimits(
                Bucket.builder().addLimit(limits.starts(initialStartTokens(limits, uptime))).build(),
                Bucket.builder().addLimit(limits.reads()).build());
    }

    /**
     * The start tokens a new process may spend at once. A bridge restarted after a crash cannot know how many
     * starts the process before it sent just before it died, and Orbit's bucket may still be short of them
     * (chaos run: one rate-limit 429 after a SIGKILL). Orbit refilled at least at the start rate since this JVM
     * started, so the local bucket starts as if it had been empty then: full a few seconds after start-up, and
     * never ahead of Orbit's.
     */
    static long initialStartTokens(Limits limits, Duration uptime) {
        long refilled = (long) Math.floor(limits.startsPerSecond() * uptime.toMillis() / 1000d);
        return Math.max(0, Math.min(limits.startBurst(), refilled));
    }

    /**
     * Buckets kept in PostgreSQL (table bridge_rate_bucket), shared by every instance using the same API key. Rows
     * are named by a hash of the key, so the key itself is never stored.
     */
    public static OrbitRateLimits shared(DataSource dataSource, String apiKey, Limits limits) {
        var buckets = Bucket4jPostgreSQL.selectForUpdateBasedBuilder(dataSource).table("bridge_rate_bucket").build();
        return new OrbitRateLimits(
                // the shared bucket outlives any one process, so a restart cannot spend its tokens twice
                buckets.builder().build(rowId("orbit-starts:" + apiKey),
                        () -> configuration(limits.starts(limits.startBurst()))),
                buckets.builder().build(rowId("orbit-reads:" + apiKey), () -> configuration(limits.reads())));
    }

    /** The configured rates: starts per second with a burst, reads per second with a burst. */
    public record Limits(double startsPerSecond, int startBurst, double readsPerSecond, int readBurst) {
        Bandwidth starts(long initialTokens) {
            return bandwidth(startsPerSecond, startBurst, initialTokens);
        }

        Bandwidth reads() {
            return bandwidth(readsPerSecond, readBurst, readBurst);
        }
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

    private static Bandwidth bandwidth(double perSecond, int burst, long initialTokens) {
        // refill one token at a time, evenly spread, rather than a whole second's worth at once
        long periodNanos = Math.round(1_000_000_000d / perSecond);
        return Bandwidth.builder().capacity(burst).refillGreedy(1, Duration.ofNanos(periodNanos))
                .initialTokens(initialTokens).build();
    }

    private static BucketConfiguration configuration(Bandwidth bandwidth) {
        return BucketConfiguration.builder().addLimit(bandwidth).build();
    }

    private static long rowId(String name) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.wrap(hash).getLong();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JVM", e);
        }
    }
}
