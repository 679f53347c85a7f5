package io.profilebridge.api;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.Arrays;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.apache.camel.component.http.HttpClientConfigurer;
import org.apache.hc.client5.http.classic.ExecChain;
import org.apache.hc.client5.http.classic.ExecChainHandler;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.apache.hc.core5.concurrent.Cancellable;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.io.entity.HttpEntityWrapper;

/**
 * Every API call gets an overall deadline and a cap on the bytes it reads. camel-http's timeouts count per read,
 * so an answer trickled a byte at a time never trips them, and it reads a body whole. This is the outermost step of
 * HttpClient's execution chain (installed through camel-http's {@link HttpClientConfigurer}): at the deadline it
 * aborts the call's connection wherever the call is (connecting, waiting for the head, reading the body), and it
 * counts the body's bytes as they are read, after any decompression; of an error answer it reads only the start
 * ({@link #readErrorStart}). Written here because HttpClient 5 offers
 * per-read timeouts only; the abort is its own {@link Cancellable} request.
 */
public final class ApiCallLimits implements HttpClientConfigurer, ExecChainHandler, AutoCloseable {

    /** The call did not complete within its overall deadline. */
    public static final class DeadlineExceeded extends InterruptedIOException {
        DeadlineExceeded(long deadlineMs) {
            super("no complete answer within " + deadlineMs
                    + " ms (bridge.http.deadline-ms); the connection was closed");
        }
    }

    /** The answer was longer than the bridge reads. */
    public static final class AnswerTooLarge extends IOException {
        /**
         * {@code status}: the answer's HTTP status, which says whether the API took the call (HTTP-wire audit: a 202
         * whose body ran past the cap was given up as though no creation had been accepted).
         */
        AnswerTooLarge(int status, long maxBytes) {
            super("the HTTP " + status + " answer is larger than " + maxBytes + " bytes (bridge.http.max-answer-bytes);"
                    + " it was not read further and the connection was closed");
        }
    }

    /** Header the bridge puts on an error answer it read only the start of: how many bytes it read. */
    public static final String ANSWER_CUT = "X-Profile-Bridge-Answer-Cut";

    /**
     * How late the deadline's timer may run before it is taken for a process that stood still (a SIGSTOP, a suspended
     * VM or container, a long GC pause) rather than a slow API: far more than a loaded host delays a timer.
     */
    public static final long STALL_MS = 1000;

    /** The time a call's answer gets after such a stall to be read from the socket, where it may be waiting whole. */
    public static final long GRACE_AFTER_STALL_MS = 2000;

    private final long deadlineMs;
    private final long maxAnswerBytes;
    private final ScheduledThreadPoolExecutor timer;
    private final LongSupplier nanoTime;

    public ApiCallLimits(long deadlineMs, long maxAnswerBytes) {
        this(deadlineMs, maxAnswerBytes, deadlineTimer(), System::nanoTime);
    }

    ApiCallLimits(long deadlineMs, long maxAnswerBytes, ScheduledThreadPoolExecutor timer, LongSupplier nanoTime) {
        this.deadlineMs = deadlineMs;
        this.maxAnswerBytes = maxAnswerBytes;
        this.timer = timer;
        this.nanoTime = nanoTime;
    }

