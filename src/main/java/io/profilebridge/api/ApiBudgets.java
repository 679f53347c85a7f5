package io.profilebridge.api;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.TokensInheritanceStrategy;
import io.github.bucket4j.postgresql.Bucket4jPostgreSQL;
import io.profilebridge.ErrorText;
import io.profilebridge.Sha256;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import javax.sql.DataSource;
import org.apache.camel.component.http.HttpMethods;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * What each bucket of each API key may spend, so the APIs see one polite client per key: a token bucket per
 * bucket (Bucket4j), a pause set by a 429's {@code Retry-After} (that bucket) or a 503's (the whole API), and for
 * the limits the APIs do not document (OpenProspect, Orbit reads) a rate that adapts: cut on a 429, raised slowly
 * while none comes and the budget is what holds the work back. With a PostgreSQL store all of it is shared by
 * every instance using the same key; otherwise it belongs to this process.
 */
public final class ApiBudgets {

    /** How the cause of a pause that a refusal of the key began starts ({@link #refused}). */
    private static final String REFUSED = "refused: ";

    private static final Logger LOG = LoggerFactory.getLogger(ApiBudgets.class);

    /** The API counts its window from when it answered, we from when we read the answer. */
    private static final long RETRY_AFTER_MARGIN_MS = 50;

    /** At most one INFO line per bucket and pause cause in this long ({@link #logPause}). */
    private static final long PAUSE_LOG_INTERVAL_MS = 60_000;
    /** 429s this close to a rate cut are the same signal (calls that were in flight together): one cut. */
    private static final long ONE_SIGNAL_MS = 1000;

    /** A bucket's configured limit: calls per second and burst; an adaptive rate moves between min and max. */
    public record Limit(double rate, int burst, boolean adaptive, double minRate, double maxRate) {

        public static Limit fixed(double rate, int burst) {
            return new Limit(rate, burst, false, rate, rate);
        }

        public static Limit adaptive(double rate, int burst, double minRate, double maxRate) {
            return new Limit(rate, burst, true, minRate, maxRate);
        }
    }

    /**
     * How pauses and adaptive rates behave: the pause of a 429 without {@code Retry-After}, the longest pause, the
     * factor a 429 cuts an adaptive rate by, and the step (a share of the configured rate) it rises by per quiet
     * interval.
     */
    public record Policy(
            long defaultPauseMs,
            long maxPauseMs,
            double decreaseFactor,
            double increaseStep,
            long increaseIntervalMs) {}

    /**
     * A bucket as the metrics and the status page show it; {@code pausedUntil} is 0 when not paused, {@code pauses}
     * counts the pauses this process began or learned of.
     */
    public record View(
            ApiBucket bucket,
            double rate,
            int burst,
            boolean adaptive,
            double usedPerSecond,
            long pausedUntil,
            String pauseCause,
            long pauses) {}

    private final Map<ApiBucket, Budget> budgets = new EnumMap<>(ApiBucket.class);
    private final SharedBudgetRows rows;
    /** The refusals of one method's calls, on a shared store; null otherwise. */
    private final SharedScopeRefusals scopeRefusals;
    /** Where this process keeps its pauses across a restart (the embedded store); null: in memory only. */
    private final StoredPauses storedPauses;
    /** The stored pauses' row of each bucket whose API has a key. */
    private final Map<ApiBucket, Long> storedIds = new EnumMap<>(ApiBucket.class);
    /** Set once the first tick has taken up the stored pauses (ticks run one at a time). */
    private volatile boolean pausesRestored;

    private final Policy policy;
    private final LongSupplier clock;

    private ApiBudgets(SharedBudgetRows rows, StoredPauses storedPauses, Policy policy, LongSupplier clock) {
        this(rows, null, storedPauses, policy, clock);
    }

    private ApiBudgets(
            SharedBudgetRows rows,
            SharedScopeRefusals scopeRefusals,
            StoredPauses storedPauses,
            Policy policy,
            LongSupplier clock) {
        this.rows = rows;
        this.scopeRefusals = scopeRefusals;
        this.storedPauses = storedPauses;
        this.policy = policy;
        this.clock = clock;
    }

