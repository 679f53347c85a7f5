package io.profilebridge.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** The shared commit, when the store gives no connection at all. */
class GroupCommitTest {

    /**
     * Store-failure audit: a group whose connection could not be had retried each of its writes on its own, and each
     * waited the pool's connection timeout again: four inbox files waited five timeouts, unlogged. Now the group fails
     * at once, every write with the pool's own words.
     */
    @Test
    void aGroupThatGetsNoConnectionFailsTogetherWithoutAskingAgainForEachWrite() throws Exception {
        CountDownLatch firstAsked = new CountDownLatch(1);
        CountDownLatch othersQueued = new CountDownLatch(1);
        AtomicInteger asked = new AtomicInteger();
        DataSource away = new Unreachable(() -> {
            if (asked.incrementAndGet() == 1) {
                firstAsked.countDown();
                othersQueued.await(); // the other writers queue behind the first while it waits for a connection
            }
        });
        GroupCommit commits = new GroupCommit(away, StoreEngine.of("jdbc:h2:mem:test"));

        List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        Thread first = writer(commits, failures);
        firstAsked.await();
        List<Thread> others = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            others.add(writer(commits, failures));
        }
        // each queues its write, then parks on the leader's lock the first write holds
        await().atMost(Duration.ofSeconds(10))
                .until(() -> others.stream().allMatch(thread -> thread.getState() == Thread.State.WAITING));
        othersQueued.countDown();
        first.join(10_000);
        for (Thread other : others) {
            other.join(10_000);
        }
        assertThat(failures)
                .hasSize(5)
                .allSatisfy(failure -> assertThat(failure)
                        .isInstanceOf(SQLTransientConnectionException.class)
                        .hasMessageContaining("request timed out"));
        assertThat(asked.get())
                .as("connections asked for: the first write's, then the group's once")
                .isLessThanOrEqualTo(2);
    }

    private static Thread writer(GroupCommit commits, List<Throwable> failures) {
        Thread thread = new Thread(() -> {
            try {
                commits.run(connection -> null, false);
            } catch (SQLException e) {
                failures.add(e);
            }
        });
        thread.start();
        return thread;
    }

    /** A pool whose store is away: every connection asked for times out, as HikariCP's does. */
    private record Unreachable(Waiting beforeTimeout) implements DataSource {

        interface Waiting {
            void run() throws InterruptedException;
        }

        @Override
        public Connection getConnection() throws SQLException {
            try {
                beforeTimeout.run();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw new SQLTransientConnectionException(
                    "job-store - Connection is not available, request timed out after 5000ms");
        }

        @Override
        public Connection getConnection(String user, String password) throws SQLException {
            return getConnection();
        }

        @Override
        public PrintWriter getLogWriter() {
            return null;
        }

        @Override
        public void setLogWriter(PrintWriter out) {}

        @Override
        public void setLoginTimeout(int seconds) {}

        @Override
        public int getLoginTimeout() {
            return 0;
        }

        @Override
        public Logger getParentLogger() throws SQLFeatureNotSupportedException {
            throw new SQLFeatureNotSupportedException();
        }

        @Override
        public <T> T unwrap(Class<T> type) throws SQLException {
            throw new SQLException("not a wrapper");
        }

        @Override
        public boolean isWrapperFor(Class<?> type) {
            return false;
        }
    }
}
