package io.profilebridge.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.SQLExceptionOverride;
import io.profilebridge.LogCapture;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An embedded store that closed itself stops the bridge once; a store closed by the bridge's own stop does not. */
class ClosedStoreExitTest {

    @TempDir
    Path data;

    @Test
    void aStoreThatClosesItselfWhileTheBridgeRunsStopsItOnce() throws Exception {
        AtomicInteger exits = new AtomicInteger();
        AtomicInteger halts = new AtomicInteger();
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            context.start();
            ClosedStoreExit watch = new ClosedStoreExit(context, exits::incrementAndGet, halts::incrementAndGet);
            // what every statement meets once H2 has closed the store after a failed write (measured on a full disk)
            SQLException closed = new SQLException("The database has been closed [90098-240]", "90098", 90098);
            assertThat(watch.adjudicate(closed)).isEqualTo(SQLExceptionOverride.Override.CONTINUE_EVICT);
            watch.adjudicate(closed);
        }
        assertThat(exits).hasValue(1);
    }

    @Test
    void aStoreClosedForWantOfHeapSaysSoAndDoesNotBlameTheDisk() throws Exception {
        AtomicInteger exits = new AtomicInteger();
        AtomicInteger halts = new AtomicInteger();
        List<String> lines;
        try (DefaultCamelContext context = new DefaultCamelContext();
                LogCapture logs = LogCapture.start()) {
            context.start();
            ClosedStoreExit watch = new ClosedStoreExit(context, exits::incrementAndGet, halts::incrementAndGet);
            // as H2 2.4 reported it with 128 MB of heap and requests of 900 KB (JdbcSQLNonTransientException, 50000)
            SQLException outOfMemory = new SQLException(
                    "General error: \"org.h2.mvstore.MVStoreException: java.lang.OutOfMemoryError: Capacity: 13672140"
                            + " [2.4.240/3]\"",
                    "HY000",
                    50000,
                    new IllegalStateException(new OutOfMemoryError("Capacity: 13672140")));
            // the store's want of heap stops the bridge at once, closed or not: left open, H2's writer spun for good;
            // halted, with no close of the store that would write it once more (security audit: a corrupt chunk)
            watch.adjudicate(outOfMemory);
            assertThat(halts).hasValue(1);
            assertThat(exits).hasValue(0);
            watch.adjudicate(new SQLException("The database has been closed [90098-240]", "90098", 90098));
            lines = logs.lines();
        }
        assertThat(halts).hasValue(1);
        assertThat(exits).hasValue(0);
        assertThat(lines)
                .filteredOn(line -> line.contains("The job store"))
                .singleElement()
                .satisfies(line -> assertThat(line)
                        .contains("ran out of memory")
                        .contains("-Xmx")
                        .contains("bridge.inbox.concurrency")
                        .doesNotContain("Give bridge.data room"));
        assertThat(ClosedStoreExit.isOutOfMemory(new SQLException("Out of memory.", "90108", 90108)))
                .isTrue();
        assertThat(ClosedStoreExit.isOutOfMemory(new SQLException("No space left on device", "HY000", 50000)))
                .isFalse();
    }

    /**
     * Store-failure audit: the line said only "The database has been closed"; the full disk (or the immutable store
     * file) behind it was named nowhere in the log. The line now says what the data folder's disk says.
     */
    @Test
    void aStoreThatClosesItselfIsReportedWithWhatItsDiskSays() throws Exception {
        // a write into the data folder that fails, as on a full disk: a folder where the probe would be a file
        java.nio.file.Files.createDirectories(data.resolve(".write-probe"));
        List<String> lines;
        try (DefaultCamelContext context = new DefaultCamelContext();
                LogCapture logs = LogCapture.start()) {
            context.start();
            new ClosedStoreExit(context, data, () -> {}, () -> {})
                    .adjudicate(new SQLException("The database has been closed [90098-240]", "90098", 90098));
            lines = logs.lines();
        }
        assertThat(lines)
                .filteredOn(line -> line.contains("The job store closed itself"))
                .singleElement()
                .satisfies(line -> assertThat(line)
                        .contains(data.toAbsolutePath() + " has ")
                        .contains(" bytes free")
                        .contains("writing there fails: ")
                        .contains("exit code 3"));
    }

    @Test
    void theEmbeddedStoresPoolShowsItEveryException() throws Exception {
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            ClosedStoreExit watch = ClosedStoreExit.of(context, data);
            try (HikariDataSource pool = new EmbeddedStore(data, new StoreNote(data), watch).open(2)) {
                assertThat(pool.getExceptionOverride()).isSameAs(watch);
            }
        }
    }

    @Test
    void aClosedStoreIsTheBridgesOwnDoingWhileItIsNotRunning() throws Exception {
        AtomicInteger exits = new AtomicInteger();
        AtomicInteger halts = new AtomicInteger();
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            ClosedStoreExit watch = new ClosedStoreExit(context, exits::incrementAndGet, halts::incrementAndGet);
            watch.adjudicate(new SQLException("The database has been closed", "90098", 90098));
            context.start();
            watch.adjudicate(new SQLException("Unique index or primary key violation", "23505", 23505));
        }
        assertThat(exits).hasValue(0);
    }
}
