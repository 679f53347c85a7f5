package io.profilebridge.delivery;

import io.profilebridge.ErrorText;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the places results go to take them now: the latest refusal of each place (an outbox folder that is full,
 * read-only or missing; a JMS queue the broker will not take a result for), until a result reaches that place again.
 * The outbox and JMS results health checks read it: results that could not go out only showed as jobs left in
 * {@code delivering} and a warning per attempt, with health UP (resources audit); a place nothing was refused at for a
 * while is forgotten, as nothing waits for it any more. A place's own delivery clears only
 * that place: {@code orbit/} taking results says nothing of {@code failed/orbit/} (operations audit: one result
 * written anywhere had turned the check UP while another folder still refused).
 */
public final class DeliveryRefusals {

    /**
     * Results have been refused since {@code since}: {@code count} refusals, the latest for {@code reason}, at the places
     * named by {@code places}.
     */
    public record Refusal(Instant since, String reason, long count, String places) {}

    /** One place's refusals since its last result delivered. */
    private record PlaceRefusal(Instant since, Instant last, String reason, long count) {}

    private static final Logger LOG = LoggerFactory.getLogger(DeliveryRefusals.class);

    private final Clock clock;
    private final Runnable reopened;
    private final Duration forgetAfter;
    private final Map<String, PlaceRefusal> byPlace = new ConcurrentHashMap<>();

    public DeliveryRefusals(Clock clock) {
        this(clock, () -> {}, null);
    }

    /**
     * @param reopened run when a place that refused results takes one: the results waiting for it go out now
     * @param forgetAfter how long a place that refused nothing since is remembered: a result waiting for it is tried
     *     again well within this time, so past it none waits for it (delivery audit: a readiness check stayed DOWN for
     *     good after the last result waiting for a queue had gone to the dead-letter queue); null: until a result
     *     reaches it
     */
    public DeliveryRefusals(Clock clock, Runnable reopened, Duration forgetAfter) {
        this.clock = clock;
        this.reopened = reopened;
        this.forgetAfter = forgetAfter;
    }

    /** A result could not be delivered to {@code place}, for {@code reason}. */
    public void refused(String place, String reason) {
        Instant now = clock.instant();
        byPlace.merge(
                place,
                new PlaceRefusal(now, now, reason, 1),
                (earlier, latest) -> new PlaceRefusal(earlier.since(), now, reason, earlier.count() + 1));
    }

    /** A result was delivered to {@code place}: that place takes results again. */
    public void delivered(String place) {
        if (byPlace.remove(place) == null) {
            return;
        }
        try {
            reopened.run();
        } catch (RuntimeException e) {
            // the result is delivered; the others go out at their own next attempt
            LOG.warn("The results waiting for {} could not be made due now: {}", place, ErrorText.withRootCause(e));
        }
    }

    /** The refusals of every place whose last delivery was refused, if any: since the first, the latest reason. */
    public Optional<Refusal> refusal() {
        if (forgetAfter != null) {
            Instant forgotten = clock.instant().minus(forgetAfter);
            byPlace.forEach((place, refusal) -> {
                if (refusal.last().isBefore(forgotten)) {
                    byPlace.remove(place, refusal);
                }
            });
        }
        Map<String, PlaceRefusal> now = Map.copyOf(byPlace);
        if (now.isEmpty()) {
            return Optional.empty();
        }
        PlaceRefusal first = now.values().stream()
                .min(Comparator.comparing(PlaceRefusal::since))
                .orElseThrow();
        PlaceRefusal latest = now.values().stream()
                .max(Comparator.comparing(PlaceRefusal::last))
                .orElseThrow();
        long count = now.values().stream().mapToLong(PlaceRefusal::count).sum();
        String places = now.keySet().stream().sorted().collect(Collectors.joining(", "));
        return Optional.of(new Refusal(first.since(), latest.reason(), count, places));
    }
}
