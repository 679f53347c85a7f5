package io.profilebridge.operations;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.profilebridge.api.Api;
import io.profilebridge.api.ApiAnswer;
import io.profilebridge.api.ApiAnswerEvent;
import io.profilebridge.api.ApiBucket;
import io.profilebridge.api.ApiBudgets;
import io.profilebridge.api.ApiHolds;
import io.profilebridge.api.CallGate;
import io.profilebridge.job.JobCounts;
import io.profilebridge.job.JobEvent;
import io.profilebridge.job.JobState;
import io.profilebridge.job.JobStoreException;
import io.profilebridge.job.ResultDocument;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.DoubleSupplier;
import java.util.stream.Stream;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;

/**
 * The bridge's own Prometheus metrics: jobs per API and state (gauges read through {@link JobCounts}, cached for a
 * second so a scrape costs one query), counters of what happened per API, Orbit's remaining credits, and the time
 * from receipt to result. No label ever carries a key or a body. The counters listen to the events the job lifecycle
 * and the API calls publish ({@link JobEvent}, {@link ApiAnswerEvent}).
 */
public class JobMetrics extends EventNotifierSupport {

    private static final long COUNT_CACHE_MS = 1000;
    /**
     * The counters with their HELP lines, as docs/operations.md describes them (a scrape showed them empty);
     * registered at zero from the start so that rates and dashboards see them before the first event.
     */
    private static final Map<String, String> EVENTS = Map.of(
            "submitted", "runs the API accepted (202/200)",
            "polled", "status reads answered \"still running\"",
            "retried", "5xx, timeouts and connection errors, retried with backoff",
            "held", "answers that hold a request (401/403/402, not configured)",
            "failed",
                    "results delivered as failed by the job lifecycle (rejections at intake are in profile_bridge_rejected)",
            "delivered", "results delivered as succeeded",
            "undeliverable",
                    "results given up undelivered after bridge.delivery.max-attempts (kept in the store, GET /jobs/{id})",
            "rate_limited_answers", "429 answers",
            "rejected",
                    "requests refused at intake, each once (their failed results are not in profile_bridge_failed)");

    private final MeterRegistry registry;
    private final JobCounts jobCounts;
    private final StoreReadDeadline deadline;
    private final AtomicLong orbitCredits = new AtomicLong(-1);
    private volatile Map<Api, Map<JobState, Long>> counts;
    private volatile long countsReadAt;

    /**
     * The buckets of {@code profile_bridge_request_duration}: from a result at once to one held two days (a key's hold,
     * credits to top up). Micrometer's own histogram ends at 30 s, below most Orbit runs (observability audit: every
     * request of a 40 s run landed in +Inf, and a p95 panel read 30 s).
     */
    private static final Duration[] DURATION_BUCKETS = Stream.of(
                    "PT0.5S", "PT1S", "PT2S", "PT5S", "PT10S", "PT20S", "PT30S", "PT1M", "PT2M", "PT5M", "PT10M",
                    "PT20M", "PT30M", "PT1H", "PT2H", "PT4H", "PT8H", "PT12H", "PT24H", "PT48H")
            .map(Duration::parse)
            .toArray(Duration[]::new);

    public JobMetrics(MeterRegistry registry, JobCounts jobCounts, StoreReadDeadline deadline) {
        this.registry = registry;
        this.jobCounts = jobCounts;
        this.deadline = deadline;
        // only the bridge's own events (handed to isEnabled whatever these say): Camel's would make every exchange
        // and step notify
        setIgnoreCamelContextEvents(true);
        setIgnoreCamelContextInitEvents(true);
        setIgnoreRouteEvents(true);
        setIgnoreServiceEvents(true);
        setIgnoreExchangeEvents(true);
        setIgnoreStepEvents(true);
        for (Api api : Api.values()) {
            for (JobState state : JobState.values()) {
                Gauge.builder("profile_bridge_jobs", () -> unknownWhenUnreadable(() -> count(api, state)))
                        .description("jobs in the store per API and state")
                        .tag("api", api.id())
                        .tag("state", state.name().toLowerCase(Locale.ROOT))
                        .register(registry);
            }
        }
        // requests rejected at intake count as failed jobs of their API; these named none we know
        Gauge.builder(
                        "profile_bridge_jobs",
                        () -> unknownWhenUnreadable(() -> deadline.read(jobCounts::rejectedWithoutApi)))
                .description("jobs in the store per API and state")
                .tag("api", StatusPage.UNKNOWN_API)
                .tag("state", JobState.FAILED.name().toLowerCase(Locale.ROOT))
                .register(registry);
        for (Api api : Api.values()) {
            EVENTS.keySet().forEach(event -> counter(api, event));
        }
        counter(null, "rejected");
        Gauge.builder("profile_bridge_orbit_credits_remaining", orbitCredits::get)
                .description(
                        "X-Developer-API-Credits-Remaining of Orbit's last charging (202) or refusing (402) start answer; -1 before any")
                .register(registry);
    }

