package io.profilebridge.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.ResultSet;
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
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;

/** The shared commit, when the store gives no connection at all. */
class GroupCommitTest {

    /**
     * Slow-disk audit: a commit held for 30 s (a stalled disk under H2's sync) held every write behind it while the
     * health check said UP. How long the current commit has taken is known, for the job-store check.
     */
    @Test
    void aHeldCommitIsTimedWhileItLasts() throws Exception {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:mem:held-commit;DB_CLOSE_DELAY=-1");
        GroupCommit commits = new GroupCommit(h2, StoreEngine.of("jdbc:h2:mem:held-commit"));
        assertThat(commits.committingMs()).isZero();
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread writer = new Thread(() -> {
            try {
                commits.run(
                        c -> {
                            inside.countDown();
                            try {
                                release.await();
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                            return null;
                        },
                        false);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        writer.start();
        inside.await();
        await().atMost(Duration.ofSeconds(10)).until(() -> commits.committingMs() >= 200);
        release.countDown();
        writer.join(10_000);
        assertThat(commits.committingMs()).as("none under way").isZero();
    }

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

    /**
     * Slow-disk audit: a committed row is seen by other connections (a claim) before its group's sync to disk ends, and
     * an API call went out for a job whose record was not on disk yet. {@link GroupCommit#awaitSynced} returns only once
     * the durable groups committed before it are synced.
     */
    @Test
    void awaitingTheSyncReturnsOnlyOnceTheCommittedDurableGroupIsOnDisk() throws Exception {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:mem:group-commit-sync-" + java.util.UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        try (Connection setup = h2.getConnection()) {
            setup.createStatement().execute("CREATE TABLE written (name VARCHAR(10))");
        }
        CountDownLatch syncing = new CountDownLatch(1);
        CountDownLatch diskAnswers = new CountDownLatch(1);
        DataSource slowDisk = (DataSource) Proxy.newProxyInstance(
                DataSource.class.getClassLoader(), new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
                    Object real = invoke(h2, method, args);
                    if (!method.getName().equals("getConnection")) {
                        return real;
                    }
                    return Proxy.newProxyInstance(
                            Connection.class.getClassLoader(),
                            new Class<?>[] {Connection.class},
                            (c, call, callArgs) -> {
                                Object made = invoke(real, call, callArgs);
                                if (!call.getName().equals("createStatement")) {
                                    return made;
                                }
                                return Proxy.newProxyInstance(
                                        java.sql.Statement.class.getClassLoader(),
                                        new Class<?>[] {java.sql.Statement.class},
                                        (st, sql, sqlArgs) -> {
                                            if (sql.getName().equals("execute")
                                                    && "CHECKPOINT SYNC".equals(sqlArgs[0])) {
                                                syncing.countDown();
                                                awaitQuietly(diskAnswers); // the disk holds the sync
                                            }
                                            return invoke(made, sql, sqlArgs);
                                        });
                            });
                });
        GroupCommit commits = new GroupCommit(slowDisk, StoreEngine.of("jdbc:h2:mem:test"));
        Thread recorder = new Thread(() -> {
            try {
                commits.run(c -> c.createStatement().execute("INSERT INTO written VALUES ('job')"), true);
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
        recorder.start();
        syncing.await();
        try (Connection claim = h2.getConnection();
                ResultSet rows = claim.createStatement().executeQuery("SELECT name FROM written")) {
            assertThat(rows.next()).as("the row is seen before its sync ends").isTrue();
        }
        Thread claimer = new Thread(() -> {
            try {
                commits.awaitSynced();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        claimer.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> claimer.getState() == Thread.State.WAITING);
        assertThat(claimer.isAlive()).as("waits while the sync is held").isTrue();
        diskAnswers.countDown();
        claimer.join(10_000);
        recorder.join(10_000);
        assertThat(claimer.isAlive()).as("returned once the sync ended").isFalse();
    }

    /**
     * Concurrency audit: a group whose commit threw an unchecked exception (a driver's bug, an Error) failed only its
     * leader; the others found the queue empty and reported their rolled-back writes as committed, so a request's
     * source could be acknowledged with no job stored.
     */
    @Test
    void aGroupWhoseCommitThrowsUncheckedFailsEveryWriteOfIt() throws Exception {
        JdbcDataSource h2 = new JdbcDataSource();
        // a database of its own per run: a repeat in one JVM found the table of the run before
        h2.setURL("jdbc:h2:mem:group-commit-unchecked-" + java.util.UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        try (Connection setup = h2.getConnection()) {
            setup.createStatement().execute("CREATE TABLE written (name VARCHAR(10))");
        }
        AtomicInteger connections = new AtomicInteger();
        DataSource commitBlowsUp = (DataSource) Proxy.newProxyInstance(
                DataSource.class.getClassLoader(), new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
                    Object real = invoke(h2, method, args);
                    if (!method.getName().equals("getConnection") || connections.incrementAndGet() != 2) {
                        return real;
                    }
                    return Proxy.newProxyInstance(
                            Connection.class.getClassLoader(),
                            new Class<?>[] {Connection.class},
                            (c, call, callArgs) -> {
                                if (call.getName().equals("commit")) {
                                    throw new IllegalStateException("commit blew up");
                                }
                                return invoke(real, call, callArgs);
                            });
                });
        GroupCommit commits = new GroupCommit(commitBlowsUp, StoreEngine.of("jdbc:h2:mem:test"));
        CountDownLatch othersQueued = new CountDownLatch(1);
        List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<String> committed = new java.util.concurrent.CopyOnWriteArrayList<>();
        Thread first = insert(commits, "first", othersQueued, committed, failures);
        await().atMost(Duration.ofSeconds(10)).until(() -> connections.get() == 1);
        List<Thread> group = List.of(
                insert(commits, "second", null, committed, failures),
                insert(commits, "third", null, committed, failures));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> group.stream().allMatch(thread -> thread.getState() == Thread.State.WAITING));
        othersQueued.countDown();
        first.join(10_000);
        for (Thread writer : group) {
            writer.join(10_000);
        }

        assertThat(committed).as("told their write is committed").containsExactly("first");
        assertThat(failures)
                .hasSize(2)
                .allSatisfy(failure ->
                        assertThat(failure).isInstanceOf(SQLException.class).hasRootCauseMessage("commit blew up"));
        try (Connection check = h2.getConnection();
                ResultSet rows = check.createStatement().executeQuery("SELECT name FROM written")) {
            assertThat(rows.next()).isTrue();
            assertThat(rows.getString(1)).isEqualTo("first");
            assertThat(rows.next()).isFalse();
        }
    }

    private static Thread insert(
            GroupCommit commits,
            String name,
            CountDownLatch holdUntil,
            List<String> committed,
            List<Throwable> failures) {
        Thread thread = new Thread(() -> {
            try {
                commits.run(
                        connection -> {
                            if (holdUntil != null) {
                                awaitQuietly(holdUntil); // the others queue behind this write's group meanwhile
                            }
                            connection.createStatement().execute("INSERT INTO written VALUES ('" + name + "')");
                            return null;
                        },
                        false);
                committed.add(name);
            } catch (SQLException | RuntimeException e) {
                failures.add(e);
            }
        });
        thread.start();
        return thread;
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
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
