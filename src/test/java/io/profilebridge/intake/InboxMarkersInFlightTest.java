package io.profilebridge.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.model.RouteDefinition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file the inbox route is still taking in keeps its read-lock marker past {@code bridge.inbox.orphaned-lock-ms}:
 * Camel's filter sees files in progress too, and the filter had removed this process's own marker as orphaned, so
 * another instance of a shared inbox could take the file a second time.
 */
class InboxMarkersInFlightTest {

    private static final long ORPHANED_LOCK_MS = 400;

    @TempDir
    Path inbox;

    @Test
    void aFileStillBeingTakenInKeepsItsMarkerDatedAnew() throws Exception {
        CountDownLatch storeBack = new CountDownLatch(1);
        try (CamelContext context = new DefaultCamelContext()) {
            // as the packaged route: the take goes on on a worker, the listing goes on
            inboxRoute(context, true, storeBack);
            Path marker = takenIn(context, "slow.json");
            long marked = Files.getLastModifiedTime(marker).toMillis();
            // dated anew once half the limit old, while the take goes on: the marker is there all along
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> Files.getLastModifiedTime(marker).toMillis() > marked);
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> Files.getLastModifiedTime(marker).toMillis() > marked + ORPHANED_LOCK_MS);

            storeBack.countDown();
            assertMovedAndUnmarked("slow.json");
        }
    }

    /**
     * Review: with the inbox workers and their queue full, the file consumer takes a file in itself, and no listing
     * comes to date the markers anew while that intake is slow: the timer of a shared inbox does (refreshOwn).
     */
    @Test
    void aTakeThatHoldsTheListingKeepsItsMarkerThroughTheTimer() throws Exception {
        CountDownLatch storeBack = new CountDownLatch(1);
        try (CamelContext context = new DefaultCamelContext()) {
            // no threads step: the consumer itself waits, as when it runs an intake the full pool refused
            InboxMarkers markers = inboxRoute(context, false, storeBack);
            Path marker = takenIn(context, "held.json");
            long marked = Files.getLastModifiedTime(marker).toMillis();
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                markers.refreshOwn(context);
                return Files.getLastModifiedTime(marker).toMillis() > marked + ORPHANED_LOCK_MS;
            });

            storeBack.countDown();
            assertMovedAndUnmarked("held.json");
        }
    }

    /** The packaged inbox route's read lock and filter, and an intake that waits as one does for a store away. */
    private InboxMarkers inboxRoute(CamelContext context, boolean onAWorker, CountDownLatch storeBack)
            throws Exception {
        InboxMarkers markers = new InboxMarkers(WaitingFiles.NONE, ORPHANED_LOCK_MS, InboxMarkers.takenInBy(context));
        context.getRegistry()
                .bind(
                        "inboxFileFilter",
                        new InboxFileFilter(WaitingFiles.NONE, markers, new UnreadFolders(Set::of), inbox));
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                RouteDefinition route = from("file:" + inbox
                        + "?include=.*\\.json&filter=#bean:inboxFileFilter&readLock=changed"
                        + "&readLockMinAge=0&readLockCheckInterval=50&readLockMinLength=0"
                        + "&initialDelay=0&delay=50&move=.done/${file:name}");
                (onAWorker ? route.threads(1) : route).process(exchange -> storeBack.await(30, TimeUnit.SECONDS));
            }
        });
        return markers;
    }

    /** Drops the file, starts the route and waits for the file's read-lock marker. */
    private Path takenIn(CamelContext context, String name) throws Exception {
        Path file = Files.writeString(inbox.resolve(name), "{}");
        Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis() - 5_000));
        Path marker = inbox.resolve(name + ".camelLock");
        context.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(marker));
        return marker;
    }

    private void assertMovedAndUnmarked(String name) {
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(inbox.resolve(".done/" + name)));
        assertThat(inbox.resolve(name + ".camelLock")).doesNotExist();
    }
}