    /** Budgets of this process alone, its pauses in memory only: for tests of other parts. */
    public static ApiBudgets local(Map<ApiBucket, Limit> limits, Policy policy, LongSupplier clock) {
        ApiBudgets budgets = new ApiBudgets(null, null, policy, clock);
        limits.forEach((bucket, limit) -> budgets.budgets.put(bucket, budgets.localBudget(bucket, limit)));
        return budgets;
    }

    /**
     * Budgets of this process alone: right when it is the only client of its keys (the embedded store). Its pauses
     * are kept in {@code store} as well, so a restart honours a {@code Retry-After} window still running (politeness
     * audit: after a restart within a 60 s window every job but the one told called at once, 700 calls inside it).
     */
    public static ApiBudgets local(
            Map<ApiBucket, Limit> limits,
            Policy policy,
            LongSupplier clock,
            DataSource store,
            ApiCredentials credentials) {
        ApiBudgets budgets = new ApiBudgets(null, new StoredPauses(store), policy, clock);
        limits.forEach((bucket, limit) -> {
            budgets.budgets.put(bucket, budgets.localBudget(bucket, limit));
            credentials
                    .key(bucket.api())
                    .ifPresent(key -> budgets.storedIds.put(bucket, Sha256.rowId(bucket.id() + ":" + key)));
        });
        return budgets;
    }

    /**
     * The pauses the run before was given and that still last, taken up at the first tick (before any claim): the
     * store opens beside the start-up, which must not wait for it.
     */
    private void restoreStoredPauses(long now) {
        if (storedPauses == null || pausesRestored) {
            return;
        }
        Map<Long, StoredPauses.Pause> stored = storedPauses.read(now);
        storedIds.forEach((bucket, id) -> {
            Budget budget = budgets.get(bucket);
            StoredPauses.Pause pause = stored.get(id);
            if (pause != null && pause.until() > now && budget.seePause(pause.until(), pause.cause(), now)) {
                drain(budget, pause.until() - now);
                LOG.info(
                        "API bucket {} stays paused until {} ({}), as the API told the run before",
                        bucket,
                        Instant.ofEpochMilli(pause.until()),
                        pause.cause());
            }
        });
        pausesRestored = true;
    }

    /** The shared store's clock ({@code job.SharedStoreClock}) as Bucket4j reads time. */
    private static TimeMeter storeClock(LongSupplier storeNanos) {
        return new TimeMeter() {
            @Override
            public long currentTimeNanos() {
                return storeNanos.getAsLong();
            }

            @Override
            public boolean isWallClockBased() {
                return true;
            }
        };
    }

    /**
     * Budgets kept in PostgreSQL (tokens in {@code bridge_rate_bucket}, pauses and rates in {@code bridge_api_budget})
     * for the APIs that have a key, shared by every instance using that key; the others stay local.
     */
    public static ApiBudgets shared(
            DataSource dataSource,
            ApiCredentials credentials,
            Map<ApiBucket, Limit> limits,
            Policy policy,
            LongSupplier clock,
            LongSupplier storeNanos) {
        SharedBudgetRows rows = SharedBudgetRows.shared(dataSource);
        ApiBudgets budgets =
                new ApiBudgets(rows, SharedScopeRefusals.of(rows, credentials, clock.getAsLong()), null, policy, clock);
        var tokenRows = Bucket4jPostgreSQL.selectForUpdateBasedBuilder(dataSource)
                .table("bridge_rate_bucket")
                // the tokens' refill time is written by every instance: on each one's own clock, one ahead stopped the
                // others' refills for as long as it was ahead (skew audit)
                .clientClock(storeClock(storeNanos))
                .build();
        limits.forEach((bucket, limit) -> {
            if (credentials.key(bucket.api()).isEmpty()) {
                budgets.budgets.put(bucket, budgets.localBudget(bucket, limit));
                return;
            }
            // a hash of the name, which holds the key, so the key itself is never stored
            long id = Sha256.rowId(
                    bucket.id() + ":" + credentials.key(bucket.api()).orElseThrow());
            SharedBudgetRows.Row row = rows.ensure(id, bucket.id(), limit.rate(), clock.getAsLong());
            double rate = limit.adaptive() ? row.rate() : limit.rate();
            // the shared bucket outlives any one process, so a restart cannot spend its tokens twice
            Bucket tokens = tokenRows.builder().build(id, () -> configuration(rate, limit.burst(), limit.burst()));
            Budget budget = new Budget(bucket, limit, tokens, id, rate, row.rateChangedAt());
            budget.rateStamp = row.rateStamp();
            budget.pausedUntil = row.pausedUntil();
            budget.pauseCause = row.pauseCause();
            budgets.budgets.put(bucket, budget);
        });
        return budgets;
    }

