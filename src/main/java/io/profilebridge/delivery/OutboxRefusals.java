package io.profilebridge.delivery;

import io.profilebridge.job.OutboxBlocked;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * Whether the outbox takes results now: the latest refusal (a full, read-only or missing outbox) of each of its folders,
 * until a result is written to that folder again. The outbox health check reads it: results that cannot be written
 * only showed as jobs left in {@code delivering} and a warning per attempt, with health UP (resources audit). A
 * folder's own write clears only that folder: {@code orbit/} taking results says nothing of {@code failed/orbit/}
 * (operations audit: one result written anywhere had turned the check UP while another folder still refused).
 */
public final class OutboxRefusals {

    /**
     * The outbox has refused results since {@code since}: {@code count} refusals, the latest for {@code reason}, in the
     * folders named by {@code folders}.
     */
    public record Refusal(Instant since, String reason, long count, String folders) {}

    /** One folder's refusals since its last result written. */
    private record FolderRefusal(Instant since, Instant last, String reason, long count) {}

    private final Clock clock;
    private final Map<Path, FolderRefusal> byFolder = new ConcurrentHashMap<>();

    public OutboxRefusals(Clock clock) {
        this.clock = clock;
    }

    /** A result file in {@code folder} could not be written or synced. */
    public void refused(Path folder, Throwable cause) {
        String reason = OutboxBlocked.describe(cause);
        Instant now = clock.instant();
        byFolder.merge(
                folder,
                new FolderRefusal(now, now, reason, 1),
                (earlier, latest) -> new FolderRefusal(earlier.since(), now, reason, earlier.count() + 1));
    }

    /** A result file was written to {@code folder}: that folder takes results again. */
    public void written(Path folder) {
        byFolder.remove(folder);
    }

    /** The refusals of every folder whose last attempt was refused, if any: since the first, the latest reason. */
    public Optional<Refusal> refusal() {
        Map<Path, FolderRefusal> now = Map.copyOf(byFolder);
        if (now.isEmpty()) {
            return Optional.empty();
        }
        FolderRefusal first = now.values().stream()
                .min(Comparator.comparing(FolderRefusal::since))
                .orElseThrow();
        FolderRefusal latest = now.values().stream()
                .max(Comparator.comparing(FolderRefusal::last))
                .orElseThrow();
        long count = now.values().stream().mapToLong(FolderRefusal::count).sum();
        String folders = now.keySet().stream().map(Path::toString).sorted().collect(Collectors.joining(", "));
        return Optional.of(new Refusal(first.since(), latest.reason(), count, folders));
    }
}
