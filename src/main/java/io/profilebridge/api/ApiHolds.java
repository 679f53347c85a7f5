package io.profilebridge.api;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.camel.component.http.HttpMethods;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether an API currently refuses us for our key, scope or credits (401/403/402, no key configured, or Orbit's
 * {@code developer_deep_search_not_configured}), bucket by bucket. Set and cleared by every answer of
 * {@code direct:call-<api>}, read by the dispatcher's claim and the health check. A refused key holds every bucket of
 * its API; a 402 holds only the bucket whose call asked for credits: Orbit's docs charge a run's start and say
 * "Status polling (GET) is free", so the runs already started are still read, and their results delivered, while the
 * balance is short (black-box audit: a 402 on a start had held the reads of runs already paid for). An OpenProspect
 * 403 holds only the calls of its method: the docs give creations {@code orders:write} and reads {@code orders:read}
 * (audit: a key without orders:write held the status reads of the runs already created). So does an OpenProspect
 * 402, which its docs do not give: credits are a creation's.
 */
public final class ApiHolds {

    private static final Logger LOG = LoggerFactory.getLogger(ApiHolds.class);

    /**
     * The calls of a bucket one kind of work makes: POST starts or creates, GET reads, or (null) either, for a queue
     * whose jobs make both (OpenProspect's, while no scope of it is held).
     */
    private record Calls(ApiBucket bucket, HttpMethods method) {}

    /**
     * Why a bucket's calls are held: all of them ({@code method} null) or those of one method (a scope), and whether
     * the refusal was about that bucket's calls only (credits).
     */
    private record Hold(ApiError reason, boolean bucketOnly, HttpMethods method) {

        /** Whether calls of that method (null: of either) are held. */
        boolean covers(HttpMethods call) {
            return method == null || call == null || method == call;
        }
    }

    /** Every key a claim may ask about: each method, and either. */
    private static final List<HttpMethods> ALL_CALLS = Arrays.asList(HttpMethods.GET, HttpMethods.POST, null);

    private final Map<ApiBucket, Hold> holds = new ConcurrentHashMap<>();
    /** When a job of held calls was last let through to find out whether the hold has lifted. */
    private final Map<Calls, Long> lastProbeAt = new ConcurrentHashMap<>();
    /**
     * Calls refused since their last claim: the refusal was the latest probe, so the next one waits a whole interval
     * from the claim that follows it (politeness audit: a second Orbit start went out 10 ms after a 402, the first
     * claim after a hold began having been let through as a probe). Timed at the claim, on the claim's clock.
     */
    private final Set<Calls> refusedSinceClaim = ConcurrentHashMap.newKeySet();

    private final long probeIntervalMs;

    /** @param probeIntervalMs how often held calls get one call to tell whether they are accepted again */
    public ApiHolds(long probeIntervalMs) {
        this.probeIntervalMs = probeIntervalMs;
    }

    /**
     * Holds, or lifts, what the answer to a {@code method} call of {@code bucket} says. A success lifts the holds it
     * answers: that bucket's, and the key's holds of the API's other buckets (the key is accepted again), not another
     * bucket's want of credits nor another method's want of scope. Also says in the log when an API starts or stops
     * refusing us: one line each, not one per held call. Returns the buckets the answer holds whole (all their calls;
     * none for an OpenProspect 403, which holds one scope's).
     */
    public List<ApiBucket> observe(ApiBucket bucket, HttpMethods method, ApiAnswer answer) {
        if (FaultClass.of(answer) == FaultClass.HOLD) {
            // OpenProspect's one bucket serves creations and reads: a 403 (a scope) or a 402 (credits, which only a
            // creation spends) holds the calls of the method refused (budget audit: a 402 on creations held the reads)
            boolean scopeOnly =
                    bucket.api() == Api.OPENPROSPECT && (answer.httpStatus() == 403 || answer.httpStatus() == 402);
            Hold hold = new Hold(answer.error(), answer.httpStatus() == 402, scopeOnly ? method : null);
            List<ApiBucket> heldBuckets = hold.bucketOnly() ? List.of(bucket) : ApiBucket.of(bucket.api());
            boolean news = false;
            for (ApiBucket held : heldBuckets) {
                for (HttpMethods refused : hold.method() == null ? ALL_CALLS : List.of(method)) {
                    refusedSinceClaim.add(new Calls(held, refused));
                }
                Hold before = holds.get(held);
                if (before != null && before.method() != hold.method()) {
                    // both scopes refused: every call of the bucket is held
                    hold = new Hold(hold.reason(), hold.bucketOnly(), null);
                }
                holds.put(held, hold);
                news |= before == null
                        || !before.reason().code().equals(hold.reason().code());
            }
            if (news && answer.isKeyMissing()) {
                LOG.warn(
                        "A request for {} waits, and no {}.api-key is configured: it is held, not sent, until one is;"
                                + " the health check shows it",
                        bucket.api().id(),
                        bucket.api().id());
            } else if (news) {
                LOG.warn(
                        "{} refuses the bridge's {}calls{} ({}: {}): those requests are held, not failed, and tried"
                                + " again every bridge.retry.hold-interval-ms; the health check shows it",
                        bucket.api().id(),
                        hold.method() == null ? "" : hold.method() + " ",
                        hold.bucketOnly() ? " of " + bucket.id() : "",
                        hold.reason().code(),
                        hold.reason().message());
            }
            return scopeOnly ? List.of() : heldBuckets;
        }
        if (answer.isSuccess()) {
            List<String> lifted = new ArrayList<>();
            holds.entrySet().removeIf(entry -> {
                boolean lifts = entry.getKey().api() == bucket.api()
                        && (entry.getKey() == bucket || !entry.getValue().bucketOnly())
                        && entry.getValue().covers(method);
                if (lifts) {
                    lifted.add(entry.getKey().id());
                }
                return lifts;
            });
            if (!lifted.isEmpty()) {
                // every bucket the answer lifts (key-rotation audit: a hold that began on a status read ended with a
                // line naming the starts alone)
                LOG.info(
                        "{} accepts the bridge's calls of {} again: those held requests go on",
                        bucket.api().id(),
                        String.join(", ", lifted));
            }
        }
        return List.of();
    }