    private Budget localBudget(ApiBucket bucket, Limit limit) {
        Duration uptime = Duration.ofMillis(ManagementFactory.getRuntimeMXBean().getUptime());
        Bucket tokens = Bucket.builder()
                .addLimit(bandwidth(limit.rate(), limit.burst(), initialTokens(limit.rate(), limit.burst(), uptime)))
                .build();
        return new Budget(bucket, limit, tokens, null, limit.rate(), clock.getAsLong());
    }

    /**
     * Spends up to {@code wanted} calls of the bucket at once and returns how many may go now: 0 while it is paused
     * (as last seen by {@link #refresh()}) or empty.
     */
    public int grant(ApiBucket bucket, int wanted) {
        Budget budget = budgets.get(bucket);
        if (wanted <= 0) {
            return 0;
        }
        // a shared pause is read again here: another instance may have been refused since this one's tick read the
        // store, and a claim for a place given back reads nothing else first (review: a second probe within ms)
        if (budget.sharedId != null ? pausedFor(bucket) > 0 : budget.pausedUntil > now()) {
            return 0;
        }
        int granted = (int) budget.tokens.tryConsumeAsMuchAsPossible(wanted);
        if (granted < wanted) {
            budget.budgetWasTheLimit = true;
        }
        budget.usage.add(granted, now());
        return granted;
    }

    /** 0 when one call may go now (its token is spent), else the milliseconds to wait: a pause, or an empty bucket. */
    public long takeForCall(ApiBucket bucket) {
        long paused = pausedFor(bucket);
        if (paused > 0) {
            return paused;
        }
        Budget budget = budgets.get(bucket);
        ConsumptionProbe probe = budget.tokens.tryConsumeAndReturnRemaining(1);
        if (probe.isConsumed()) {
            budget.usage.add(1, now());
            return 0;
        }
        budget.budgetWasTheLimit = true;
        return Math.max(1, Duration.ofNanos(probe.getNanosToWaitForRefill()).toMillis());
    }

    /**
     * How long the bucket stays paused, 0 when it is not. With a shared store this reads what any instance decided,
     * so a call about to go out learns of a pause another instance was given a moment ago.
     */
    public long pausedFor(ApiBucket bucket) {
        Budget budget = budgets.get(bucket);
        if (budget.sharedId != null) {
            budget.seePause(rows.pausedUntil(budget.sharedId, now()), null, now());
        }
        return Math.max(0, budget.pausedUntil - now());
    }

    /**
     * An API answered {@code status} to a call of {@code bucket}: a 429 pauses the bucket for its Retry-After and
     * slows an adaptive rate; a 503 with Retry-After pauses every bucket of the API. {@code cause} is what the
     * status page shows.
     */
    public void answered(ApiBucket bucket, int status, Duration retryAfter, String cause) {
        if (retryAfter != null && retryAfter.compareTo(Duration.ofMillis(policy.maxPauseMs())) > 0) {
            // the wait applied, not only the one asked for (hostile-server audit: "(86400 s), capped by ..." named
            // neither the value sent nor the hour waited)
            cause += ", capped by bridge.retry.retry-after-cap-ms to " + policy.maxPauseMs() / 1000 + " s";
        }
        if (status == 429) {
            slowDown(budgets.get(bucket));
            pause(List.of(bucket), pauseMs(retryAfter), cause);
        } else if (status == 503 && retryAfter != null) {
            pause(ApiBucket.of(bucket.api()), pauseMs(retryAfter), cause);
        }
    }

