package io.profilebridge.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.profilebridge.LogCapture;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.apache.camel.component.file.FileConsumer;
import org.apache.camel.component.file.GenericFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A read-lock marker left on a shared inbox by an instance that died (second black-box audit: with three instances,
 * kill -9 of one left 31 files and their markers in the inbox until some instance restarted) is removed once it is
 * older than bridge.inbox.orphaned-lock-ms, so a live instance takes the file; a fresh marker is left alone.
 */
class InboxFileFilterTest {

    @TempDir
    Path inbox;

    @Test
    void aMarkerOlderThanTheLimitIsRemovedAndAFreshOneKept() throws Exception {
        WaitingFiles files = new WaitingFiles(null, 0, 0, 0);
        InboxMarkers markers = new InboxMarkers(files, 60_000);
        Path orphaned = Files.writeString(inbox.resolve("a.json"), "{}");
        Path orphanedMarker = Files.createFile(inbox.resolve("a.json.camelLock"));
        FileTime marked = FileTime.from(Instant.now().minusSeconds(61));
        Files.setLastModifiedTime(orphanedMarker, marked);
        Path taken = Files.writeString(inbox.resolve("b.json"), "{}");
        Path liveMarker = Files.createFile(inbox.resolve("b.json.camelLock"));
        Files.setLastModifiedTime(liveMarker, FileTime.from(Instant.now().minusSeconds(30)));

        release(markers, orphaned);
        release(markers, taken);
        release(markers, Files.writeString(inbox.resolve("c.json"), "{}"));

        assertThat(orphanedMarker).doesNotExist();
        assertThat(orphaned).exists();
        assertThat(liveMarker).as("held by a live instance").exists();
        // its job may have been committed before the stop: the take's start (the marker's date) tells whether it is
        // the drop that made the job or the caller dropping it again
        assertThat(files.leftBehindSince(orphaned)).contains(marked.toMillis());
        assertThat(files.leftBehindSince(orphaned)).as("asked once per take").isEmpty();
        assertThat(files.leftBehindSince(taken)).isEmpty();
    }

    /**
     * File-coordination audit: the instance that released an orphaned marker kept the fact in its own memory, so
     * another instance of a shared inbox took the file as a new drop and gave a second result. The note beside the
     * file tells whichever instance takes it.
     */
    @Test
    void aReleasedMarkerIsKnownToEveryInstanceThatTakesTheFile() throws Exception {
        InboxMarkers releasing = new InboxMarkers(new WaitingFiles(null, 0, 0, 0), 60_000);
        WaitingFiles takingElsewhere = new WaitingFiles(null, 0, 0, 0);
        Path file = Files.writeString(inbox.resolve("cut-short.json"), "{}");
        Path marker = Files.createFile(inbox.resolve("cut-short.json.camelLock"));
        FileTime marked = FileTime.from(Instant.now().minusSeconds(61));
        Files.setLastModifiedTime(marker, marked);

        release(releasing, file);

        assertThat(marker).doesNotExist();
        assertThat(takingElsewhere.leftBehindSince(file)).contains(marked.toMillis());
        assertThat(inbox.resolve(".cut-short.json.leftBehind"))
                .as("once per take")
                .doesNotExist();
    }

    /**
     * File-coordination audit: an instance that judged a marker orphaned, and removed it after another instance had
     * released it and its read lock had made a new one, removed that live marker; both took the file (13 of 20,000).
     * A marker of another date than the one judged is put back.
     */
    @Test
    void aLiveMarkerMadeAfterTheOrphanWasJudgedIsPutBack() throws Exception {
        Path file = Files.writeString(inbox.resolve("taken.json"), "{}");
        Path marker = Files.createFile(inbox.resolve("taken.json.camelLock"));
        long judged = Instant.now().minusSeconds(61).toEpochMilli();
        FileTime live = Files.getLastModifiedTime(marker);

        assertThat(InboxMarkers.takeOver(marker, InboxMarkers.leftBehindNote(file), judged))
                .isFalse();

        assertThat(marker).as("the live take keeps its marker").exists();
        assertThat(Files.getLastModifiedTime(marker)).isEqualTo(live);
        assertThat(InboxMarkers.leftBehindNote(file)).doesNotExist();
    }

