package io.profilebridge.job;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.ReentrantLock;
import javax.sql.DataSource;

/**
 * Runs the writes of concurrent callers in shared transactions, so many job steps cost one commit (one fsync on
 * PostgreSQL, one CHECKPOINT SYNC on H2 for a durable group) instead of one each. Every caller still returns only once its own write is
 * committed, so "committed before the source is acknowledged" holds write by write.
 * <p>
 * Leader/follower, no thread of its own: a caller queues its write and takes the lock; whoever holds it commits
 * everything queued so far, so the callers that queued meanwhile find their write done when their turn comes.
 * In a group, one failing statement (a key conflict) fails only its caller: on PostgreSQL each write runs behind a
 * savepoint, on H2 the statement undoes itself.
 * <p>
 * A durable write is on disk when its caller returns, and survives a power loss: a group holding one is committed
 * the way its {@link StoreEngine} makes a commit durable (on H2, CHECKPOINT SYNC). The other
 * writes survive a crash of the process but may be lost to a power loss: they are steps that are simply done again,
 * under the same idempotency key.
 */
final class GroupCommit {

    /**
     * One write: statements on the shared connection; a thrown SQLException fails only this write. On H2 it is one
     * statement: H2 undoes a failing statement itself and the transaction goes on, so no savepoint is taken there.
     */
    @FunctionalInterface
    interface Write<T> {
        T apply(Connection connection) throws SQLException;
    }

    private final DataSource dataSource;
    private final StoreEngine engine;
    private final ConcurrentLinkedQueue<Queued<?>> queue = new ConcurrentLinkedQueue<>();
    private final ReentrantLock leader = new ReentrantLock();
    /** When the group being committed began ({@link System#nanoTime()}), or null while none is. */
    private volatile Long groupBegan;
    /**
     * Durable groups committed so far (written by the leader alone), and how many of them are synced to disk: a
     * committed row is seen by other connections before its group's sync ends ({@link #awaitSynced}).
     */
    private volatile long durableCommitted;

    private long durableSynced;
    private final Object syncs = new Object();

    GroupCommit(DataSource dataSource, StoreEngine engine) {
        this.dataSource = dataSource;
        this.engine = engine;
    }

    /**
     * Runs the write and returns once it is committed, and on disk when {@code durable}; throws what the write
     * threw, or why the commit failed.
     */
    <T> T run(Write<T> write, boolean durable) throws SQLException {
        Queued<T> mine = new Queued<>(write, durable);
        queue.add(mine);
        leader.lock();
        try {
            if (!mine.done) {
                commitQueued();
            }
        } finally {
            leader.unlock();
        }
        return mine.outcome();
    }

    /**
     * How long the group being committed has taken so far, 0 while none is: a data disk or a database that holds a
     * commit (or the disk sync of a durable one) holds every write behind it (slow-disk audit: a 30 s sync stopped all
     * work, health UP and the log silent).
     */
    long committingMs() {
        Long began = groupBegan;
        return began == null ? 0 : (System.nanoTime() - began) / 1_000_000;
    }

    private void commitQueued() {
        groupBegan = System.nanoTime();
        try {
            commitGroup();
        } finally {
            groupBegan = null;
        }
    }

    private void commitGroup() {
        List<Queued<?>> group = new ArrayList<>();
        for (Queued<?> next; (next = queue.poll()) != null; ) {
            group.add(next);
        }
        try {
            commitTogether(group);
        } catch (RuntimeException | Error e) {
            // not a statement's failure (a driver's bug, an Error): the group is rolled back, and every caller is told,
            // or those the leader's throw left unanswered would find the queue empty and take their rolled-back write
            // for committed (concurrency audit: a source acknowledged with no job stored)
            SQLException failure = new SQLException("the job store's commit failed: " + e, e);
            group.forEach(write -> write.failed(failure));
            if (e instanceof Error) {
                throw e;
            }
        } catch (SQLException e) {
            if (group.size() == 1 || e instanceof NoConnection) {
                // a write on its own has had its own transaction already; running it again would do it twice. With no
                // connection to be had, each on its own would wait for one again (store-failure audit: a group of
                // four inbox files waited five connection timeouts, unlogged)
                for (Queued<?> write : group) {
                    write.failed(NoConnection.unwrapped(e));
                }
                return;
            }
            // the shared commit failed (a lost connection, a deadlock with another instance): give every write its
            // own transaction, so one bad write cannot fail the others
            for (Queued<?> write : group) {
                try {
                    commitTogether(List.of(write));
                } catch (SQLException alone) {
                    write.failed(NoConnection.unwrapped(alone));
                }
            }
        }
    }