    /**
     * The API refused the key's calls of these buckets (a 401, a 402 for credits, a 403 of the whole key, the API not
     * configured for it): with a shared store they pause for {@code holdMs}, the hold's probe interval, so the other
     * instances of the key make no call of them before this one's next probe (cluster audit: each instance drew its
     * own 402, then probed on its own clock: three 402s a minute for one key). An instance alone has its holds
     * ({@link ApiHolds}) and needs no pause.
     */
    public void refused(List<ApiBucket> buckets, long holdMs, String cause) {
        List<ApiBucket> shared =
                buckets.stream().filter(b -> budgets.get(b).sharedId != null).toList();
        if (!shared.isEmpty()) {
            pause(shared, holdMs, REFUSED + cause);
        }
    }

    /**
     * The API refused this instance's {@code method} calls of a bucket that serves both methods (an OpenProspect 403
     * for a scope, or its 402): with a shared store the other instances of the key make none of those calls for
     * {@code holdMs}, the hold's probe interval, as {@link #refused(List, long, String)} does for whole buckets.
     */
    public void refused(ApiBucket bucket, HttpMethods method, long holdMs, String cause) {
        if (scopeRefusals != null) {
            long now = now();
            scopeRefusals.refused(bucket, method, now + holdMs, REFUSED + cause, now);
        }
    }

    /** Whether an instance's refusal holds the {@code method} calls of the bucket now (a shared store's scope rows). */
    public boolean heldByRefusal(ApiBucket bucket, HttpMethods method) {
        return scopeRefusals != null && method != null && scopeRefusals.held(bucket, method, now());
    }

    /**
     * The API accepted a {@code method} call of the bucket: a refusal whose pause has ended is over for it, so the
     * health check need not wait out its grace ({@link #refusal(Api, long)}).
     */
    public void accepted(ApiBucket bucket, HttpMethods method) {
        Budget budget = budgets.get(bucket);
        if (budget != null && method != null) {
            budget.acceptedAt.put(method, now());
        }
    }

    /**
     * The cause of a refusal of the key, on any instance, whose pause is in force or ended less than {@code graceMs}
     * ago with no call of it accepted here since: an instance whose own calls were never refused (another's refusal
     * paused them first) says so on its health check too (review: it stayed UP while the key had no credits). The
     * refused instance renews the pause at its next probe, which comes a moment after the pause ends (a tick, the
     * call's round trip): the grace of one probe interval keeps the health check from turning UP in between (review:
     * it did, for about a second each interval).
     */
    public Optional<String> refusal(Api api, long graceMs) {
        return ApiBucket.of(api).stream()
                .map(bucket -> refusal(bucket, graceMs))
                .flatMap(Optional::stream)
                .findFirst();
    }

    /** Whether a refusal of the key pauses the bucket, or some of its calls, now or within the grace ({@link #refusal}). */
    public boolean pausedByRefusal(ApiBucket bucket, long graceMs) {
        return refusal(bucket, graceMs).isPresent();
    }

    private Optional<String> refusal(ApiBucket bucket, long graceMs) {
        long now = now();
        Budget budget = budgets.get(bucket);
        String cause = null;
        if (budget != null) {
            // read once: a worker may replace them meanwhile with a pause that is not a refusal
            long until = budget.pausedUntil;
            String pauseCause = budget.pauseCause;
            if (refusalShown(until, budget.acceptedSince(null, until), graceMs, now)) {
                cause = pauseCause;
            }
        }
        if ((cause == null || !cause.startsWith(REFUSED)) && scopeRefusals != null) {
            cause = scopeRefusals
                    .cause(
                            bucket,
                            (method, until) -> refusalShown(
                                    until, budget != null && budget.acceptedSince(method, until), graceMs, now))
                    .orElse(null);
        }
        return cause != null && cause.startsWith(REFUSED)
                ? Optional.of(cause.substring(REFUSED.length()))
                : Optional.empty();
    }

