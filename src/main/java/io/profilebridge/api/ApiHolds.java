package io.profilebridge.api;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether an API currently refuses us for our key, scope or credits (401/403/402, no key configured, or Orbit's
 * {@code developer_deep_search_not_configured}), bucket by bucket. Set and cleared by every answer of
 * {@code direct:call-<api>}, read by the dispatcher's claim and the health check. A refused key holds every bucket of
 * its API; a 402 holds only the bucket whose call asked for credits: Orbit's docs charge a run's start and say
 * "Status polling (GET) is free", so the runs already started are still read, and their results delivered, while the
 * balance is short (black-box audit: a 402 on a start had held the reads of runs already paid for).
 */
public final class ApiHolds {

    private static final Logger LOG = LoggerFactory.getLogger(ApiHolds.class);

    /** Why a bucket is held, and whether the refusal was about that bucket's calls only (credits). */
    private record Hold(ApiError reason, boolean bucketOnly) {}

    private final Map<ApiBucket, Hold> holds = new ConcurrentHashMap<>();
    /** When a job of a held bucket was last let through to find out whether the hold has lifted. */
    private final Map<ApiBucket, Long> lastProbeAt = new ConcurrentHashMap<>();
    /**
     * Buckets refused since their last claim: the refusal was the latest probe, so the next one waits a whole
     * interval from the claim that follows it (politeness audit: a second Orbit start went out 10 ms after a 402, the
     * first claim after a hold began having been let through as a probe). Timed at the claim, on the claim's clock.
     */
    private final Set<ApiBucket> refusedSinceClaim = ConcurrentHashMap.newKeySet();

    private final long probeIntervalMs;

    /** @param probeIntervalMs how often a held bucket gets one call to tell whether it accepts us again */
    public ApiHolds(long probeIntervalMs) {
        this.probeIntervalMs = probeIntervalMs;
    }

    /**
     * Holds, or lifts, what the answer to a call of {@code bucket} says. A success lifts that bucket's hold and the
     * key's holds of the API's other buckets (the key is accepted again), not another bucket's want of credits. Also
     * says in the log when an API starts or stops refusing us: one line each, not one per held call.
     */
    public void observe(ApiBucket bucket, ApiAnswer answer) {
        if (FaultClass.of(answer) == FaultClass.HOLD) {
            Hold hold = new Hold(answer.error(), answer.httpStatus() == 402);
            boolean news = false;
            for (ApiBucket held : hold.bucketOnly() ? List.of(bucket) : ApiBucket.of(bucket.api())) {
                refusedSinceClaim.add(held);
                Hold before = holds.put(held, hold);
                news |= before == null
                        || !before.reason().code().equals(hold.reason().code());
            }
            if (news) {
                LOG.warn(
                        "{} refuses the bridge's calls{} ({}: {}): those requests are held, not failed, and tried again"
                                + " every bridge.retry.hold-interval-ms; the health check shows it",
                        bucket.api().id(),
                        hold.bucketOnly() ? " of " + bucket.id() : "",
                        hold.reason().code(),
                        hold.reason().message());
            }
        } else if (answer.isSuccess()) {
            boolean lifted = holds.entrySet()
                    .removeIf(entry -> entry.getKey().api() == bucket.api()
                            && (entry.getKey() == bucket || !entry.getValue().bucketOnly()));
            if (lifted) {
                LOG.info(
                        "{} accepts the bridge's calls of {} again: those held requests go on",
                        bucket.api().id(),
                        bucket.id());
            }
        }
    }

    /** Holds every bucket of the API (no key configured). */
    public void hold(Api api, ApiError reason) {
        ApiBucket.of(api).forEach(bucket -> holds.put(bucket, new Hold(reason, false)));
    }

    /** Why some of the API's calls are held, if any are: what its health check reports. */
    public Optional<ApiError> hold(Api api) {
        return ApiBucket.of(api).stream()
                .map(holds::get)
                .filter(Objects::nonNull)
                .map(Hold::reason)
                .findFirst();
    }

    /** Why the calls of {@code bucket} are held, if they are: what {@code /jobs} shows beside a waiting job. */
    public Optional<ApiError> hold(ApiBucket bucket) {
        return Optional.ofNullable(holds.get(bucket)).map(Hold::reason);
    }

    public long probeIntervalMs() {
        return probeIntervalMs;
    }

    /**
     * How many of {@code wanted} jobs of the bucket may be claimed now: all while it accepts us; while it refuses us,
     * one per probe interval, whose call tells when the hold lifts. Each claimed job would only be refused and held
     * again, and on a shared store an instance whose key is refused would so take other instances' jobs away from
     * them (cluster audit: 25 of 30 jobs held a minute each). The interval counts from a probe actually claimed
     * ({@link #probed}): a bucket serves several queues, and an empty one asked first must not spend it (config-and-APIs
     * audit: Orbit's profile reads, mostly none, took every probe of the reads' bucket, and a run whose status reads
     * were refused was never read again). Called by the one claiming thread.
     */
    public int claimable(ApiBucket bucket, int wanted, long now) {
        if (!holds.containsKey(bucket)) {
            refusedSinceClaim.remove(bucket);
            return wanted;
        }
        if (refusedSinceClaim.remove(bucket)) {
            lastProbeAt.put(bucket, now);
            return 0;
        }
        if (wanted == 0) {
            return 0;
        }
        Long last = lastProbeAt.get(bucket);
        if (last != null && now - last < probeIntervalMs) {
            return 0;
        }
        return 1;
    }

    /** A job of the bucket was claimed as its probe: the next waits a whole interval. */
    public void probed(ApiBucket bucket, long now) {
        if (holds.containsKey(bucket)) {
            lastProbeAt.put(bucket, now);
        }
    }
}