    /**
     * No request waits for the buckets' held calls any more (the last were given up past their age, or ended
     * otherwise): nothing is held, so the hold is lifted and the API's health check is UP again (operations audit: it
     * stayed DOWN, and readiness with it, until a new request's call was accepted). Should the API still refuse, the
     * next request's first call holds it again. So is a missing key's: a bridge run for one API, the other's key left
     * out, was DOWN for good (operations audit); a request for that API is held again at its first call, which sends
     * nothing.
     */
    public void noneWaiting(List<ApiBucket> buckets) {
        List<String> lifted = new ArrayList<>();
        ApiError reason = null;
        for (ApiBucket bucket : buckets) {
            Hold hold = holds.get(bucket);
            if (hold != null && holds.remove(bucket, hold)) {
                lifted.add(bucket.id());
                reason = hold.reason();
            }
        }
        if (reason != null && ApiAnswer.API_KEY_MISSING.equals(reason.code())) {
            LOG.info(
                    "No request waits for {}, which has no key ({}.api-key): its health check is UP while none does,"
                            + " and the next one is held again",
                    buckets.get(0).api().id(),
                    buckets.get(0).api().id());
        } else if (reason != null) {
            LOG.info(
                    "No request waits for the held calls of {} any more: the hold is lifted, and the next request's"
                            + " call tells whether {} still refuses ({})",
                    String.join(", ", lifted),
                    buckets.get(0).api().id(),
                    reason.code());
        }
    }

    /**
     * The buckets one hold holds with {@code bucket}: a refused key holds every bucket of its API, and is lifted for
     * all of them at once, once no request waits for any (operations audit: the starts' hold, lifted while a run's
     * reads were held, was held again by the next read's refusal, an INFO and a WARN each probe interval); a want of
     * credits holds its own bucket.
     */
    public List<ApiBucket> heldTogetherWith(ApiBucket bucket) {
        Hold hold = holds.get(bucket);
        if (hold == null || hold.bucketOnly()) {
            return List.of(bucket);
        }
        return ApiBucket.of(bucket.api()).stream()
                .filter(other -> {
                    Hold held = holds.get(other);
                    return held != null && !held.bucketOnly();
                })
                .toList();
    }

    /** Holds every bucket of the API (no key configured). */
    public void hold(Api api, ApiError reason) {
        ApiBucket.of(api).forEach(bucket -> holds.put(bucket, new Hold(reason, false, null)));
    }

    /** Why some of the API's calls are held, if any are: what its health check reports. */
    public Optional<ApiError> hold(Api api) {
        return ApiBucket.of(api).stream()
                .map(this::hold)
                .flatMap(Optional::stream)
                .findFirst();
    }

    /** Why some calls of {@code bucket} are held, if any are: its gauge and the status page's row. */
    public Optional<ApiError> hold(ApiBucket bucket) {
        return Optional.ofNullable(holds.get(bucket)).map(Hold::reason);
    }

    /** Why the {@code method} calls of {@code bucket} are held, if they are: what {@code /jobs} shows beside a job. */
    public Optional<ApiError> hold(ApiBucket bucket, HttpMethods method) {
        return Optional.ofNullable(holds.get(bucket))
                .filter(hold -> hold.covers(method))
                .map(Hold::reason);
    }

    /** The method whose calls alone are held in the bucket (an OpenProspect 403's scope), if that is the hold. */
    public Optional<HttpMethods> scopeHeld(ApiBucket bucket) {
        return Optional.ofNullable(holds.get(bucket)).map(Hold::method);
    }

    public long probeIntervalMs() {
        return probeIntervalMs;
    }

    /**
     * How many of {@code wanted} jobs whose next calls are {@code method} calls of the bucket may be claimed now: all
     * while they are accepted; while they are refused, one per probe interval, whose call tells when the hold lifts.
     * Each claimed job would only be refused and held again, and on a shared store an instance whose key is refused
     * would so take other instances' jobs away from them (cluster audit: 25 of 30 jobs held a minute each). The
     * interval counts from a probe actually claimed ({@link #probed}): a bucket serves several queues, and an empty
     * one asked first must not spend it (config-and-APIs audit: Orbit's profile reads, mostly none, took every probe
     * of the reads' bucket, and a run whose status reads were refused was never read again). Called by the one
     * claiming thread.
     */
    public int claimable(ApiBucket bucket, HttpMethods method, int wanted, long now) {
        Calls calls = new Calls(bucket, method);
        if (hold(bucket, method).isEmpty()) {
            refusedSinceClaim.remove(calls);
            return wanted;
        }
        if (refusedSinceClaim.remove(calls)) {
            lastProbeAt.put(calls, now);
            return 0;
        }
        if (wanted == 0) {
            return 0;
        }
        Long last = lastProbeAt.get(calls);
        if (last != null && now - last < probeIntervalMs) {
            return 0;
        }
        return 1;
    }

    /** A job of the held calls was claimed as their probe: the next waits a whole interval. */
    public void probed(ApiBucket bucket, HttpMethods method, long now) {
        if (hold(bucket, method).isPresent()) {
            lastProbeAt.put(new Calls(bucket, method), now);
        }
    }
}