    /**
     * Gauges of each API bucket's budget: its current rate (calls/s; the adaptive ones move), the calls spent per
     * second over the last 10 s (the budget in use), and the seconds its pause has left (0 when not paused).
     */
    public void watch(ApiBudgets budgets) {
        for (ApiBucket bucket : ApiBucket.values()) {
            Gauge.builder("profile_bridge_api_rate", () -> view(budgets, bucket).rate())
                    .description(
                            "calls per second the bridge allows itself in this API bucket; adaptive ones are cut on a 429 and raised slowly")
                    .tag("api", bucket.api().id())
                    .tag("bucket", bucket.id())
                    .register(registry);
            Gauge.builder(
                            "profile_bridge_api_calls_per_second",
                            () -> view(budgets, bucket).usedPerSecond())
                    .description("calls spent per second in this API bucket over the last 10 s: the budget in use")
                    .tag("api", bucket.api().id())
                    .tag("bucket", bucket.id())
                    .register(registry);
            Gauge.builder(
                            "profile_bridge_api_paused_seconds",
                            () -> Math.max(
                                    0, (view(budgets, bucket).pausedUntil() - System.currentTimeMillis()) / 1000d))
                    .description(
                            "seconds this API bucket stays paused after a 429 (the bucket) or a 503 (the API) with Retry-After, or (a shared store) a refusal of the key until its next probe; 0 when not paused")
                    .tag("api", bucket.api().id())
                    .tag("bucket", bucket.id())
                    .register(registry);
            FunctionCounter.builder(
                            "profile_bridge_api_pauses",
                            budgets,
                            b -> view(b, bucket).pauses())
                    .description(
                            "pauses of this API bucket begun by a 429 or 503 with Retry-After, or a refusal of the key on a shared store (here or at another instance)")
                    .tag("api", bucket.api().id())
                    .tag("bucket", bucket.id())
                    .register(registry);
        }
    }

    /**
     * 1 while the bucket's calls are held (no key configured, the key, scope or credits refused, Orbit not configured
     * for Deep Search), else 0: an alert on it fires for a missing key too, where {@code profile_bridge_held_total}
     * counts only answers and a missing key makes none (operations audit). On a shared store, also while another
     * instance's refused call pauses the bucket, as the health check says (budget audit: 0 there while it said held).
     */
    public void watch(ApiHolds holds, ApiBudgets budgets) {
        for (ApiBucket bucket : ApiBucket.values()) {
            Gauge.builder(
                            "profile_bridge_api_held",
                            () -> holds.hold(bucket).isPresent()
                                            || budgets.pausedByRefusal(bucket, holds.probeIntervalMs())
                                    ? 1
                                    : 0)
                    .description("1 while the calls of this API bucket are held (health says why), else 0")
                    .tag("api", bucket.api().id())
                    .tag("bucket", bucket.id())
                    .register(registry);
        }
    }

    /**
     * Gauges of the call gate per API bucket: jobs allowed a call out now (each has at most one out at a time) and
     * the bucket's limit (its API's limit caps it too).
     */
    public void watch(CallGate gate) {
        for (ApiBucket bucket : ApiBucket.values()) {
            Gauge.builder("profile_bridge_api_calls_in_flight", () -> gate.inFlight(bucket))
                    .description("jobs of this API bucket allowed a call out now; each has at most one out at a time")
                    .tag("api", bucket.api().id())
                    .tag("bucket", bucket.id())
                    .register(registry);
            Gauge.builder(
                            "profile_bridge_api_max_calls_in_flight",
                            () -> Math.min(gate.limit(bucket), gate.limit(bucket.api())))
                    .description(
                            "calls of this API bucket out at once at most (bridge.*max-in-flight; the API's limit caps the bucket's)")
                    .tag("api", bucket.api().id())
                    .tag("bucket", bucket.id())
                    .register(registry);
        }
    }

