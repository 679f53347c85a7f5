package io.profilebridge.delivery;

import io.profilebridge.job.OutboxBlocked;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Whether the outbox takes results now: the latest refusal (a full, read-only or missing outbox), until a result is
 * written again. The outbox health check reads it: results that cannot be written only showed as jobs left in
 * {@code delivering} and a warning per attempt, with health UP (resources audit).
 */
public final class OutboxRefusals {

    /** The outbox has refused every result since {@code since}; {@code count} refusals, the last for {@code reason}. */
    public record Refusal(Instant since, String reason, long count) {}

    private final Clock clock;
    private final AtomicReference<Refusal> latest = new AtomicReference<>();

    public OutboxRefusals(Clock clock) {
        this.clock = clock;
    }

    /** A result file could not be written or synced. */
    public void refused(Throwable cause) {
        String reason = OutboxBlocked.describe(cause);
        Instant now = clock.instant();
        latest.updateAndGet(earlier -> earlier == null
                ? new Refusal(now, reason, 1)
                : new Refusal(earlier.since(), reason, earlier.count() + 1));
    }

    /** A result file was written: the outbox takes results again. */
    public void written() {
        latest.set(null);
    }

    /** The refusals since the last result written, if the last attempt was refused. */
    public Optional<Refusal> refusal() {
        return Optional.ofNullable(latest.get());
    }
}