    private static ScheduledThreadPoolExecutor deadlineTimer() {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "api-call-deadlines");
            thread.setDaemon(true);
            return thread;
        });
        // a call that ends in time cancels its abort; do not keep thousands of cancelled ones queued
        timer.setRemoveOnCancelPolicy(true);
        return timer;
    }

    @Override
    public void configureHttpClient(HttpClientBuilder builder) {
        builder.addExecInterceptorFirst("profile-bridge-call-limits", this);
    }

    @Override
    public ClassicHttpResponse execute(ClassicHttpRequest request, ExecChain.Scope scope, ExecChain chain)
            throws IOException, HttpException {
        Call call = new Call(scope);
        ClassicHttpResponse response;
        try {
            response = chain.proceed(request, scope);
        } catch (IOException e) {
            call.end();
            throw call.explain(e);
        } catch (HttpException | RuntimeException e) {
            call.end();
            throw e;
        }
        HttpEntity entity = response.getEntity();
        // the bridge's own mark, never the API's
        response.removeHeaders(ANSWER_CUT);
        if (entity == null) {
            call.end();
        } else if (response.getCode() < 200 || response.getCode() >= 300) {
            readErrorStart(response, entity, call);
        } else if (entity.getContentLength() > maxAnswerBytes) {
            call.abort();
            throw new AnswerTooLarge(response.getCode(), maxAnswerBytes);
        } else {
            call.status = response.getCode();
            response.setEntity(new LimitedEntity(entity, call));
        }
        return response;
    }

    /**
     * An error answer is read up to {@link ErrorBody#MAX_READ_BYTES}, however long it is: its code and message come
     * first, and a long one must not turn the API's answer (a 400 naming its code) into a transport error. A longer
     * one is cut there, its connection closed, and the answer marked {@link #ANSWER_CUT}.
     */
    private void readErrorStart(ClassicHttpResponse response, HttpEntity entity, Call call) throws IOException {
        // one byte below the read cap at most: the byte read past the limit, to learn whether the answer goes on,
        // counts against the cap too (review: at the 64 KiB minimum a long 422 became "the HTTP 0 answer is larger")
        int limit = (int) Math.min(ErrorBody.MAX_READ_BYTES, maxAnswerBytes - 1);
        InputStream in = new LimitedStream(entity.getContent(), call);
        byte[] start = in.readNBytes(limit + 1);
        if (start.length > limit) {
            // the rest is never read: the connection is closed instead of drained back into the pool
            call.abort();
            start = Arrays.copyOf(start, limit);
            response.setHeader(ANSWER_CUT, Integer.toString(limit));
        } else {
            in.close();
        }
        response.setEntity(new ByteArrayEntity(
                start, entity.getContentType() == null ? null : ContentType.parseLenient(entity.getContentType())));
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }

    /** One call: its scheduled abort, and the bytes read of its answer so far. */
    private final class Call {
        private final Cancellable connection;
        private final long startedNanos = nanoTime.getAsLong();
        private ScheduledFuture<?> deadline;
        private boolean ended;
        private boolean graced;
        private volatile boolean expired;
        private long bytesRead;
        /** The status of the answer whose body is read. */
        private int status;

        Call(ExecChain.Scope scope) {
            // camel-http's request is cancellable; cancelling it closes the connection it holds
            this.connection = scope.originalRequest instanceof Cancellable cancellable
                    ? cancellable
                    : () -> {
                        scope.execRuntime.discardEndpoint();
                        return true;
                    };
            synchronized (this) {
                this.deadline = timer.schedule(this::expire, deadlineMs, TimeUnit.MILLISECONDS);
            }
        }

        /**
         * The deadline's timer ran. Should it run a stall late, the time went by while this process stood still, not
         * while the API was slow: the call gets a short grace to read what arrived meanwhile (misfire audit: a 429
         * answered during a 40 s SIGSTOP was cut unread at the resume, its Retry-After lost, and the bucket's next
         * call went out inside its window).
         */
        private synchronized void expire() {
            if (ended) {
                return;
            }
            long lateNanos = nanoTime.getAsLong() - startedNanos - TimeUnit.MILLISECONDS.toNanos(deadlineMs);
            if (!graced && lateNanos > TimeUnit.MILLISECONDS.toNanos(STALL_MS)) {
                graced = true;
                deadline = timer.schedule(this::expire, GRACE_AFTER_STALL_MS, TimeUnit.MILLISECONDS);
                return;
            }
            expired = true;
            connection.cancel();
        }

        synchronized void end() {
            ended = true;
            deadline.cancel(false);
        }

        void abort() {
            end();
            connection.cancel();
        }

        void read(long bytes) throws AnswerTooLarge {
            bytesRead += bytes;
            if (bytesRead > maxAnswerBytes) {
                abort();
                throw new AnswerTooLarge(status, maxAnswerBytes);
            }
        }

        /**
         * What failed: the deadline (which closed the connection), or the failure itself. A failure once the deadline
         * has passed is the deadline's too: camel-http's read timeout is the deadline as well, and on a busy host it
         * can fire before the deadline's timer thread runs.
         */
        IOException explain(IOException failure) {
            boolean pastDeadline = nanoTime.getAsLong() - startedNanos >= TimeUnit.MILLISECONDS.toNanos(deadlineMs);
            if (!expired && !pastDeadline) {
                return failure;
            }
            DeadlineExceeded exceeded = new DeadlineExceeded(deadlineMs);
            exceeded.initCause(failure);
            return exceeded;
        }
    }

    /** The answer's body, read through a counting stream. */
    private static final class LimitedEntity extends HttpEntityWrapper {
        private final Call call;
        private InputStream content;

        LimitedEntity(HttpEntity wrapped, Call call) {
            super(wrapped);
            this.call = call;
        }

        @Override
        public synchronized InputStream getContent() throws IOException {
            if (content == null) {
                content = new LimitedStream(super.getContent(), call);
            }
            return content;
        }
    }

    private static final class LimitedStream extends FilterInputStream {
        private final Call call;

        LimitedStream(InputStream in, Call call) {
            super(in);
            this.call = call;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n;
            try {
                n = in.read(buffer, offset, length);
            } catch (IOException e) {
                call.end();
                throw call.explain(e);
            }
            if (n < 0) {
                call.end();
            } else {
                call.read(n);
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            byte[] discard = new byte[(int) Math.min(n, 8192)];
            int read = read(discard, 0, discard.length);
            return Math.max(0, read);
        }

        @Override
        public void close() throws IOException {
            call.end();
            super.close();
        }
    }
}
