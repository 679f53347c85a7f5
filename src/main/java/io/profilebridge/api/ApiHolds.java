package io.profilebridge.api;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether an API currently refuses us for our key, scope or credits (401/403/402, no key configured, or Orbit's
 * {@code developer_deep_search_not_configured}). Set and cleared by every answer of {@code direct:call-<api>}, read by
 * the health check.
 */
public final class ApiHolds {

    private static final Logger LOG = LoggerFactory.getLogger(ApiHolds.class);

    private final Map<Api, ApiError> holds = new ConcurrentHashMap<>();
    /** When a job of a held API was last let through to find out whether the hold has lifted. */
    private final Map<Api, Long> lastProbeAt = new ConcurrentHashMap<>();

    private final long probeIntervalMs;

    /** @param probeIntervalMs how often a held API gets one call to tell whether it accepts us again */
    public ApiHolds(long probeIntervalMs) {
        this.probeIntervalMs = probeIntervalMs;
    }

    /** Also says in the log when an API starts or stops refusing us: one line each, not one per held call. */
    public void observe(Api api, ApiAnswer answer) {
        if (FaultClass.of(answer) == FaultClass.HOLD) {
            ApiError reason = answer.error();
            ApiError before = holds.put(api, reason);
            if (before == null || !before.code().equals(reason.code())) {
                LOG.warn(
                        "{} refuses the bridge's calls ({}: {}): its requests are held, not failed, and tried again"
                                + " every bridge.retry.hold-interval-ms; the health check shows it",
                        api.id(),
                        reason.code(),
                        reason.message());
            }
        } else if (answer.isSuccess() && holds.remove(api) != null) {
            LOG.info("{} accepts the bridge's calls again: its held requests go on", api.id());
        }
    }

    public void hold(Api api, ApiError reason) {
        holds.put(api, reason);
    }

    public Optional<ApiError> hold(Api api) {
        return Optional.ofNullable(holds.get(api));
    }

    public long probeIntervalMs() {
        return probeIntervalMs;
    }

    /**
     * How many of {@code wanted} jobs of the API may be claimed now: all while it accepts us; while it refuses us, one
     * per probe interval, whose call tells when the hold lifts. Each claimed job would only be refused and held again,
     * and on a shared store an instance whose key is refused would so take other instances' jobs away from them
     * (cluster audit: 25 of 30 jobs held a minute each). Called by the one claiming thread.
     */
    public int claimable(Api api, int wanted, long now) {
        if (wanted == 0 || !holds.containsKey(api)) {
            return wanted;
        }
        Long last = lastProbeAt.get(api);
        if (last != null && now - last < probeIntervalMs) {
            return 0;
        }
        lastProbeAt.put(api, now);
        return 1;
    }
}
