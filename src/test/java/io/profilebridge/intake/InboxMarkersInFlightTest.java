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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A file the inbox route is still taking in keeps its read-lock marker past {@code bridge.inbox.orphaned-lock-ms}:
 * Camel's filter sees files in progress too, and the filter had removed this process's own marker as orphaned, so
 * another instance of a shared inbox could take the file a second time.
 */
class InboxMarkersInFlightTest {

    private static final long ORPHANED_LOCK_MS = 400;

    @TempDir
    Path inbox;

    private InboxReadLock readLock = new InboxReadLock(WaitingFiles.NONE, 0);

    /** The bridge's read lock (as the packaged routes), or Camel's own (a route file written before it). */
    enum ReadLock {
        BRIDGE,
        CAMEL
    }

    @ParameterizedTest
    @EnumSource(ReadLock.class)
    void aFileStillBeingTakenInKeepsItsMarkerDatedAnew(ReadLock readLock) throws Exception {
        CountDownLatch storeBack = new CountDownLatch(1);
        try (CamelContext context = new DefaultCamelContext()) {
            // as the packaged route: the take goes on on a worker, the listing goes on
            inboxRoute(context, readLock, true, storeBack);
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
    @ParameterizedTest
    @EnumSource(ReadLock.class)
    void aTakeThatHoldsTheListingKeepsItsMarkerThroughTheTimer(ReadLock readLock) throws Exception {
        CountDownLatch storeBack = new CountDownLatch(1);
        try (CamelContext context = new DefaultCamelContext()) {
            // no threads step: the consumer itself waits, as when it runs an intake the full pool refused
            InboxMarkers markers = inboxRoute(context, readLock, false, storeBack);
            Path marker = takenIn(context, "held.json");
            long marked = Files.getLastModifiedTime(marker).toMillis();
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                markers.refreshOwn(InboxMarkers.takenIn(context, this.readLock));
                return Files.getLastModifiedTime(marker).toMillis() > marked + ORPHANED_LOCK_MS;
            });

            storeBack.countDown();
            assertMovedAndUnmarked("held.json");
        }
    }

    /**
     * Upgrade audit: a file waiting in this process's listing behind a slow intake, with the marker of an instance
     * that died while taking it, had that marker dated anew by the timer, and was held one orphan period longer.
     */
    @Test
    void aMarkerLeftByAnotherInstanceIsNotDatedAnewWhileItsFileWaitsInTheListing() throws Exception {
        CountDownLatch storeBack = new CountDownLatch(1);
        try (CamelContext context = new DefaultCamelContext()) {
            InboxMarkers markers = inboxRoute(context, ReadLock.BRIDGE, false, storeBack);
            Path orphaned = Files.writeString(inbox.resolve("orphan.json"), "{}");
            Files.setLastModifiedTime(orphaned, FileTime.fromMillis(System.currentTimeMillis() - 5_000));
            // held.json sorts first: the consumer waits in its intake, orphan.json waits in the listing
            takenIn(context, "held.json");
            // meanwhile another instance marked orphan.json and died: over half the orphan period ago (due for
            // renewal, were it this process's), not yet orphaned
            Path leftMarker = Files.createFile(inbox.resolve("orphan.json.camelLock"));
            long leftAt = System.currentTimeMillis() - ORPHANED_LOCK_MS * 3 / 4;
            Files.setLastModifiedTime(leftMarker, FileTime.fromMillis(leftAt));
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                markers.refreshOwn(InboxMarkers.takenIn(context, readLock));
                return System.currentTimeMillis() > leftAt + ORPHANED_LOCK_MS;
            });
            assertThat(InboxMarkers.takenIn(context, readLock))
                    .containsExactly(inbox.resolve("held.json").toString());
            assertThat(Files.getLastModifiedTime(leftMarker).toMillis()).isEqualTo(leftAt);

            storeBack.countDown();
            // released as orphaned at a later listing, then taken
            assertMovedAndUnmarked("held.json");
            assertMovedAndUnmarked("orphan.json");
        }
    }

    /**
     * An answered file whose move fails is noted by the read lock itself, before its marker goes (Camel tells the
     * exception handler only after it released the marker, when another instance could already have taken the file).
     */
    @Test
    void theBridgesReadLockNotesAnAnsweredFileItCouldNotMove() throws Exception {
        WaitingFiles waitingFiles = new WaitingFiles(null, 0, 0, 60_000);
        readLock = new InboxReadLock(waitingFiles, 0);
        // .done a file: the move cannot make its folder
        Files.writeString(inbox.resolve(".done"), "in the way");
        try (CamelContext context = new DefaultCamelContext()) {
            context.getRegistry().bind("inboxReadLock", readLock);
            context.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("file:" + inbox + "?include=.*\\.json&exclusiveReadLockStrategy=#bean:inboxReadLock"
                                    + "&initialDelay=0&delay=50&move=.done/${file:name}")
                            .setHeader(RequestAcceptance.VERDICT, constant("done"))
                            .setHeader(RequestAcceptance.KEPT_NAME, constant("answered.json"));
                }
            });
            Path file = Files.writeString(inbox.resolve("answered.json"), "{}");
            Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis() - 5_000));
            context.start();

            Path note = inbox.resolve(".answered.json.answered");
            await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(note));
            assertThat(Files.readString(note)).contains("\"keptName\":\"answered.json\"");
            assertThat(file).exists();
        }
    }

    /** The packaged inbox route's read lock and filter, and an intake that waits as one does for a store away. */
    private InboxMarkers inboxRoute(CamelContext context, ReadLock lock, boolean onAWorker, CountDownLatch storeBack)
            throws Exception {
        InboxMarkers markers =
                new InboxMarkers(WaitingFiles.NONE, ORPHANED_LOCK_MS, InboxMarkers.takenInBy(context, readLock));
        context.getRegistry()
                .bind(
                        "inboxFileFilter",
                        new InboxFileFilter(WaitingFiles.NONE, markers, new UnreadFolders(Set::of), inbox));
        context.getRegistry().bind("inboxReadLock", readLock);
        String readLockOptions = lock == ReadLock.BRIDGE
                ? "&exclusiveReadLockStrategy=#bean:inboxReadLock"
                : "&readLock=changed&readLockMinAge=0&readLockCheckInterval=50&readLockMinLength=0";
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                RouteDefinition route = from("file:" + inbox
                        + "?include=.*\\.json&filter=#bean:inboxFileFilter" + readLockOptions
                        + "&sortBy=file:name&initialDelay=0&delay=50&move=.done/${file:name}");
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
        // the marker goes, and the read lock holds it no more, once the move is done
        await().atMost(Duration.ofSeconds(10))
                .until(() -> !readLock.holds(inbox.resolve(name).toString()));
        assertThat(inbox.resolve(name + ".camelLock")).doesNotExist();
    }
}
