package io.profilebridge.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import io.profilebridge.LogCapture;
import io.profilebridge.StartupFailure;
import io.profilebridge.TestJvm;
import io.profilebridge.api.Api;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Clock;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Lifecycle audit: started on PostgreSQL, the bridge left the embedded store's 15 unfinished jobs without a result and
 * without a word.
 */
class EmbeddedStoreLeftBehindTest {

    @TempDir
    Path data;

    @Test
    void unfinishedJobsInTheEmbeddedStoreStopAStartOnAnotherStoreNamingTheirCountAndTheWayOut() throws Exception {
        Job waiting = jobIn(JobState.POLLING);
        assertThatThrownBy(() -> EmbeddedStoreLeftBehind.refuseWhileUnfinished(data))
                .isInstanceOf(StartupFailure.class)
                .hasMessageContaining(
                        data.resolve("jobstore.mv.db").toAbsolutePath() + " in bridge.data holds 1 unfinished jobs")
                .hasMessageContaining("start without bridge.store.url");

        finish(waiting);
        assertThatCode(() -> EmbeddedStoreLeftBehind.refuseWhileUnfinished(data))
                .as("finished jobs are no reason to stop")
                .doesNotThrowAnyException();
    }

    /**
     * Manifests audit: a store its bridge did not close (a start refused after it opened the file, before its schema)
     * cannot be opened read-only, and every later start on PostgreSQL warned that it "could not be read", though it
     * held no job. Such a store is recovered and read.
     */
    @Test
    void aStoreLeftUnclosedIsReadAfterItsRecovery() throws Exception {
        TestJvm.Ended killed = TestJvm.run(KilledAfterOpeningTheStore.class, data.toString());
        assertThat(killed.exitCode()).as(killed.output()).isEqualTo(9);
        byte[] asLeft = Files.readAllBytes(data.resolve("jobstore.mv.db"));
        try (LogCapture logs = LogCapture.start()) {
            assertThatCode(() -> EmbeddedStoreLeftBehind.refuseWhileUnfinished(data))
                    .doesNotThrowAnyException();
            assertThat(logs.lines()).noneMatch(line -> line.contains("EmbeddedStoreLeftBehind"));
        }
        assertThat(data.resolve("jobstore.mv.db"))
                .as("the store itself is left as it is")
                .hasBinaryContent(asLeft);
        try (var left = Files.list(data)) {
            assertThat(left.map(file -> file.getFileName().toString()))
                    .as("the copy read is removed")
                    .containsExactly("jobstore.mv.db");
        }
    }

    /** A start that opened the embedded store, then ended without closing it. */
    static final class KilledAfterOpeningTheStore {
        public static void main(String[] args) throws java.sql.SQLException {
            DriverManager.getConnection(JobStoreDataSource.defaultUrl(Path.of(args[0])));
            Runtime.getRuntime().halt(9);
        }
    }

    @Test
    void noEmbeddedStoreOrOneWithoutItsSchemaIsNoReasonToStop() throws Exception {
        assertThatCode(() -> EmbeddedStoreLeftBehind.refuseWhileUnfinished(data))
                .doesNotThrowAnyException();
        DriverManager.getConnection(JobStoreDataSource.defaultUrl(data)).close();
        assertThat(data.resolve("jobstore.mv.db")).exists();
        try (LogCapture logs = LogCapture.start()) {
            assertThatCode(() -> EmbeddedStoreLeftBehind.refuseWhileUnfinished(data))
                    .doesNotThrowAnyException();
            assertThat(logs.lines())
                    .as("review: H2 calls a store with no table at all empty (42104), no reason for a warning")
                    .noneMatch(line -> line.contains("EmbeddedStoreLeftBehind"));
        }
    }

    private Job jobIn(JobState state) {
        try (HikariDataSource dataSource = JobStoreDataSource.open(JobStoreDataSource.defaultUrl(data), "", "", 2)) {
            JobStore store = new JobStore(dataSource, InstanceLiveness.single("test"), Clock.systemUTC());
            Job job = new Job(
                    UUID.randomUUID().toString(),
                    Api.ORBIT,
                    UUID.randomUUID().toString(),
                    state,
                    "{}",
                    "hash",
                    RequestSource.file("orbit", "a.json"),
                    store.now());
            store.register(job);
            return job;
        }
    }

    private void finish(Job job) {
        try (HikariDataSource dataSource = JobStoreDataSource.open(JobStoreDataSource.defaultUrl(data), "", "", 2)) {
            JobStore store = new JobStore(dataSource, InstanceLiveness.single("test"), Clock.systemUTC());
            Job stored = store.findById(job.id()).orElseThrow();
            stored.state(JobState.DELIVERED);
            store.save(stored, false);
        }
    }
}