    private void commitTogether(List<Queued<?>> group) throws SQLException {
        boolean durable = group.stream().anyMatch(write -> write.durable);
        Connection connection;
        try {
            connection = dataSource.getConnection();
        } catch (SQLException e) {
            throw new NoConnection(e);
        }
        try (Connection c = connection) {
            c.setAutoCommit(false);
            try {
                boolean shared = group.size() > 1;
                boolean savepoints = shared && engine.abortsTransactionOnError();
                for (Queued<?> write : group) {
                    write.runOn(c, shared, savepoints);
                }
                c.commit();
            } catch (Throwable e) {
                // an Error too: H2's setAutoCommit(true) below would commit the half-done group
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
            long number = durable ? ++durableCommitted : 0;
            try {
                flushIfDurable(c, group, durable);
            } finally {
                if (durable) {
                    synced(number);
                }
            }
        }
    }

    /** The durable group {@code number} is on disk, or its sync failed and the next durable group's will carry it. */
    private void synced(long number) {
        synchronized (syncs) {
            durableSynced = Math.max(durableSynced, number);
            syncs.notifyAll();
        }
    }

    /**
     * Returns once every durable group committed so far is synced to disk (on H2 the sync follows the commit; on
     * PostgreSQL the commit is the sync, and this returns at once).
     */
    void awaitSynced() throws InterruptedException {
        long committed = durableCommitted;
        synchronized (syncs) {
            while (durableSynced < committed) {
                syncs.wait();
            }
        }
    }

    /**
     * Committed: answers every caller, after the flush when one of them needs it. A failed flush is not retried
     * write by write (they are committed); each caller is told, so it does not acknowledge its source, and its
     * step is taken again later, finding the committed row.
     */
    private void flushIfDurable(Connection c, List<Queued<?>> group, boolean durable) {
        try {
            engine.afterCommit(c, durable);
        } catch (SQLException e) {
            group.forEach(write -> write.failed(e));
            return;
        }
        group.forEach(Queued::committed);
    }

    private static final class Queued<T> {
        private final Write<T> write;
        private final boolean durable;
        private T result;
        private SQLException failure;
        private volatile boolean done;

        Queued(Write<T> write, boolean durable) {
            this.write = write;
            this.durable = durable;
        }

        void runOn(Connection c, boolean shared, boolean savepoint) throws SQLException {
            failure = null;
            Savepoint before = savepoint ? c.setSavepoint() : null;
            try {
                result = apply(c);
            } catch (SQLException e) {
                if (!shared) {
                    throw e;
                }
                // undo only this write; the group's transaction goes on (PostgreSQL would refuse any further statement)
                if (before != null) {
                    c.rollback(before);
                }
                failure = e;
            }
        }

        /** The write; a bug in it must not leave the group's other callers without an answer. */
        private T apply(Connection c) throws SQLException {
            try {
                return write.apply(c);
            } catch (RuntimeException e) {
                throw new SQLException("write failed: " + e, e);
            }
        }

        void committed() {
            done = true;
        }

        void failed(SQLException e) {
            failure = e;
            done = true;
        }

        T outcome() throws SQLException {
            if (failure != null) {
                throw failure;
            }
            if (!done) {
                throw new SQLException("the write was neither committed nor failed");
            }
            return result;
        }
    }

    /** The store gave no connection: nothing of the group ran. */
    private static final class NoConnection extends SQLException {
        NoConnection(SQLException cause) {
            super(cause.getMessage(), cause.getSQLState(), cause.getErrorCode(), cause);
        }

        /** What the pool said, as its callers always saw it. */
        static SQLException unwrapped(SQLException e) {
            return e instanceof NoConnection ? (SQLException) e.getCause() : e;
        }
    }
}
