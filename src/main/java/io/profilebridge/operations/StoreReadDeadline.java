package io.profilebridge.operations;

import io.profilebridge.ErrorText;
import io.profilebridge.job.JobStoreException;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The management endpoints' store reads (health, metrics, {@code /jobs}, the status page), each answered within
 * {@code waitMs} or given up as unreadable: the management server answers its requests one after the other, and one
 * read waiting out the pool's 30 s connection timeout held every request behind it (operations audit: during a store
 * outage the liveness probe timed out, so Kubernetes would restart the pod for a database outage, and a scrape lost
 * every series). A read given up goes on on its own thread, at most {@code threads} at once; while all of them are held
 * by reads given up, a read is refused at once. Reads of a store that answers wait for a free thread, within their
 * deadline (jobs-API audit: with no wait, a third read at the same moment was refused, and three clients of
 * {@code /jobs} turned readiness DOWN, "the job store has not answered the reads before this one", on a healthy
 * store). The JDK's executor and futures do it; no library adds more.
 */
public final class StoreReadDeadline implements AutoCloseable {

    /** Reads waiting for a thread, at most: each waits its deadline at most, then leaves the queue. */
    private static final int WAITING_READS = 256;

    private final long waitMs;
    private final int threads;
    private final ThreadPoolExecutor readers;
    /** Reads given up that still hold a thread. */
    private final AtomicInteger heldByReadsGivenUp = new AtomicInteger();
    /** How the last read that ended failed, null after one that answered: what a read given up can name as cause. */
    private volatile String lastFailure;

    public StoreReadDeadline(long waitMs, int threads) {
        this.waitMs = waitMs;
        this.threads = threads;
        AtomicInteger count = new AtomicInteger();
        this.readers = new ThreadPoolExecutor(
                threads, threads, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(WAITING_READS), runnable -> {
                    Thread thread = new Thread(runnable, "management-store-read-" + count.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
        this.readers.allowCoreThreadTimeOut(true);
    }

    /** The read's answer, or a {@link JobStoreException} saying the store did not answer in time. */
    public <T> T read(Callable<T> read) {
        if (heldByReadsGivenUp.get() >= threads) {
            throw busy();
        }
        Outcome outcome = new Outcome();
        Future<T> answer;
        try {
            answer = readers.submit(() -> {
                if (!outcome.started()) {
                    return null; // given up while it waited for a thread: nobody takes its answer
                }
                try {
                    return noted(read);
                } finally {
                    outcome.ended();
                }
            });
        } catch (RejectedExecutionException full) {
            throw busy();
        }
        try {
            return answer.get(waitMs, TimeUnit.MILLISECONDS);
        } catch (TimeoutException late) {
            // a read still waiting for a thread never runs; one running goes on, holding its thread until it ends
            outcome.givenUp();
            throw new JobStoreException("the job store did not answer within " + waitMs + " ms" + lastFailureNamed());
        } catch (ExecutionException failed) {
            throw failed.getCause() instanceof RuntimeException cause
                    ? cause
                    : new JobStoreException("the job store cannot be read", failed.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new JobStoreException("interrupted while reading the job store", e);
        }
    }

    private JobStoreException busy() {
        return new JobStoreException("the job store has not answered the reads before this one" + lastFailureNamed());
    }

    /**
     * Where a read stands, counting the threads held by reads given up (a FutureTask cannot tell one waiting for a
     * thread from one running: both are "new" to it until they end).
     */
    private final class Outcome {
        private static final int WAITING = 0;
        private static final int RUNNING = 1;
        private static final int ENDED = 2;
        private static final int GIVEN_UP_RUNNING = 3;
        private static final int GIVEN_UP_WAITING = 4;

        private final AtomicInteger state = new AtomicInteger(WAITING);

        boolean started() {
            return state.compareAndSet(WAITING, RUNNING);
        }

        void ended() {
            if (!state.compareAndSet(RUNNING, ENDED)) {
                heldByReadsGivenUp.decrementAndGet();
            }
        }

        void givenUp() {
            if (state.compareAndSet(RUNNING, GIVEN_UP_RUNNING)) {
                heldByReadsGivenUp.incrementAndGet();
            } else {
                state.compareAndSet(WAITING, GIVEN_UP_WAITING);
            }
        }
    }

    /**
     * The read, its failure kept: a read given up fails later, on its own thread, with the reason (a refused
     * connection) that the answers given meanwhile could only call "did not answer" (store-outage audits).
     */
    private <T> T noted(Callable<T> read) throws Exception {
        try {
            T value = read.call();
            lastFailure = null;
            return value;
        } catch (Exception e) {
            lastFailure = ErrorText.withRootCause(e);
            throw e;
        }
    }

    private String lastFailureNamed() {
        String failure = lastFailure;
        return failure == null ? "" : "; the last read that ended failed: " + failure;
    }

    @Override
    public void close() {
        readers.shutdownNow();
    }
}
