package io.profilebridge.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import io.profilebridge.LogCapture;
import io.profilebridge.StartupFailure;
import io.profilebridge.api.Api;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The default store in the data folder, as an operator's copies and restores leave it. Before: a store file cut to
 * 0 bytes (or to H2's 8 KB of headers) started as a new, empty store, and every pending job was lost (upgrade audit).
 */
class EmbeddedStoreFileTest {

    @TempDir
    Path data;

    @TempDir
    Path elsewhere;

    /** A note that cannot be written (a full disk) stops the start naming the note, not with the system's words alone. */
    @Test
    void aNoteThatCannotBeWrittenStopsTheStartNamingIt() throws Exception {
        Files.createDirectories(data.resolve(StoreNote.FILE + ".next"));
        assertThatThrownBy(() -> new EmbeddedStore(data, new StoreNote(data)).open(2))
                .isInstanceOf(StartupFailure.class)
                .hasMessageContaining(
                        data.resolve(StoreNote.FILE).toAbsolutePath().toString())
                .hasMessageContaining("give bridge.data room");
    }

    @Test
    void aStoreThatWasEmptiedOrRemovedIsRefusedNamingTheFileAndTheWayOut() throws Exception {
        new EmbeddedStore(data, new StoreNote(data)).open(2).close();
        Path file = data.resolve("jobstore.mv.db");
        Files.write(file, new byte[0], StandardOpenOption.TRUNCATE_EXISTING);
        assertThatThrownBy(() -> new EmbeddedStore(data, new StoreNote(data)).open(2))
                .isInstanceOf(StartupFailure.class)
                .hasMessageContaining(file.toAbsolutePath().toString())
                .hasMessageContaining("is empty or missing")
                .hasMessageContaining("Restore it from a backup")
                .hasMessageContaining("remove " + data.resolve(StoreNote.FILE).toAbsolutePath() + " and start again");
        assertThat(file).as("left empty, not replaced by a new store").isEmptyFile();
        Files.delete(file);
        assertThatThrownBy(() -> new EmbeddedStore(data, new StoreNote(data)).open(2))
                .as("removed")
                .hasMessageContaining("is empty or missing");
        assertThat(file).as("not created").doesNotExist();
    }

    @Test
    void aNewFolderGetsItsStoreAndAKeptOneOpensAgain() throws Exception {
        new EmbeddedStore(data, new StoreNote(data)).open(2).close();
        try (HikariDataSource again = new EmbeddedStore(data, new StoreNote(data)).open(2)) {
            assertThat(again.getConnection().isValid(1)).isTrue();
        }
        assertThat(data.resolve(StoreNote.FILE)).exists();
    }

    @Test
    void aDamagedStoreNamesItsFileAndWhatToDo() throws Exception {
        new EmbeddedStore(data, new StoreNote(data)).open(2).close();
        Path file = data.resolve("jobstore.mv.db");
        Files.write(file, new byte[4096], StandardOpenOption.TRUNCATE_EXISTING);
        assertThatThrownBy(() -> new EmbeddedStore(data, new StoreNote(data)).open(2))
                .isInstanceOf(StartupFailure.class)
                .hasMessageContaining(file.toAbsolutePath().toString())
                .hasMessageContaining("If it is damaged, restore it from a backup");
    }

    @Test
    void anOlderCopyOfTheStoreIsRefusedUntilItsNoteIsRemoved() throws Exception {
        // before: a store cut short opened at an older consistent version, with its schema and none of its jobs,
        // and the bridge started as if nothing was pending (verify audit A)
        Path file = data.resolve(EmbeddedStore.FILE);
        Path older = data.resolveSibling(data.getFileName() + "-older.mv.db");
        new EmbeddedStore(data, new StoreNote(data)).open(2).close();
        Files.copy(file, older);
        StoreNote note = new StoreNote(data);
        try (HikariDataSource dataSource = new EmbeddedStore(data, note).open(2)) {
            JobStore store = new JobStore(dataSource, InstanceLiveness.single("test"), Clock.systemUTC(), note::saw);
            store.register(job("pending-1"));
            note.write();
        }
        Files.copy(older, file, StandardCopyOption.REPLACE_EXISTING);

        assertThatThrownBy(() -> new EmbeddedStore(data, new StoreNote(data)).open(2))
                .isInstanceOf(StartupFailure.class)
                .hasMessageContaining(file.toAbsolutePath().toString())
                .hasMessageContaining("holds no jobs, but it held one created at")
                .hasMessageContaining("remove " + data.resolve(StoreNote.FILE).toAbsolutePath());
        Files.delete(data.resolve(StoreNote.FILE));
        new EmbeddedStore(data, new StoreNote(data)).open(2).close();
    }

    @Test
    void aCopyCutShortToAnOlderSchemaIsRefusedBeforeAnythingMigratesIt() throws Exception {
        // the verify audit's truncated copies opened at schema 4, were migrated to 9, and only then refused
        StoreNote note = new StoreNote(data);
        try (HikariDataSource dataSource = new EmbeddedStore(data, note).open(2)) {
            new JobStore(dataSource, InstanceLiveness.single("test"), Clock.systemUTC(), note::saw)
                    .register(job("pending-1"));
            note.write();
        }
        Files.delete(data.resolve(EmbeddedStore.FILE));
        String url = JobStoreDataSource.defaultUrl(data);
        JobStoreSchema.flywayWithoutBaseline(url, "", "").target("4").load().migrate();
        byte[] asFound = Files.readAllBytes(data.resolve(EmbeddedStore.FILE));

        assertThatThrownBy(() -> new EmbeddedStore(data, new StoreNote(data)).open(2))
                .isInstanceOf(StartupFailure.class)
                .hasMessageContaining("holds no jobs");
        assertThat(Files.readAllBytes(data.resolve(EmbeddedStore.FILE)))
                .as("left byte for byte as found, at schema 4")
                .isEqualTo(asFound);
    }

    @Test
    void aStoreWithItsJobsOpensAgainAndTheNoteKeepsTheNewest() throws Exception {
        StoreNote note = new StoreNote(data);
        Job job = job("pending-1");
        try (HikariDataSource dataSource = new EmbeddedStore(data, note).open(2)) {
            new JobStore(dataSource, InstanceLiveness.single("test"), Clock.systemUTC(), note::saw).register(job);
            note.write();
        }
        assertThat(new StoreNote(data).recordedNewest()).hasValue(job.createdAt());
        try (HikariDataSource again = new EmbeddedStore(data, new StoreNote(data)).open(2)) {
            assertThat(new JobStore(again, InstanceLiveness.single("test"), Clock.systemUTC()).findById(job.id()))
                    .isPresent();
        }
    }

    @Test
    void aStoreOfANewerReleaseIsRefusedNamingItAndLeftAsItWas() throws Exception {
        new EmbeddedStore(data, new StoreNote(data)).open(2).close();
        try (Connection c = DriverManager.getConnection(JobStoreDataSource.defaultUrl(data), "", "");
                Statement s = c.createStatement()) {
            s.execute("INSERT INTO \"flyway_schema_history\" (\"installed_rank\", \"version\", \"description\","
                    + " \"type\", \"script\", \"installed_by\", \"execution_time\", \"success\") VALUES (100, '99',"
                    + " 'later', 'SQL', 'V99__later.sql', 'test', 1, TRUE)");
        }
        assertThatThrownBy(() -> new EmbeddedStore(data, new StoreNote(data)).open(2))
                .isInstanceOf(StartupFailure.class)
                .hasMessageContaining(
                        "the job store jdbc:h2:file:" + data.toAbsolutePath().resolve("jobstore"))
                .hasMessageContaining("schema version 99 by a newer profile-bridge");
        assertThat(data.resolve(EmbeddedStore.BEFORE_MIGRATION)).doesNotExist();
        try (Connection c = DriverManager.getConnection(JobStoreDataSource.defaultUrl(data), "", "")) {
            assertThat(JobStoreSchema.isUpToDate(c))
                    .as("still the newer release's")
                    .isFalse();
        }
    }

    @Test
    void aGarbledNoteGuardsNothingButRefusesNothing() throws Exception {
        new EmbeddedStore(data, new StoreNote(data)).open(2).close();
        Files.write(data.resolve(StoreNote.FILE), new byte[] {'n', 'e', 'w', (byte) 0xff, '\n'});
        new EmbeddedStore(data, new StoreNote(data)).open(2).close();
        assertThat(data.resolve(StoreNote.FILE)).content().startsWith("profile-bridge created its job store");
    }

    @Test
    void aMigrationThatAStopCutShortIsUndoneAndDoneAgain() throws Exception {
        // before: Flyway runs each H2 script without a transaction, so a kill during the first start's migration
        // left tables without their history line, and every later start failed on them (verify audit B)
        Path file = data.resolve(EmbeddedStore.FILE);
        String url = JobStoreDataSource.defaultUrl(data);
        Files.write(data.resolve(EmbeddedStore.BEFORE_MIGRATION), new byte[0]); // what a first start keeps
        JobStoreSchema.flywayWithoutBaseline(url, "", "").target("4").load().migrate();
        try (Connection c = DriverManager.getConnection(url, "", "");
                Statement s = c.createStatement()) {
            s.execute("ALTER TABLE bridge_job DROP COLUMN leased"); // V5 half done, no history line
        }
        assertThatThrownBy(() -> JobStoreSchema.migrate(url, "", ""))
                .as("the store as such a stop left it")
                .hasMessageContaining("LEASED");

        try (LogCapture logs = LogCapture.start();
                HikariDataSource dataSource = new EmbeddedStore(data, new StoreNote(data)).open(2);
                Connection c = dataSource.getConnection()) {
            assertThat(JobStoreSchema.isUpToDate(c)).isTrue();
            assertThat(logs.lines())
                    .as("lifecycle audit: a first start cut short is no upgrade undone")
                    .anyMatch(line -> line.contains("INFO") && line.contains("it is made afresh"))
                    .noneMatch(line -> line.contains("WARN") && line.contains("EmbeddedStore"));
        }
        assertThat(data.resolve(EmbeddedStore.BEFORE_MIGRATION)).doesNotExist();
    }

    @Test
    void anUpgradeThatAStopCutShortGetsTheStoreBackWithItsJobs() throws Exception {
        Path file = data.resolve(EmbeddedStore.FILE);
        String url = JobStoreDataSource.defaultUrl(data);
        JobStoreSchema.flywayWithoutBaseline(url, "", "").target("8").load().migrate();
        try (Connection c = DriverManager.getConnection(url, "", "");
                Statement s = c.createStatement()) {
            s.execute("INSERT INTO bridge_job (id, api, idempotency_key, state, request_body, body_hash, source,"
                    + " created_at, updated_at) VALUES ('j-1', 'openprospect', 'k-1', 'RECEIVED', '{}', 'h', '{}', 1,"
                    + " 1)");
        }
        Files.copy(file, data.resolve(EmbeddedStore.BEFORE_MIGRATION)); // the copy an upgrade keeps first
        try (Connection c = DriverManager.getConnection(url, "", "");
                Statement s = c.createStatement()) {
            s.execute("DELETE FROM bridge_job"); // whatever the cut-short migration did to the store
            s.execute("ALTER TABLE bridge_instance ADD COLUMN key_fingerprint VARCHAR(200)"); // V9 without history
        }

        try (HikariDataSource dataSource = new EmbeddedStore(data, new StoreNote(data)).open(2)) {
            assertThat(new JobStore(dataSource, InstanceLiveness.single("test"), Clock.systemUTC()).findById("j-1"))
                    .isPresent();
        }
    }

    /**
     * Store-failure audit: the store file removed under a running bridge went unnoticed, H2 wrote on into the removed
     * file, and the next start found every job gone while their inbox files had been taken. The bridge now stops, and
     * what the store held is written beside it, from which RunScript makes the store again.
     */
    @Test
    void aStoreFileRemovedWhileRunningStopsTheBridgeAndWhatItHeldIsWrittenBesideIt() throws Exception {
        AtomicInteger exits = new AtomicInteger();
        Path file = data.resolve("jobstore.mv.db");
        try (DefaultCamelContext context = new DefaultCamelContext();
                HikariDataSource dataSource = new EmbeddedStore(data, new StoreNote(data)).open(2)) {
            context.start();
            StoreFileWatch watch = watching(context, dataSource, exits);
            JobStore store = new JobStore(dataSource, InstanceLiveness.single("test"), Clock.systemUTC());
            store.register(job("before-removal"));
            watch.check();
            assertThat(exits).as("the file is where it was").hasValue(0);

            Files.delete(file);
            store.register(job("after-removal"));
            watch.check();
            watch.check();
            assertThat(exits).as("stopped once").hasValue(1);
            watch.stop(); // as the context's stop does, after the routes
        }
        Path dump = dump();
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(dump)))
                .as("owner-only, as the store: it holds the requests' personal data")
                .isEqualTo("rw-------");
        putBack(dump);
        try (HikariDataSource dataSource = new EmbeddedStore(data, new StoreNote(data)).open(2)) {
            JobStore store = new JobStore(dataSource, InstanceLiveness.single("test"), Clock.systemUTC());
            assertThat(store.find(Api.OPENPROSPECT, "before-removal")).isPresent();
            assertThat(store.find(Api.OPENPROSPECT, "after-removal")).isPresent();
        }
    }

    /**
     * Fsedges audit: the whole data folder removed under the running bridge took the note with it; the dump was
     * written into the folder made again, and the next start (a supervisor's restart) began on an empty store beside it.
     */
    @Test
    void aDataFolderRemovedWhileRunningIsRefusedAtTheNextStartWhileItsDumpIsThere() throws Exception {
        AtomicInteger exits = new AtomicInteger();
        try (DefaultCamelContext context = new DefaultCamelContext();
                HikariDataSource dataSource = new EmbeddedStore(data, new StoreNote(data)).open(2)) {
            context.start();
            StoreFileWatch watch = watching(context, dataSource, exits);
            new JobStore(dataSource, InstanceLiveness.single("test"), Clock.systemUTC()).register(job("in-flight"));
            org.apache.camel.util.FileUtil.removeDir(data.toFile());
            watch.check();
            watch.stop();
        }
        assertThat(exits).hasValue(1);
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(data)))
                .as("made again owner-only, as a start makes it")
                .isEqualTo("rwx------");

        assertThatThrownBy(() -> new EmbeddedStore(data, new StoreNote(data)).open(2))
                .isInstanceOf(StartupFailure.class)
                .hasMessageContaining("is missing, and " + data.toAbsolutePath().resolve(StoreFileWatch.DUMP_PREFIX))
                .hasMessageContaining("move the dump out of " + data.toAbsolutePath() + " and start again");
        assertThat(data.resolve("jobstore.mv.db")).as("not created").doesNotExist();
    }

    /**
     * Storecorrupt audit: a backup moved over the running store's file stopped the bridge (replaced), and the next
     * start took the older copy, though the dump of the newer store lay beside it: four results already delivered were
     * read and delivered again. A start refuses a store last written before such a dump.
     */
    @Test
    void aStoreFileReplacedWhileRunningIsRefusedAtTheNextStartUntilTheDumpIsPutBack() throws Exception {
        Path file = data.resolve("jobstore.mv.db");
        try (HikariDataSource dataSource = new EmbeddedStore(data, new StoreNote(data)).open(2)) {
            new JobStore(dataSource, InstanceLiveness.single("test"), Clock.systemUTC()).register(job("in-the-copy"));
        }
        Path copy = Files.copy(file, elsewhere.resolve("backup.mv.db"));
        AtomicInteger exits = new AtomicInteger();
        try (DefaultCamelContext context = new DefaultCamelContext();
                HikariDataSource dataSource = new EmbeddedStore(data, new StoreNote(data)).open(2)) {
            context.start();
            StoreFileWatch watch = watching(context, dataSource, exits);
            new JobStore(dataSource, InstanceLiveness.single("test"), Clock.systemUTC()).register(job("since"));
            Files.move(copy, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            watch.check();
            watch.stop();
        }
        assertThat(exits).hasValue(1);

        assertThatThrownBy(() -> new EmbeddedStore(data, new StoreNote(data)).open(2))
                .isInstanceOf(StartupFailure.class)
                .hasMessageContaining(
                        "was last written before " + data.toAbsolutePath().resolve(StoreFileWatch.DUMP_PREFIX))
                .hasMessageContaining("put the dump back with H2's RunScript tool");

        Path dump = dump();
        Files.move(file, elsewhere.resolve("older.mv.db"));
        putBack(dump);
        try (HikariDataSource dataSource = new EmbeddedStore(data, new StoreNote(data)).open(2)) {
            JobStore store = new JobStore(dataSource, InstanceLiveness.single("test"), Clock.systemUTC());
            assertThat(store.find(Api.OPENPROSPECT, "since"))
                    .as("the store made again from the dump")
                    .isPresent();
        }
    }

    /** The store's file watched as the bridge watches it, a stop counted in {@code exits}. */
    private StoreFileWatch watching(DefaultCamelContext context, HikariDataSource dataSource, AtomicInteger exits)
            throws IOException {
        StoreFileWatch watch = new StoreFileWatch(
                context,
                data.resolve("jobstore.mv.db"),
                new java.util.concurrent.CountDownLatch(1),
                exits::incrementAndGet);
        watch.opened(dataSource);
        return watch;
    }

    /** The dump the watch wrote of a store removed or replaced under it. */
    private Path dump() throws IOException {
        try (var dumps = Files.list(data)) {
            return dumps.filter(path -> path.getFileName().toString().startsWith(StoreFileWatch.DUMP_PREFIX))
                    .filter(path -> path.toString().endsWith(".sql"))
                    .findFirst()
                    .orElseThrow();
        }
    }

    /** The store made again from the dump, as the README says: H2's RunScript. */
    private void putBack(Path dump) throws java.sql.SQLException {
        org.h2.tools.RunScript.main(
                "-url", JobStoreDataSource.defaultUrl(data), "-script", dump.toString(), "-user", "", "-password", "");
    }

    private static Job job(String key) {
        long now = System.currentTimeMillis();
        return new Job(
                UUID.randomUUID().toString(),
                Api.OPENPROSPECT,
                key,
                JobState.RECEIVED,
                "{}",
                "hash",
                RequestSource.file(key + ".json"),
                now);
    }

    @Test
    void anH2FileUrlOfItsOwnIsToldItRunsWithoutTheGuards() {
        // lifecycle audit: an older copy of the store, started through such a URL, delivered 15 results again
        assertThat(EmbeddedStore.unguarded("jdbc:h2:file:/srv/bridge/data/jobstore"))
                .hasValueSatisfying(line -> assertThat(line)
                        .contains("without the embedded store's guards")
                        .contains("leave bridge.store.url empty"));
        assertThat(EmbeddedStore.unguarded("jdbc:h2:./data/jobstore"))
                .as("review: a file without file:")
                .isPresent();
        assertThat(EmbeddedStore.unguarded("jdbc:h2:mem:test")).isEmpty();
        assertThat(EmbeddedStore.unguarded("jdbc:h2:tcp://db/bridge")).isEmpty();
        assertThat(EmbeddedStore.unguarded("jdbc:postgresql://db/bridge")).isEmpty();
    }

    @Test
    void anH2UrlNamingTheDataFoldersOwnStoreIsToldFromOneNamingAnotherFile() {
        Path data = Path.of("data");
        String own = data.toAbsolutePath().resolve("jobstore").toString();
        assertThat(EmbeddedStore.isStoreIn("jdbc:h2:file:" + own + ";TRACE_LEVEL_FILE=0", data))
                .isTrue();
        assertThat(EmbeddedStore.isStoreIn("jdbc:h2:nio:" + own, data)).isTrue();
        assertThat(EmbeddedStore.isStoreIn("jdbc:h2:./data/jobstore", data)).isTrue();
        // re-check audit: these left the embedded store's unfinished jobs without a word
        assertThat(EmbeddedStore.isStoreIn("jdbc:h2:./data/other", data)).isFalse();
        assertThat(EmbeddedStore.isStoreIn("jdbc:h2:file:/elsewhere/jobstore", data))
                .isFalse();
        assertThat(EmbeddedStore.isStoreIn("jdbc:h2:mem:jobstore", data)).isFalse();
        assertThat(EmbeddedStore.isStoreIn("jdbc:postgresql://db/bridge", data)).isFalse();
    }
}