    /**
     * Diff review: an instance that released an orphan left its note; another that had judged the same orphan, and
     * renamed the live marker made meanwhile straight onto the note, replaced that note, put the marker back and
     * removed the note with it: the file whose job was saved could get a second result.
     */
    @Test
    void aSecondReleaseOfTheSameOrphanKeepsTheFirstOnesNote() throws Exception {
        Path file = Files.writeString(inbox.resolve("twice.json"), "{}");
        Path marker = Files.createFile(inbox.resolve("twice.json.camelLock"));
        long orphaned = Instant.now().minusSeconds(61).toEpochMilli();
        Files.setLastModifiedTime(marker, FileTime.fromMillis(orphaned));
        Path note = InboxMarkers.leftBehindNote(file);

        assertThat(InboxMarkers.takeOver(marker, note, orphaned))
                .as("the first instance")
                .isTrue();
        Files.createFile(marker); // the read lock of the instance that takes the file now
        assertThat(InboxMarkers.takeOver(marker, note, orphaned))
                .as("the second, on its stale look")
                .isFalse();

        assertThat(marker).as("the live take keeps its marker").exists();
        assertThat(Files.getLastModifiedTime(note).toMillis()).isEqualTo(orphaned);
        try (var left = Files.list(inbox)) {
            assertThat(left.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("twice.json", "twice.json.camelLock", ".twice.json.leftBehind");
        }
    }

    @Test
    void theMarkerOfAFileThisProcessIsStillTakingInIsKeptAndDatedAnew() throws Exception {
        // left open last session: an intake retried for minutes (its store away) had its own marker removed as
        // orphaned, and another instance of a shared inbox could take the file a second time
        WaitingFiles files = new WaitingFiles(null, 0, 0, 0);
        Path slow = Files.writeString(inbox.resolve("slow.json"), "{}");
        InboxMarkers markers =
                new InboxMarkers(files, 60_000, slow.toAbsolutePath().toString()::equals);
        Path marker = Files.createFile(inbox.resolve("slow.json.camelLock"));
        Files.setLastModifiedTime(marker, FileTime.from(Instant.now().minusSeconds(90)));

        release(markers, slow);

        assertThat(marker).as("this process's own").exists();
        assertThat(Files.getLastModifiedTime(marker).toInstant())
                .as("dated anew, so other instances see a live take")
                .isAfter(Instant.now().minusSeconds(10));
        assertThat(files.leftBehindSince(slow)).isEmpty();
    }

    private static void release(InboxMarkers markers, Path file) {
        markers.releaseIfOrphaned(file, file.toAbsolutePath().toString());
    }

    @Test
    void aFileDatedAheadOfTheClockIsLeftUntilThatTimeHasPassed() throws Exception {
        // third black-box audit: the read lock waited its timeout for such a file at every poll, and the other files
        // of its folder waited with it
        InboxFileFilter filter = new InboxFileFilter(
                WaitingFiles.NONE, new InboxMarkers(WaitingFiles.NONE, 60_000), new UnreadFolders(Set::of), inbox);
        Path ahead = Files.writeString(inbox.resolve("ahead.json"), "{}");
        Files.setLastModifiedTime(ahead, FileTime.from(Instant.now().plusSeconds(600)));
        Path now = Files.writeString(inbox.resolve("now.json"), "{}");

        String dated = "it is dated " + Files.getLastModifiedTime(ahead).toInstant();
        try (LogCapture log = LogCapture.start()) {
            assertThat(filter.accept(listed(ahead))).isFalse();
            // time audit: a file dated a year ahead waited with one warning naming neither its date nor the way out
            assertThat(log.lines())
                    .anyMatch(line -> line.contains("ahead.json is not taken")
                            && line.contains(dated)
                            && line.contains("(touch)"));
        }
        assertThat(filter.accept(listed(now))).isTrue();
        Files.setLastModifiedTime(ahead, FileTime.from(Instant.now().minusSeconds(1)));
        assertThat(filter.accept(listed(ahead))).as("its time has passed").isTrue();
    }

    @Test
    void aMarkerDatedAheadOfTheClockCountsItsAgeFromWhenItWasFirstSeen() throws Exception {
        // hostile-input audit: a marker dated 2030 held its file for good, without a word
        InboxMarkers markers = new InboxMarkers(WaitingFiles.NONE, 0);
        Path file = Files.writeString(inbox.resolve("blocked.json"), "{}");
        Path marker = Files.createFile(inbox.resolve("blocked.json.camelLock"));
        Files.setLastModifiedTime(marker, FileTime.from(Instant.parse("2030-01-01T00:00:00Z")));

        release(markers, file);
        assertThat(marker).as("first seen now: not yet older than the limit").exists();
        await().atMost(Duration.ofSeconds(5)).until(() -> {
            release(markers, file);
            return Files.notExists(marker);
        });
        assertThat(file).exists();
    }

    @Test
    void aNewMarkerDatedAheadIsNotAsOldAsAnEarlierOneOfItsFile() throws Exception {
        // file-coordination audit: keyed by the file alone, a later take's live marker, dated ahead by the same file
        // server, was counted from when the first one was seen, and removed at once
        InboxMarkers markers = new InboxMarkers(WaitingFiles.NONE, 0);
        Path file = Files.writeString(inbox.resolve("recurring.json"), "{}");
        Path marker = Files.createFile(inbox.resolve("recurring.json.camelLock"));
        Files.setLastModifiedTime(marker, FileTime.from(Instant.now().plusSeconds(600)));
        long firstSeen = System.currentTimeMillis();
        release(markers, file);
        assertThat(marker).as("first seen now: no older than the limit").exists();
        // its take ends (its owner removes it); a later take of the file makes a new one, dated ahead too
        Files.delete(marker);
        await().until(() -> System.currentTimeMillis() > firstSeen);
        Files.createFile(marker);
        Files.setLastModifiedTime(marker, FileTime.from(Instant.now().plusSeconds(601)));
        release(markers, file);
        assertThat(marker).as("a new take's marker, first seen now").exists();
    }

    @Test
    void aFolderSwappedForALinkOrKeepingOriginalsThroughALinkGivesNoFile() throws Exception {
        // hostile-input audit: an inbox writer replaced openprospect by a link to a folder outside the inbox, and a
        // file
        // there was taken, moved and echoed in a failed result; a .failed link moved originals out of the inbox
        InboxFileFilter filter = new InboxFileFilter(
                WaitingFiles.NONE, new InboxMarkers(WaitingFiles.NONE, 60_000), new UnreadFolders(Set::of), inbox);
        Path outside = Files.createDirectories(inbox.resolveSibling(inbox.getFileName() + "-outside"));
        Path secret = Files.writeString(outside.resolve("creds.json"), "{}");
        Path linked = Files.createSymbolicLink(inbox.resolve("openprospect"), outside);
        assertThat(filter.accept(listed(linked.resolve("creds.json")))).isFalse();

        Path orbit = Files.createDirectories(inbox.resolve("orbit"));
        Path dropped = Files.writeString(orbit.resolve("planted.json"), "{}");
        Files.setLastModifiedTime(dropped, FileTime.from(Instant.now().minusSeconds(5)));
        assertThat(filter.accept(listed(dropped))).as("a plain folder").isTrue();
        Files.createSymbolicLink(orbit.resolve(".failed"), outside);
        // a folder is looked at again once a second at most
        await().atMost(Duration.ofSeconds(5)).until(() -> !filter.accept(listed(dropped)));

        Path envelope = Files.writeString(inbox.resolve("envelope.json"), "{}");
        Files.setLastModifiedTime(envelope, FileTime.from(Instant.now().minusSeconds(5)));
        assertThat(filter.accept(listed(envelope)))
                .as("the inbox itself is the operator's to place")
                .isTrue();
        assertThat(secret).exists();
    }

    /**
     * Inbox-flood audit: 30,000 NAME.json.part files, which the route's include never takes, were each looked at on
     * every listing (their name, attributes, a marker beside them, their size and date): half a core while idle. A
     * name not ending in .json is passed over before any of that, without a word.
     */
    @Test
    void aFileNotNamedJsonIsPassedOverBeforeAnyLookAtIt() throws Exception {
        InboxFileFilter filter = new InboxFileFilter(
                WaitingFiles.NONE, new InboxMarkers(WaitingFiles.NONE, 0), new UnreadFolders(Set::of), inbox);
        Path part = Files.writeString(inbox.resolve("export\tbatch.json.part"), "{");
        Path orphanedMarker = Files.createFile(inbox.resolve("export\tbatch.json.part.camelLock"));
        Files.setLastModifiedTime(orphanedMarker, FileTime.from(Instant.now().minusSeconds(61)));
        Path upperCase = Files.writeString(inbox.resolve("REQUEST.JSON"), "{}");
        Files.setLastModifiedTime(upperCase, FileTime.from(Instant.now().minusSeconds(5)));

        try (LogCapture log = LogCapture.start()) {
            assertThat(filter.accept(listed(part))).isFalse();
            assertThat(log.lines()).as("no word of its tab").noneMatch(line -> line.contains("batch.json.part"));
        }
        assertThat(orphanedMarker).as("nothing beside it looked at").exists();
        assertThat(filter.accept(listed(upperCase)))
                .as("the include reads .json in any case")
                .isTrue();
    }

    @Test
    void aNameWithATabIsRefusedInALineThatShowsNoTab() throws Exception {
        // placeholders audit: the tab went to the log as it was
        InboxFileFilter filter = new InboxFileFilter(
                WaitingFiles.NONE, new InboxMarkers(WaitingFiles.NONE, 0), new UnreadFolders(Set::of), inbox);
        Path tabbed = Files.writeString(inbox.resolve("tab\tname.json"), "{}");
        try (LogCapture log = LogCapture.start()) {
            assertThat(filter.accept(listed(tabbed))).isFalse();
            assertThat(log.lines())
                    .anyMatch(line -> line.contains("Inbox file tab\uFFFDname.json is not taken"))
                    .noneMatch(line -> line.contains("\t"));
        }
    }

    private GenericFile<File> listed(Path file) {
        return FileConsumer.asGenericFile(inbox.toString(), file.toFile(), null, false);
    }
}