    /** A refusal paused until {@code until} is shown while it lasts, then for the grace unless a call was accepted. */
    private static boolean refusalShown(long until, boolean acceptedSince, long graceMs, long now) {
        return until > now || (until + graceMs > now && !acceptedSince);
    }

    /**
     * Once per poll tick: takes over what other instances decided (pauses, rates) and raises an adaptive rate that
     * held the work back for a whole quiet interval.
     */
    public void refresh() {
        long now = now();
        restoreStoredPauses(now);
        if (rows != null) {
            Map<Long, SharedBudgetRows.Row> shared = rows.readAll(now);
            scopeRefusals.see(shared);
            for (Budget budget : budgets.values()) {
                SharedBudgetRows.Row row = budget.sharedId == null ? null : shared.get(budget.sharedId);
                if (row != null) {
                    budget.seePause(row.pausedUntil(), row.pauseCause(), now);
                    budget.seeRate(row);
                }
            }
        }
        for (Budget budget : budgets.values()) {
            Limit limit = budget.limit;
            if (limit.adaptive()
                    && budget.budgetWasTheLimit
                    && budget.rate < limit.maxRate()
                    && budget.pausedUntil <= now
                    && now - budget.rateChangedAt >= policy.increaseIntervalMs()) {
                changeRate(
                        budget,
                        Math.min(limit.maxRate(), budget.rate + policy.increaseStep() * limit.rate()),
                        "no 429 for " + policy.increaseIntervalMs() / 1000 + " s while the budget held work back");
            }
        }
    }

    public List<View> view() {
        long now = now();
        List<View> views = new ArrayList<>();
        budgets.values()
                .forEach(b -> views.add(new View(
                        b.bucket,
                        b.rate,
                        b.limit.burst(),
                        b.limit.adaptive(),
                        b.usage.perSecond(now),
                        b.pausedUntil > now ? b.pausedUntil : 0,
                        b.pausedUntil > now ? b.pauseCause : null,
                        b.pauses)));
        return views;
    }

    private void pause(List<ApiBucket> buckets, long waitMs, String cause) {
        long until = now() + waitMs;
        for (ApiBucket bucket : buckets) {
            Budget budget = budgets.get(bucket);
            if (budget.seePause(until, cause, now())) {
                logPause(budget, waitMs, cause, until);
                drain(budget, waitMs);
                store(bucket, budget, until, cause);
            }
            if (budget.sharedId != null) {
                rows.pause(budget.sharedId, until, cause, now());
            }
        }
    }

    /**
     * One line per bucket and cause a minute, the pauses in between counted in the next (operations audit: a 503
     * outage with Retry-After: 1 logged a line a second for every bucket of the API). A refusal has its one line from
     * ApiHolds, not one per probe and bucket.
     */
    private void logPause(Budget budget, long waitMs, String cause, long until) {
        long now = now();
        // the answer's status: a Retry-After that varies (an HTTP date, a countdown) is the same pause again (review)
        String kind = cause.split(",", 2)[0];
        String ending;
        synchronized (budget) {
            ending = cause.startsWith(REFUSED) ? null : budget.pauseLine.infoEnding(kind, now);
        }
        LOG.atLevel(ending == null ? Level.DEBUG : Level.INFO)
                .log(
                        "API bucket {} paused for {} ms ({}): no call before {}{}",
                        budget.bucket,
                        waitMs,
                        cause,
                        Instant.ofEpochMilli(until),
                        ending == null ? "" : ending);
    }

