package io.profilebridge.intake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.profilebridge.BridgeEvent;
import io.profilebridge.Json;
import io.profilebridge.ReportedOnce;
import io.profilebridge.api.Api;
import io.profilebridge.api.ApiError;
import io.profilebridge.api.FaultClass;
import io.profilebridge.api.KeyMask;
import io.profilebridge.delivery.ResultHeaders;
import io.profilebridge.delivery.ResultQueues;
import io.profilebridge.job.IdempotencyKeys;
import io.profilebridge.job.Job;
import io.profilebridge.job.JobCallers;
import io.profilebridge.job.JobEvent;
import io.profilebridge.job.JobRoutes;
import io.profilebridge.job.JobState;
import io.profilebridge.job.JobStore;
import io.profilebridge.job.LastErrorNotes;
import io.profilebridge.job.RequestSource;
import io.profilebridge.job.ResultDocument;
import io.profilebridge.job.TimeOrderedIds;
import io.profilebridge.job.TraceContext;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.file.GenericFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Accepts one incoming request: reads it, and either records its job (committed before this returns, so the
 * source may be acknowledged) or turns it into a failed result for {@code direct:deliver-result}, recorded as a
 * failed job too, so that operators count and find rejected requests like any other failure. A file dropped again
 * after its job is done gets the stored result again, without any remote call.
 * Sets {@link #VERDICT}: {@code done} when a job is recorded (or already was), {@code failed} when rejected.
 */
public class RequestAcceptance {

    /**
     * The code of a key reused for another body, refused without a call: the one the API's own 409 for it carries
     * (CONTRACT 5: a 409 conflict names the API's code), so a caller matches one code whether this store or the API
     * refused it (contract audit: the bridge's own idempotency_key_reused, the API's answer another). OpenProspect's
     * docs give no codes; its simulator's 409 says idempotency_key_conflict (re-check audit: http_409 here was another
     * code than the simulator's answer).
     */
    static String reusedKeyCode(Api api) {
        return api == Api.ORBIT ? FaultClass.ORBIT_KEY_CONFLICT : "idempotency_key_conflict";
    }

    private static final Logger LOG = LoggerFactory.getLogger(RequestAcceptance.class);

    /** Header: where the inbox file goes after intake, {@code .done} or {@code .failed}. */
    public static final String VERDICT = "bridgeVerdict";
    /** Header: the name the inbox file is kept under in {@code .done} or {@code .failed}. */
    public static final String KEPT_NAME = "bridgeKeptName";

    /** Exchange property: the file is answered already and taken again only to be moved. */
    static final String MOVE_ONLY = "bridgeMoveOnly";
    /** Exchange property: the inbox file as it was read ({@link FileAsRead}). */
    static final String READ_AS = "bridgeFileAsRead";
    /** Header set by the intake routes: the API of the inbox folder, or the JMS {@code api} property. */
    public static final String API_HINT = "bridgeApi";
    /** Header set by the inbox routes: the folder below the inbox they take files from ({@code ""} for the inbox). */
    public static final String INBOX_FOLDER = "bridgeInboxFolder";
    /**
     * Exchange property holding a result to deliver at once (a rejected request's failed result, or a done job's
     * result for a file dropped again), delivered on a copy of the exchange.
     */
    public static final String INTAKE_RESULT = "bridgeIntakeResult";

    /**
     * Set when a JMS request waits for its intake result as a caller of its job, acknowledged: its JMSReplyTo is
     * answered by the later callers' sweep, or the broker refused the result.
     */
    public static final String ANSWERED_LATER = "bridgeAnsweredLater";
    /** Exchange property: the absolute path of the inbox file whose intake result is being delivered. */
    public static final String INBOX_FILE = "bridgeInboxFile";
    /**
     * Exchange property set as a {@code jms:} consumer starts an exchange (jms.JmsMessageKept): the JMS message, which
     * stays the request's source when a step replaces the body (Camel's convertBodyTo also replaces the message).
     */
    public static final String JMS_MESSAGE = "bridgeJmsMessage";
    /** Exchange property: the {@link TraceContext} the request's work continues, when it is traced. */
    static final String TRACE = "bridgeTrace";

    private final RequestReader reader;
    private final JobStore store;
    private final boolean tracing;
    private final JmsRequests jmsRequests;
    private final WaitingFiles waitingFiles;
    private final JobCallers callers;
    private final KeyMask keyMask;
    /** The rejected jobs a repeat was named of at WARN: once per job and process, the later repeats at DEBUG. */
    private final ReportedOnce repeatsNamed = new ReportedOnce();

    /**
     * @param tracing        Camel traces (camel-opentelemetry2): each request's trace context is kept with its job
     * @param reservedQueues the bridge's own queues, which no JMSReplyTo may name (its requests queue, the DLQ)
     * @param waitingFiles   inbox files that wait in the inbox for a job another file started
     */
    public RequestAcceptance(
            RequestReader reader,
            JobStore store,
            boolean tracing,
            Set<String> reservedQueues,
            WaitingFiles waitingFiles,
            JobCallers callers,
            KeyMask keyMask) {
        this.reader = reader;
        this.store = store;
        this.tracing = tracing;
        this.jmsRequests = new JmsRequests(reader, reservedQueues);
        this.waitingFiles = waitingFiles;
        this.callers = callers;
        this.keyMask = keyMask;
    }

    /**
     * Takes the trace context the request's work continues: the {@code traceparent} that Camel's span of
     * {@code direct:accept-request} wrote into the headers, a child of a JMS request's own {@code traceparent}, else
     * the root of a new trace (read from the headers: the inbox routes hand the exchange to another thread, whose
     * current context is not the route's). A step of its own, so the lines {@link #accept} logs carry its trace id.
     */
    public void traceRequest(Exchange exchange) {
        if (tracing) {
            TraceContext.of(exchange.getMessage()).ifPresent(trace -> {
                exchange.setProperty(TRACE, trace);
                exchange.setProperty(JobRoutes.TRACE_ID, trace.traceId());
            });
        }
    }

    public void accept(Exchange exchange)
            throws RequestFileGoneException, RequestWaitsException, RequestReadLaterException {
        Message in = exchange.getMessage();
        GenericFile<?> listed = inboxFile(exchange);
        if (listed != null) {
            Optional<WaitingFiles.Unmoved> unmoved = waitingFiles.takenAgainToMove(
                    listed.getAbsoluteFilePath(), listed.getLastModified(), listed.getFileLength());
            if (unmoved.isPresent()) {
                // answered already: the file consumer only tries the move again (InboxFileErrors); the read lock
                // removes the file's note once it is moved. A note a stopped instance's marker left is of no use to a
                // move, and would outlive the file (lock audit: 22 such notes beside no file)
                in.setHeader(VERDICT, unmoved.get().verdict());
                in.setHeader(KEPT_NAME, unmoved.get().keptName());
                exchange.setProperty(MOVE_ONLY, true);
                waitingFiles.leftBehindSince(Path.of(listed.getAbsoluteFilePath()));
                return;
            }
        }
        String apiHint = blankToNull(in.getHeader(API_HINT, String.class));
        ReadRequest read;
        if (in.getBody() instanceof jakarta.jms.Message jms) {
            read = jmsRequests.read(in, jms, apiHint, null);
        } else if (exchange.getProperty(JMS_MESSAGE) instanceof jakarta.jms.Message jms) {
            // an intake step gave the message a body of its own (convertBodyTo, a transformation): that is the request
            // (routes audit: such requests went to the DLQ with no result)
            read = jmsRequests.read(in, jms, apiHint, ownBody(in));
        } else {
            read = readFile(in, listed, apiHint);
        }

        if (read instanceof ReadRequest.Valid valid) {
            record(exchange, valid);
        } else {
            rejectWith(exchange, (ReadRequest.Rejected) read);
        }
    }

    /**
     * An inbox file, read without following links and only up to the size limit. One that ends before its JSON does
     * and changed only moments ago waits in the inbox for the rest ({@link WaitingFiles}).
     */
    private ReadRequest readFile(Message in, GenericFile<?> listed, String apiHint)
            throws RequestFileGoneException, RequestWaitsException, RequestReadLaterException {
        if (listed == null) {
            throw new IllegalArgumentException("direct:accept-request takes an inbox file (from a file: consumer) or a"
                    + " JMS message (from a jms: consumer); this exchange came from neither");
        }
        // an intake step may have given the file a body of its own (convertBodyTo, a transformation): that is the
        // request then (routes audit: such a body was taken for the file and failed every time)
        RequestBytes file;
        if (in.getBody() instanceof GenericFile<?>) {
            try {
                file = InboxFile.read(listed, reader.maxBytes());
            } catch (UnreadableRequestException e) {
                // answered here, on the intake's path: answered from its error handler, a refused result was an
                // exception inside the handler, an ERROR with two stack traces per file (constrained-host audit)
                return unreadable(in, apiHint, e);
            }
            // after the read: an append between a look before it and the read was read, and is no change (review)
            FileAsRead.of(Path.of(listed.getAbsoluteFilePath()))
                    .ifPresent(read -> in.getExchange().setProperty(READ_AS, read));
        } else {
            file = ownBody(in);
        }
        RequestSource source = fileSource(in);
        ReadRequest read = reader.read(file.bytes(), file.size(), apiHint, null, source);
        if (read instanceof ReadRequest.Rejected
                && file.bytes() != null
                && UnfinishedWrite.endsEarly(file.bytes())
                && waitingFiles.mayStillBeWritten(
                        listed.getAbsoluteFilePath(),
                        listed.getLastModified(),
                        file.size(),
                        System.currentTimeMillis())) {
            LOG.info(
                    "{} ends before its JSON does and changed moments ago: it stays in the inbox for the rest, taken"
                            + " again once it changes (rejected as it stands if unchanged for bridge.inbox.incomplete-ms)",
                    source.displayName());
            throw new RequestWaitsException(source.displayName() + " waits to be completed");
        }
        return read;
    }

    /**
     * The inbox file the exchange was taken from: its body, or, once an intake step gave it another body, the file
     * consumer's own note of it. Null for a JMS message.
     */
    static GenericFile<?> inboxFile(Exchange exchange) {
        return exchange.getMessage().getBody() instanceof GenericFile<?> file
                ? file
                : exchange.getProperty(Exchange.FILE_EXCHANGE_FILE, GenericFile.class);
    }

    /**
     * A body an intake step set, read as the request's bytes: held whole in memory already (a JMS BytesMessage is
     * converted to at most one byte more than the limit, jms.JmsBodies), so only its size is checked here.
     */
    private RequestBytes ownBody(Message in) {
        byte[] bytes = in.getBody(byte[].class);
        return RequestBytes.within(bytes != null ? bytes : new byte[0], reader.maxBytes());
    }

    private void record(Exchange exchange, ReadRequest.Valid valid) throws RequestWaitsException {
        String body = valid.body().toString();
        Job job = new Job(
                TimeOrderedIds.next(store.now()),
                valid.api(),
                valid.idempotencyKey(),
                JobState.RECEIVED,
                body,
                IdempotencyKeys.bodyHash(valid.body()),
                valid.source(),
                store.now());
        job.nextAttemptAt(store.now());
        job.traceContext(exchange.getProperty(TRACE, TraceContext.class));
        JobStore.Registration registration = registered(job);
        Job recorded = registration.job();
        try (JobLogContext named = JobLogContext.of(recorded.id(), IdempotencyKeys.shown(recorded.requestKey()))) {
            Optional<Long> leftBehindSince = valid.source().isFile()
                    ? waitingFiles.leftBehindSince(Path.of(inboxFile(exchange).getAbsoluteFilePath()))
                    : Optional.empty();
            if (registration.created()) {
                LOG.debug(
                        "Accepted {} as {} job {} (idempotency key {})",
                        valid.source().displayName(),
                        valid.api(),
                        job.id(),
                        IdempotencyKeys.shown(valid.idempotencyKey()));
            } else if (!recorded.bodyHash().equals(job.bodyHash())) {
                // the result names the key it is about (the document and the JMS property), so the caller can match it
                rejectWith(
                        exchange,
                        valid.api().id(),
                        valid.idempotencyKey(),
                        valid.body(),
                        valid.source(),
                        ApiError.of(
                                reusedKeyCode(valid.api()),
                                Objects.requireNonNullElse(valid.keyField(), "idempotencyKey") + " \""
                                        + IdempotencyKeys.shown(valid.idempotencyKey())
                                        + "\" already belongs to a request with another body, so it was not sent:"
                                        + " the API answers such a request 409"
                                        + (recorded.mayYetFailWithoutARun()
                                                ? ", not started yet: should it fail before the API accepts a run,"
                                                        + " another body may take the key over"
                                                : "")));
                return;
            } else if (recorded.state().isFinal()
                    && leftBehindSince
                            .filter(markedAt -> sameTake(markedAt, recorded))
                            .isPresent()
                    && Objects.equals(
                            valid.source().inboxPath(), recorded.source().inboxPath())) {
                // the same drop, whose taking in a stopped instance cut short after the commit: the job has
                // delivered its result (lifecycle audit: after a SIGKILL during intake such files got a second result
                // 60 s later)
                LOG.info(
                        "{} is the request of {} job {} (idempotency key {}), whose taking in was cut short by a stop after"
                                + " its job was accepted; the job is done and its result delivered: the file is moved,"
                                + " with no second result",
                        valid.source().displayName(),
                        recorded.api(),
                        recorded.id(),
                        IdempotencyKeys.shown(recorded.requestKey()));
            } else if (recorded.state().isFinal() && asksAgainAfterResult(valid.source(), recorded.source())) {
                // the caller asked again (its result was taken away or lost, or is wanted where this copy came from)
                LOG.info(
                        "{} repeats {} job {} (idempotency key {}), which is done; its result is delivered again, with"
                                + " no remote call",
                        valid.source().displayName(),
                        recorded.api(),
                        recorded.id(),
                        IdempotencyKeys.shown(recorded.requestKey()));
                exchange.setProperty(INTAKE_RESULT, ResultHeaders.Result.of(recorded, valid.source()));
            } else if (valid.source().isFile()
                    && !Objects.equals(
                            valid.source().inboxPath(), recorded.source().inboxPath())) {
                // dropped elsewhere than the running job's own file: it needs a result of its own where it was dropped,
                // and the job's is not known yet
                GenericFile<?> file = inboxFile(exchange);
                if (waitingFiles.waitFor(
                        file.getAbsoluteFilePath(), file.getLastModified(), file.getFileLength(), recorded.id())) {
                    LOG.info(
                            "{} repeats {} job {} (idempotency key {}), which {} started and is still running: it stays"
                                    + " in the inbox and gets that job's result once it is done, with no second run",
                            valid.source().displayName(),
                            recorded.api(),
                            recorded.id(),
                            IdempotencyKeys.shown(recorded.requestKey()),
                            recorded.source().displayName());
                }
                throw new RequestWaitsException(valid.source().displayName() + " waits for job " + recorded.id());
            } else if (!valid.source().isFile() && asksAgain(valid.source(), recorded.source())) {
                // another JMS message (a caller's retry, often to a new reply queue): it is answered too once the
                // job is done (delivery.LaterCallersRoute); false when a message to the same reply destination and
                // correlation id waits already (a redelivery, or one more retry there): the one result to come answers
                // both
                boolean added = callers.add(recorded.id(), valid.source());
                LOG.info(
                        "{} repeats {} job {} (idempotency key {}), which is still running: {}, with no second run",
                        valid.source().displayName(),
                        recorded.api(),
                        recorded.id(),
                        IdempotencyKeys.shown(recorded.requestKey()),
                        added
                                ? "it gets that job's result once it is done"
                                : "the result already waited for at its reply destination answers it");
            } else {
                LOG.info(
                        "{} repeats {} job {} (idempotency key {}, {}); nothing new is started",
                        valid.source().displayName(),
                        recorded.api(),
                        recorded.id(),
                        IdempotencyKeys.shown(recorded.requestKey()),
                        recorded.state());
            }
        }
        // the later log lines of this exchange (the intake's own) name the job
        exchange.setProperty(JobRoutes.JOB_ID, recorded.id());
        exchange.setProperty(JobRoutes.IDEMPOTENCY_KEY, IdempotencyKeys.shown(recorded.requestKey()));
        setVerdict(exchange, "done", recorded.id());
    }

    /**
     * Whether a take that a stop cut short, begun at {@code markedAt} (its marker's date), is the take that recorded
     * the job: it began before the job was recorded, give or take a file server's clock skew, and before the job
     * ended. A later one is the same file dropped again after the result, which gets that result again (contract
     * audit: a stop during such a take moved the file to .done with no result).
     */
    private static boolean sameTake(long markedAt, Job recorded) {
        long madeJobBy = recorded.createdAt() + InboxFileFilter.MAX_CLOCK_SKEW_MS;
        Long finished = recorded.finishedAt();
        return markedAt <= (finished == null ? madeJobBy : Math.min(madeJobBy, finished));
    }

    /**
     * Of a job whose result is out: a file dropped again, or any JMS message but the one the job came from (which the
     * broker may redeliver). A caller that sends again to the same reply queue under the same correlation id after its
     * own timeout may well have let the first result go (idempotency audit: it waited for ever); a second copy under
     * the same correlation id costs it nothing. A message that wants its result elsewhere (another reply destination or
     * correlation id) is another ask whatever its message id: one sent without (ids disabled) had been taken for the
     * broker redelivering the first, and got no result (JMS cluster audit).
     */
    private static boolean asksAgainAfterResult(RequestSource now, RequestSource recorded) {
        return now.isFile()
                || !now.sameReplyAs(recorded)
                || (now.messageId() != null && !now.messageId().equals(recorded.messageId()));
    }

    /**
     * Of a job still running: a file dropped again, or another JMS message that wants the result where the job's own
     * result does not go (a
     * caller's retry to a new reply queue, or under another correlation id with the same explicit key). Not the
     * broker redelivering the message the job came from, nor a repeat to the same reply queue and correlation id:
     * the job's one result, still to come, answers those.
     */
    private static boolean asksAgain(RequestSource now, RequestSource recorded) {
        return asksAgainAfterResult(now, recorded) && (now.isFile() || !now.sameReplyAs(recorded));
    }

    /**
     * An inbox file that could not be read: its failed result names the cause, never the content, and the file moves to
     * {@code .failed/}. Kept for route files written before the intake answered such a file itself ({@link #readFile}):
     * their inbox-errors handles {@link UnreadableRequestException} with {@code direct:reject-unreadable-request}.
     */
    public void rejectUnreadable(Exchange exchange) {
        Message in = exchange.getMessage();
        rejectWith(
                exchange,
                unreadable(
                        in,
                        blankToNull(in.getHeader(API_HINT, String.class)),
                        exchange.getProperty(Exchange.EXCEPTION_CAUGHT, UnreadableRequestException.class)));
    }

    /** The refusal of an inbox file that cannot be read: it names the cause, never the content. */
    private static ReadRequest.Rejected unreadable(Message in, String apiHint, UnreadableRequestException cause) {
        return new ReadRequest.Rejected(
                apiHint == null ? "unknown" : apiHint,
                null,
                null,
                fileSource(in),
                ApiError.of("request_unreadable", cause.getMessage()));
    }

    private void rejectWith(Exchange exchange, ReadRequest.Rejected rejected) {
        rejectWith(
                exchange,
                rejected.api(),
                rejected.idempotencyKey(),
                rejected.body(),
                rejected.source(),
                rejected.error());
    }

    private void rejectWith(
            Exchange exchange, String api, String key, JsonNode body, RequestSource source, ApiError cause) {
        // a refusal's message may quote the request (the parser names the token it could not read): a key in a file
        // dropped by mistake reached the result and /jobs (black-box audit; the log's lines are masked by Log4j)
        ApiError error = new ApiError(
                cause.code(), keyMask.applyToCallerText(cause.message()), cause.httpStatus(), cause.details());
        ObjectNode document = ResultDocument.rejected(api, key, body, source, error);
        String jobId = document.get("jobId").asText();
        TraceContext trace = exchange.getProperty(TRACE, TraceContext.class);
        document.put(ResultDocument.TRACE_ID, trace == null ? null : trace.traceId());
        // the request and the caller's key are echoed as given, but for a configured API key in them
        String result = keyMask.applyToCallerText(Json.write(document));
        Job rejected = Job.rejectedAtIntake(
                jobId,
                Api.of(api).orElse(null),
                body == null ? null : keyMask.applyToCallerText(body.toString()),
                source,
                error.toJson().toString(),
                result,
                store.now());
        rejected.traceContext(trace);
        String delivered = result;
        try (JobLogContext named = JobLogContext.of(jobId, key == null ? null : IdempotencyKeys.shown(key))) {
            if (store.recordRejection(rejected)) {
                // counted once, here: a repeat of the request, or its result delivered again, is no new rejection
                BridgeEvent.publish(
                        exchange.getContext(),
                        new JobEvent(
                                JobEvent.Kind.REJECTED,
                                rejected.api(),
                                ResultDocument.FAILED,
                                rejected.createdAt(),
                                rejected.createdAt()));
                LOG.warn(
                        "Rejected {} as failed job {}: {}: {}",
                        source.displayName(),
                        jobId,
                        error.code(),
                        error.message());
            } else {
                // a repeat gets the document as first written, whose traceId is the trace that rejected it, as a
                // repeated job's does (observability audit: each repeat's result named its own trace)
                delivered = store.findById(jobId).map(Job::result).orElse(result);
                if (repeatsNamed.first(jobId)) {
                    LOG.warn(
                            "{} repeats rejected job {}: {}: {}",
                            source.displayName(),
                            jobId,
                            error.code(),
                            error.message());
                } else {
                    // a file whose result cannot be written is read again every undelivered-wait; the delivery's
                    // own WARN says so, once a minute (hostile-files audit: two WARN lines per file every 10 s)
                    LOG.debug("{} repeats rejected job {} again", source.displayName(), jobId);
                }
            }
        }
        exchange.setProperty(JobRoutes.JOB_ID, jobId);
        // delivered as a result with no job of its own: its file is owned by its job id, which its content names
        // (delivery.ResultFiles)
        exchange.setProperty(
                INTAKE_RESULT,
                new ResultHeaders.Result(
                        api, ResultDocument.FAILED, key, source, null, "rejected-" + jobId, delivered));
        setVerdict(exchange, "failed", jobId);
    }

    /**
     * A JMS request with a JMSReplyTo gets its intake result (its rejection, or its done job's result) from the later
     * callers' sweep (delivery.LaterCallersRoute), within a second, not from the consumer's thread: the reply address is
     * the caller's, and one the broker holds (full under address-full-policy BLOCK, which has no timeout) held the
     * consumer in the send. Four such requests stopped the intake of every caller, and a stop waited for them for good
     * (hold audit). Sets {@link #ANSWERED_LATER} then.
     */
    public void leaveReplyToTheSweep(Exchange exchange) {
        ResultHeaders.Result result = exchange.getProperty(INTAKE_RESULT, ResultHeaders.Result.class);
        String jobId = exchange.getProperty(JobRoutes.JOB_ID, String.class);
        if (result == null
                || jobId == null
                || result.source().isFile()
                || result.source().replyTo() == null) {
            return;
        }
        boolean added = callers.add(jobId, result.source());
        if (store.findById(jobId).isEmpty()) {
            // removed by bridge.store.keep-finished-days between its reading and the caller's record: the request is
            // taken in again (a new job under its key), not acknowledged with no one to answer it (retention audit)
            callers.remove(jobId, result.source());
            throw new IllegalStateException(
                    "job " + jobId + ", which " + result.source().displayName()
                            + " repeats, was removed as finished long ago while it was taken in; it is taken in again");
        }
        exchange.setProperty(ANSWERED_LATER, true);
        LOG.debug(
                "{} is answered at its JMSReplyTo by the later callers' sweep{}",
                result.source().displayName(),
                added ? "" : " (a result already waited for there answers it)");
    }

    /**
     * The intake result of an inbox file could not be delivered (after deliver-intake-result's quick tries): the file
     * stays in the inbox and waits before it is taken again. A JMS request's transaction rolls back instead, and the
     * broker's redelivery delay paces it; but for a result the broker itself refused at the results or failed queue
     * (full under address-full-policy FAIL, not writable, missing), which no redelivery within seconds would change:
     * the request is recorded as a caller of its job, answered once the broker takes results there
     * (delivery.LaterCallersRoute), and acknowledged (delivery audit: such requests used up their redeliveries in a
     * quarter of a second, and went to the dead-letter queue with no result, or were dropped by a broker with none).
     * Sets {@link #ANSWERED_LATER} then.
     */
    public void resultNotDelivered(Exchange exchange) {
        // the inbox filter's key, GenericFile.getAbsoluteFilePath(), as noted before the delivery (its headers are
        // the delivery's by now)
        String path = exchange.getProperty(INBOX_FILE, String.class);
        if (path != null) {
            waitingFiles.waitAfterUndeliveredResult(path, System.currentTimeMillis());
            return;
        }
        ResultHeaders.Result result = exchange.getProperty(INTAKE_RESULT, ResultHeaders.Result.class);
        String jobId = exchange.getProperty(JobRoutes.JOB_ID, String.class);
        Optional<String> refusal =
                ResultQueues.refusal(exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class));
        if (result == null || jobId == null || result.source().isFile() || refusal.isEmpty()) {
            return;
        }
        boolean added = callers.add(jobId, result.source());
        exchange.setProperty(ANSWERED_LATER, true);
        LOG.warn(
                "The broker refuses the result of {} ({}): the request is taken, and answered once the broker takes"
                        + " it{}",
                result.source().displayName(),
                refusal.get(),
                added ? "" : " (a result already waited for there answers it)");
    }

    /**
     * The job {@code job}'s request is: itself, newly recorded; the job of its key and body; or, when the key's holder
     * has another body, the job of this body that held the key before (a request whose key another body took over is
     * still that job's, done: review, dropped again it was refused as a reused key) or, when the holder failed without
     * a run, {@code job} taking the key over, for the API to judge (names audit: a corrected body under the same
     * requestId was refused here, though the API took it). Two passes at most: a takeover that lost to a racing one
     * finds the winner's job.
     */
    private JobStore.Registration registered(Job job) {
        JobStore.Registration registration = store.register(job);
        for (int pass = 1; ; pass++) {
            Job holder = registration.job();
            if (registration.created() || holder.bodyHash().equals(job.bodyHash())) {
                return registration;
            }
            Optional<Job> before = store.findReleased(job.api(), job.requestKey(), job.bodyHash());
            if (before.isPresent()) {
                return new JobStore.Registration(before.get(), false);
            }
            if (!holder.failedWithoutARun() || pass == 2) {
                return registration;
            }
            LastErrorNotes.takesOverKeyOf(job, holder);
            if (store.takeOver(holder, job)) {
                LOG.info(
                        "{} takes over idempotency key {} from {} job {}, which failed without a run of the API: it is"
                                + " sent under that key, for the API to judge",
                        job.source().displayName(),
                        IdempotencyKeys.shown(holder.requestKey()),
                        holder.api(),
                        holder.id());
                return new JobStore.Registration(job, true);
            }
            registration = store.register(job);
        }
    }

    /**
     * Where an inbox file goes: {@code .done/} or {@code .failed/} beside it, under its own name ({@link #KEPT_NAME}),
     * or {@code NAME.<id>.json} when that name holds an earlier drop's original already, which is kept too; and
     * {@code NAME.<id>.2.json}, {@code .3}, ... when that one is taken as well (hostile-input audit: the same file
     * dropped a third time, for the same job, overwrote the second drop's original).
     */
    private static void setVerdict(Exchange exchange, String verdict, String id) {
        Message in = exchange.getMessage();
        in.setHeader(VERDICT, verdict);
        String path = in.getHeader(Exchange.FILE_PATH, String.class);
        String name = in.getHeader(Exchange.FILE_NAME_ONLY, String.class);
        if (path == null || name == null) {
            return;
        }
        Path kept = Path.of(path).resolveSibling("." + verdict);
        int dot = name.lastIndexOf('.');
        String stem = dot > 0 ? name.substring(0, dot) : name;
        String extension = dot > 0 ? name.substring(dot) : "";
        String candidate = name;
        for (int copy = 1; Files.exists(kept.resolve(candidate), LinkOption.NOFOLLOW_LINKS); copy++) {
            candidate = stem + "." + id + (copy == 1 ? "" : "." + copy) + extension;
        }
        in.setHeader(KEPT_NAME, candidate);
        reportChangedSinceRead(exchange, verdict, candidate);
    }

    /**
     * A file written over, or put in the place of, the one read is moved with it, unread: said so, with what to do
     * (hostile-files audit: its request went unanswered without a word).
     */
    static void reportChangedSinceRead(Exchange exchange, String verdict, String keptName) {
        FileAsRead read = exchange.getProperty(READ_AS, FileAsRead.class);
        GenericFile<?> listed = inboxFile(exchange);
        if (read == null || listed == null) {
            return;
        }
        Optional<FileAsRead> now = FileAsRead.of(Path.of(listed.getAbsoluteFilePath()));
        if (now.isPresent() && !now.get().equals(read)) {
            LOG.warn(
                    "{} changed while it was taken in: its result answers the request as read ({} bytes); what the"
                            + " file holds now ({} bytes) goes to .{}/{} with it, unread. Drop that request again to"
                            + " send it, and write a name only once the inbox no longer holds it",
                    listed.getFileNameOnly(),
                    read.size(),
                    now.get().size(),
                    verdict,
                    keptName);
        }
    }

    /** Turns the exchange copy that delivers an intake result into a message for {@code direct:deliver-result}. */
    public void describeIntakeResult(Exchange exchange) {
        ResultHeaders.apply(
                exchange.getMessage(), exchange.getProperty(INTAKE_RESULT, ResultHeaders.Result.class), keyMask);
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    private static RequestSource fileSource(Message in) {
        return RequestSource.file(
                in.getHeader(INBOX_FOLDER, String.class), in.getHeader(Exchange.FILE_NAME_ONLY, String.class));
    }
}
