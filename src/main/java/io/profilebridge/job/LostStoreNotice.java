package io.profilebridge.job;

import io.profilebridge.api.Api;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A new, empty embedded store beside an inbox whose {@code .done/} folders hold requests taken in before: the data
 * folder of the earlier runs was lost (removed, or a volume left unmounted), and the remote runs its jobs had started
 * are followed no more (storecorrupt audit: such a start made a new store without a word).
 */
public final class LostStoreNotice {

    private LostStoreNotice() {}

    /** The warning to log, when the inbox's {@code .done/} folders hold any request. */
    public static Optional<String> of(Path inbox, Path data) {
        List<Path> done = new ArrayList<>(List.of(inbox.resolve(".done")));
        for (Api api : Api.values()) {
            done.add(inbox.resolve(api.id()).resolve(".done"));
        }
        long taken = done.stream().mapToLong(LostStoreNotice::requestsIn).sum();
        if (taken == 0) {
            return Optional.empty();
        }
        return Optional.of("A new, empty job store was made in "
                + data.toAbsolutePath().normalize() + ", but the"
                + " inbox's .done folders hold " + taken + " request(s) taken in before: if the data folder of earlier"
                + " runs was lost (removed, or a volume not mounted), the remote runs of their unfinished jobs are"
                + " followed no more. Put that folder back and start again, or drop those requests into the inbox"
                + " again: a re-drop under the same name and body reuses its key, so it answers from the run it"
                + " started");
    }

    private static long requestsIn(Path folder) {
        if (!Files.isDirectory(folder)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(file -> file.getFileName().toString().endsWith(".json"))
                    .count();
        } catch (IOException | UncheckedIOException e) {
            return 0; // a warning's count: a folder that cannot be listed is no reason to stop the start
        }
    }
}
