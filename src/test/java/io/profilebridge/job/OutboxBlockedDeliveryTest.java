package io.profilebridge.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.profilebridge.api.Api;
import io.profilebridge.api.ApiCredentials;
import io.profilebridge.api.KeyMask;
import io.profilebridge.delivery.DeliveryRefusals;
import io.profilebridge.delivery.ResultFiles;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.apache.camel.component.file.GenericFileOperationFailedException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A result the outbox refuses for want of room is not given up after bridge.delivery.max-attempts: the disk refuses
 * every result alike until it has room (resources audit: an outbox full for longer than the attempts left every
 * result unwritten once it had room). Any other refusal still is.
 */
class OutboxBlockedDeliveryTest {

    @TempDir
    Path data;

    @Test
    void aResultRefusedForWantOfRoomWaitsForRoomAndAnyOtherRefusalIsGivenUp() {
        try (HikariDataSource dataSource = JobStoreDataSource.open(JobStoreDataSource.defaultUrl(data), "", "", 2)) {
            JobStore store = new JobStore(dataSource, InstanceLiveness.single("test"), Clock.systemUTC());
            JobLifecycle lifecycle = new JobLifecycle(
                    new JobSchedule(2000, 2000, 1000, 60000, 10, 60000, 86_400_000, 3, 3_600_000),
                    new JobLifecycle.RemoteFailureRetries(1, 1),
                    store,
                    event -> {},
                    new RunTimes(false),
                    new KeyMask(new ApiCredentials()));
            // as camel-file reports it: "Cannot store file" around the system's own words
            Exception full = new GenericFileOperationFailedException(
                    "Cannot store file: outbox/.a.json.part",
                    new FileSystemException("outbox/.a.json.part", null, "No space left on device"));
            Exception readOnly = new GenericFileOperationFailedException(
                    "Cannot store file: outbox/.b.json.part", new IOException("Read-only file system"));
            // delivery audit: outbox/orbit/ replaced by a file gave every result up, none written once it was back
            Exception notAFolder = new GenericFileOperationFailedException(
                    "Cannot store file: outbox/.c.json.part", new IOException("Not a directory"));
            Exception stale = new GenericFileOperationFailedException(
                    "Cannot store file: outbox/.f.json.part",
                    new FileSystemException("outbox/.f.json.part", null, "Stale file handle"));
            Exception other = new GenericFileOperationFailedException(
                    "Cannot store file: outbox/.g.json.part", new IllegalStateException("a bug"));
            // java.io's words for EACCES and EPERM: the folder's rights changed after the start
            Exception forbidden = new GenericFileOperationFailedException(
                    "Cannot store file: outbox/.d.json.part",
                    new FileNotFoundException("outbox/.d.json.part (Permission denied)"));
            // java.nio's words for EACCES: the file's name only (fsedges audit: given up after the attempts)
            Exception denied = new GenericFileOperationFailedException(
                    "Cannot store file: outbox/.h.json.part", new AccessDeniedException("outbox/.h.json.part"));
            Exception immutable = new GenericFileOperationFailedException(
                    "Cannot store file: outbox/.e.json.part",
                    new FileSystemException("outbox/.e.json.part", null, "Operation not permitted"));

            Job waitsForRoom = delivering(store);
            Job waitsForWritable = delivering(store);
            Job waitsForRights = delivering(store);
            Job waitsForUnlock = delivering(store);
            Job waitsForAccess = delivering(store);
            Job waitsForFolder = delivering(store);
            Job waitsForMount = delivering(store);
            Job givenUp = delivering(store);
            for (int attempt = 0; attempt < 5; attempt++) {
                lifecycle.deliveryFailed(waitsForRoom, full);
                lifecycle.deliveryFailed(waitsForWritable, readOnly);
                lifecycle.deliveryFailed(waitsForRights, forbidden);
                lifecycle.deliveryFailed(waitsForUnlock, immutable);
                lifecycle.deliveryFailed(waitsForAccess, denied);
                lifecycle.deliveryFailed(waitsForFolder, notAFolder);
                lifecycle.deliveryFailed(waitsForMount, stale);
            }
            for (int attempt = 0; attempt < 3; attempt++) {
                lifecycle.deliveryFailed(givenUp, other);
            }
            assertThat(waitsForRoom.state()).isEqualTo(JobState.DELIVERING);
            assertThat(waitsForRoom.nextAttemptAt()).isNotNull();
            assertThat(waitsForWritable.state()).isEqualTo(JobState.DELIVERING);
            assertThat(waitsForRights.state()).isEqualTo(JobState.DELIVERING);
            assertThat(waitsForUnlock.state()).isEqualTo(JobState.DELIVERING);
            assertThat(waitsForAccess.state()).isEqualTo(JobState.DELIVERING);
            assertThat(new ResultFiles(data.resolve("outbox"), new DeliveryRefusals(Clock.systemUTC()), "750", null)
                            .describeRefusal(denied))
                    .as("the log line's text (recheck audit)")
                    .isEqualTo("Cannot store file: outbox/.h.json.part (Permission denied)");
            assertThat(waitsForFolder.state()).isEqualTo(JobState.DELIVERING);
            assertThat(waitsForMount.state()).isEqualTo(JobState.DELIVERING);
            assertThat(givenUp.state()).isEqualTo(JobState.FAILED);
        }
    }

    /**
     * A folder the write needs and cannot make reaches camel-file only as "no such file" (mkdirs says just false):
     * the disk the nearest existing folder lies on decides (audit: a read-only outbox without its orbit/ folder gave
     * results up after the attempts).
     */
    @Test
    void aFolderThatCannotBeMadeOnARefusingDiskIsOutboxBlocked() {
        Path missingFolderFile = data.resolve("outbox/orbit/.x.json.part");
        Exception noFolder = new GenericFileOperationFailedException(
                "Cannot store file: " + missingFolderFile, new NoSuchFileException(missingFolderFile.toString()));
        List<Path> asked = new ArrayList<>();

        assertThat(OutboxBlocked.why(noFolder, existing -> {
                    asked.add(existing);
                    return Optional.of("the disk under " + existing + " is read-only");
                }))
                .hasValue("the disk under " + data.toAbsolutePath() + " is read-only");
        assertThat(asked).containsExactly(data.toAbsolutePath());
        assertThat(OutboxBlocked.why(noFolder, existing -> Optional.empty())).isEmpty();
        // on this machine's own writable disk, a missing folder is no want of room
        assertThat(OutboxBlocked.why(noFolder)).isEmpty();
        assertThat(OutboxBlocked.describe(noFolder)).isEqualTo("Cannot store file: " + missingFolderFile);
    }

    private static Job delivering(JobStore store) {
        Job job = new Job(
                UUID.randomUUID().toString(),
                Api.OPENPROSPECT,
                UUID.randomUUID().toString(),
                JobState.DELIVERING,
                "{}",
                "hash",
                RequestSource.file("openprospect", "a.json"),
                store.now());
        return job;
    }
}