    /** Keeps a pause the bucket took for the next run of this process, where it has a store of its own. */
    private void store(ApiBucket bucket, Budget budget, long until, String cause) {
        Long id = storedIds.get(bucket);
        if (storedPauses == null || id == null) {
            return;
        }
        try {
            storedPauses.pause(id, bucket, new StoredPauses.Pause(until, cause), budget.rate, now());
        } catch (RuntimeException e) {
            LOG.warn(
                    "The pause of API bucket {} is not stored, so a restart before {} would not keep it: {}",
                    bucket,
                    Instant.ofEpochMilli(until),
                    ErrorText.withRootCause(e));
        }
    }

    /**
     * Spends what the bucket holds and what it will refill during the pause, so calls resume at the rate when the
     * pause ends instead of in a burst (which drew the next 429s at once).
     */
    private static void drain(Budget budget, long waitMs) {
        long refilledMeanwhile = (long) Math.ceil(budget.rate * waitMs / 1000d);
        long debt = budget.tokens.getAvailableTokens() + refilledMeanwhile;
        if (debt > 0) {
            budget.tokens.consumeIgnoringRateLimits(debt);
        }
    }

    private long pauseMs(Duration retryAfter) {
        if (retryAfter == null) {
            return policy.defaultPauseMs();
        }
        long asked =
                retryAfter.getSeconds() >= policy.maxPauseMs() / 1000 ? policy.maxPauseMs() : retryAfter.toMillis();
        return Math.min(policy.maxPauseMs(), asked) + RETRY_AFTER_MARGIN_MS;
    }

    private synchronized void slowDown(Budget budget) {
        // under the lock changeRate takes: two 429s answered together cut the rate once, not twice (concurrency audit)
        long now = now();
        if (budget.limit.adaptive() && now - budget.lastCutAt >= ONE_SIGNAL_MS) {
            budget.lastCutAt = now;
            changeRate(budget, Math.max(budget.limit.minRate(), budget.rate * policy.decreaseFactor()), "a 429");
        }
    }

    private synchronized void changeRate(Budget budget, double rate, String why) {
        long now = now();
        if (rate == budget.rate) {
            return;
        }
        if (budget.sharedId != null) {
            OptionalLong stamp = rows.changeRate(budget.sharedId, budget.rateStamp, rate, now);
            if (stamp.isEmpty()) {
                return; // another instance changed it first; the next refresh brings its rate here
            }
            budget.rateStamp = stamp.getAsLong();
        }
        logRateChange(budget, rate, why, now);
        budget.tokens.replaceConfiguration(
                configuration(rate, budget.limit.burst(), budget.limit.burst()), TokensInheritanceStrategy.AS_IS);
        budget.rate = rate;
        budget.rateChangedAt = now;
        budget.budgetWasTheLimit = false;
    }

    /**
     * One line per bucket a minute, the changes in between counted in the next (outage audit: a 429 storm made the
     * rate saw-tooth, 1 to 6 and back every 22 s, 8 to 14 lines a minute for as long as it lasted).
     */
    private void logRateChange(Budget budget, double rate, String why, long now) {
        String ending = budget.rateLine.infoEnding("", now);
        LOG.atLevel(ending == null ? Level.DEBUG : Level.INFO)
                .log(
                        "API bucket {}: {} calls/s instead of {} after {}{}",
                        budget.bucket,
                        round(rate),
                        round(budget.rate),
                        why,
                        ending == null ? "" : ending);
    }

    private long now() {
        return clock.getAsLong();
    }

    private static double round(double rate) {
        return Math.round(rate * 100) / 100d;
    }

    /**
     * The tokens a new process may spend at once. A bridge restarted after a crash cannot know how many calls the
     * process before it made just before it died, and the API's bucket may still be short of them (chaos run: one
     * rate-limit 429 after a SIGKILL). The API refilled at least at the rate since this JVM started, so the local
     * bucket starts as if it had been empty then: full a few seconds after start-up, and never ahead of the API's.
     */
    static long initialTokens(double rate, int burst, Duration uptime) {
        long refilled = (long) Math.floor(rate * uptime.toMillis() / 1000d);
        return Math.max(0, Math.min(burst, refilled));
    }