    private static ApiBudgets.View view(ApiBudgets budgets, ApiBucket bucket) {
        return budgets.view().stream()
                .filter(v -> v.bucket() == bucket)
                .findFirst()
                .orElseThrow();
    }

    @Override
    public boolean isEnabled(CamelEvent event) {
        return event instanceof JobEvent || event instanceof ApiAnswerEvent;
    }

    @Override
    public void notify(CamelEvent event) {
        if (event instanceof JobEvent job) {
            counted(job);
        } else if (event instanceof ApiAnswerEvent answer) {
            answered(answer.api(), answer.answer());
        }
    }

    private void counted(JobEvent event) {
        if (event.kind() != JobEvent.Kind.FINISHED) {
            count(event.api(), event.kind().name().toLowerCase(Locale.ROOT));
            return;
        }
        count(event.api(), ResultDocument.SUCCEEDED.equals(event.outcome()) ? "delivered" : "failed");
        Timer.builder("profile_bridge_request_duration")
                .description("time from receipt of a request to its result")
                .tag("api", event.api().id())
                .tag("outcome", event.outcome())
                .serviceLevelObjectives(DURATION_BUCKETS)
                .register(registry)
                .record(Duration.ofMillis(Math.max(0, event.finishedAt() - event.receivedAt())));
    }

    /** Every API answer passes here: 429s are counted, Orbit's credit balance is kept. */
    private void answered(Api api, ApiAnswer answer) {
        if (answer.httpStatus() == 429) {
            count(api, "rate_limited_answers");
        }
        // only answers that charged (202) or refused for credits (402) move the balance; taking every answer made
        // the gauge depend on which of two concurrent answers was read last
        boolean balanceChanged = answer.httpStatus() == 202 || answer.httpStatus() == 402;
        if (api == Api.ORBIT && balanceChanged) {
            Long balance =
                    answer.creditsRemaining() != null ? answer.creditsRemaining() : remainingCreditsOfA402(answer);
            if (balance != null) {
                orbitCredits.set(balance);
            }
        }
    }

    /**
     * The balance a 402 names in its error (Orbit's docs: "includes requiredCredits and remainingCredits"), for a 402
     * without the header (API audit: the gauge kept the last 202's balance while the health check showed the 402's).
     */
    private static Long remainingCreditsOfA402(ApiAnswer answer) {
        if (answer.httpStatus() != 402) {
            return null;
        }
        String remaining = answer.error().scalarDetails().get("remainingCredits");
        try {
            return remaining == null ? null : Long.valueOf(remaining.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private void count(Api api, String event) {
        counter(api, event).increment();
    }

    /** {@code api} null: a request that named no API we know (a rejection at intake), as the jobs gauge names it. */
    private Counter counter(Api api, String event) {
        return Counter.builder("profile_bridge_" + event)
                .description(EVENTS.get(event))
                .tag("api", api == null ? StatusPage.UNKNOWN_API : api.id())
                .register(registry);
    }

    private double count(Api api, JobState state) {
        long now = System.nanoTime() / 1_000_000; // a wall clock set back would keep the counts for as long
        if (counts == null || now - countsReadAt > COUNT_CACHE_MS) {
            counts = deadline.read(jobCounts::byApiAndState);
            countsReadAt = now;
        }
        return counts.get(api).get(state);
    }

    /**
     * NaN, Prometheus' "unknown", while the store cannot be read (still opening, or refused at start-up): a scrape
     * then logged a stack trace beside the start-up's one refusal line; the store's health check says why.
     */
    private static double unknownWhenUnreadable(DoubleSupplier read) {
        try {
            return read.getAsDouble();
        } catch (JobStoreException unreadable) {
            return Double.NaN;
        }
    }
}
