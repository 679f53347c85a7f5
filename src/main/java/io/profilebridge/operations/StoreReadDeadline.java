package io.profilebridge.operations;

import io.profilebridge.ErrorText;
import io.profilebridge.job.JobStoreException;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The management endpoints' store reads (health, metrics, {@code /jobs}, the status page), each answered within
 * {@code waitMs} or given up as unreadable: the management server answers its requests one after the other, and one
 * read waiting out the pool's 30 s connection timeout held every request behind it (operations audit: during a store
 * outage the liveness probe timed out, so Kubernetes would restart the pod for a database outage, and a scrape lost
 * every series). A read given up goes on on its own thread, at most {@code threads} at once; when all are taken, a
 * read is refused at once. The JDK's executor and futures do it; no library adds more.
 */
public final class StoreReadDeadline implements AutoCloseable {

    private final long waitMs;
    private final ThreadPoolExecutor readers;
    /** How the last read that ended failed, null after one that answered: what a read given up can name as cause. */
    private volatile String lastFailure;

    public StoreReadDeadline(long waitMs, int threads) {
        this.waitMs = waitMs;
        AtomicInteger count = new AtomicInteger();
        this.readers =
                new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS, new SynchronousQueue<>(), runnable -> {
                    Thread thread = new Thread(runnable, "management-store-read-" + count.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
        this.readers.allowCoreThreadTimeOut(true);
    }

    /** The read's answer, or a {@link JobStoreException} saying the store did not answer in time. */
    public <T> T read(Callable<T> read) {
        Future<T> answer;
        try {
            answer = readers.submit(() -> noted(read));
        } catch (RejectedExecutionException busy) {
            throw new JobStoreException(
                    "the job store has not answered the reads before this one" + lastFailureNamed());
        }
        try {
            return answer.get(waitMs, TimeUnit.MILLISECONDS);
        } catch (TimeoutException late) {
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