    private static Bandwidth bandwidth(double perSecond, int burst, long initialTokens) {
        // refill one token at a time, evenly spread, rather than a whole second's worth at once
        long periodNanos = Math.round(1_000_000_000d / perSecond);
        return Bandwidth.builder()
                .capacity(burst)
                .refillGreedy(1, Duration.ofNanos(periodNanos))
                .initialTokens(initialTokens)
                .build();
    }

    private static BucketConfiguration configuration(double perSecond, int burst, long initialTokens) {
        return BucketConfiguration.builder()
                .addLimit(bandwidth(perSecond, burst, initialTokens))
                .build();
    }

    /** One bucket's budget. */
    private static final class Budget {
        final ApiBucket bucket;
        final Limit limit;
        final Bucket tokens;
        /** Its row in the shared store, or null when the budget belongs to this process. */
        final Long sharedId;

        final Usage usage = new Usage();
        volatile double rate;
        volatile long rateChangedAt;
        /** The shared row's stamp of the rate's last change (its stored time), on a shared budget. */
        volatile long rateStamp;

        volatile long lastCutAt;
        volatile long pausedUntil;
        volatile String pauseCause;
        volatile long pauses;
        /** When the API last accepted a call of the bucket, per method (this process's time). */
        final Map<HttpMethods, Long> acceptedAt = new ConcurrentHashMap<>();
        /** Its pauses' and its rate changes' INFO lines, one a minute each (under the budget's and the budgets' lock). */
        final CountedLine pauseLine = new CountedLine(PAUSE_LOG_INTERVAL_MS, "pauses");

        final CountedLine rateLine = new CountedLine(PAUSE_LOG_INTERVAL_MS, "changes");
        /** The work wanted more calls than the budget gave since the rate last changed. */
        volatile boolean budgetWasTheLimit;

        Budget(ApiBucket bucket, Limit limit, Bucket tokens, Long sharedId, double rate, long rateChangedAt) {
            this.bucket = bucket;
            this.limit = limit;
            this.tokens = tokens;
            this.sharedId = sharedId;
            this.rate = rate;
            this.rateChangedAt = rateChangedAt;
        }

        /**
         * Takes a pause that lasts longer than the one known; true when it did. One already over is none (a row never
         * paused reads as a moment after the epoch, the clocks' gap).
         */
        synchronized boolean seePause(long until, String cause, long now) {
            if (until <= pausedUntil || until <= now) {
                return false;
            }
            if (pausedUntil < now) {
                pauses++;
            }
            pausedUntil = until;
            if (cause != null) {
                pauseCause = cause;
            }
            return true;
        }

        /** Whether the API accepted a call of the bucket (of {@code method}; null: of either) after {@code time}. */
        boolean acceptedSince(HttpMethods method, long time) {
            return method == null
                    ? acceptedAt.values().stream().anyMatch(at -> at > time)
                    : acceptedAt.getOrDefault(method, 0L) > time;
        }

        /** Takes the rate another instance set, if it changed since this one last saw it. */
        void seeRate(SharedBudgetRows.Row row) {
            if (row.rateStamp() != rateStamp) {
                rate = row.rate();
                rateChangedAt = row.rateChangedAt();
                rateStamp = row.rateStamp();
                budgetWasTheLimit = false;
            }
        }
    }

    /** Calls spent per second over the last ten seconds: the budget in use. */
    private static final class Usage {
        private static final int SECONDS = 10;
        private final long[] second = new long[SECONDS];
        private final long[] calls = new long[SECONDS];

        synchronized void add(long count, long now) {
            long s = now / 1000;
            int slot = (int) (s % SECONDS);
            if (second[slot] != s) {
                second[slot] = s;
                calls[slot] = 0;
            }
            calls[slot] += count;
        }

        synchronized double perSecond(long now) {
            long s = now / 1000;
            long total = 0;
            for (int i = 0; i < SECONDS; i++) {
                if (second[i] <= s && s - second[i] < SECONDS) {
                    total += calls[i];
                }
            }
            return total / (double) SECONDS;
        }
    }
}
