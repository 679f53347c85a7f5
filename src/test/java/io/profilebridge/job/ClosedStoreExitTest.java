package io.profilebridge.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.SQLExceptionOverride;
import java.nio.file.Path;
import java.sql.SQLException;
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
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            context.start();
            ClosedStoreExit watch = new ClosedStoreExit(context, exits::incrementAndGet);
            // what every statement meets once H2 has closed the store after a failed write (measured on a full disk)
            SQLException closed = new SQLException("The database has been closed [90098-240]", "90098", 90098);
            assertThat(watch.adjudicate(closed)).isEqualTo(SQLExceptionOverride.Override.CONTINUE_EVICT);
            watch.adjudicate(closed);
        }
        assertThat(exits).hasValue(1);
    }

    @Test
    void theEmbeddedStoresPoolShowsItEveryException() throws Exception {
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            ClosedStoreExit watch = ClosedStoreExit.of(context);
            try (HikariDataSource pool = new EmbeddedStore(data, new StoreNote(data), watch).open(2)) {
                assertThat(pool.getExceptionOverride()).isSameAs(watch);
            }
        }
    }

    @Test
    void aClosedStoreIsTheBridgesOwnDoingWhileItIsNotRunning() throws Exception {
        AtomicInteger exits = new AtomicInteger();
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            ClosedStoreExit watch = new ClosedStoreExit(context, exits::incrementAndGet);
            watch.adjudicate(new SQLException("The database has been closed", "90098", 90098));
            context.start();
            watch.adjudicate(new SQLException("Unique index or primary key violation", "23505", 23505));
        }
        assertThat(exits).hasValue(0);
    }
}
