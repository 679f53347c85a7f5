package io.profilebridge.delivery;

import io.profilebridge.Json;
import io.profilebridge.Sha256;
import io.profilebridge.api.KeyMask;
import io.profilebridge.jms.ReplyDestination;
import io.profilebridge.job.Job;
import io.profilebridge.job.RequestSource;
import io.profilebridge.job.ResultDocument;
import java.util.Optional;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The headers {@code direct:deliver-result} (routes/deliver-result.camel.yaml) routes on. The body is the
 * result document as JSON text.
 */
public final class ResultHeaders {

    private static final Logger LOG = LoggerFactory.getLogger(ResultHeaders.class);

    /** {@code file} or {@code jms}: results go back the way their request came. */
    public static final String CHANNEL = "bridgeChannel";
    /**
     * For file requests: the result's path below the outbox, mirroring where the request was dropped:
     * {@code <folder>/NAME.json} ({@code NAME.json} for an envelope), under {@code failed/} on failure.
     * {@link ResultFiles} may give it a suffix when another request's result holds that name.
     */
    public static final String RESULT_FILE = "bridgeResultFile";

    public static final String API = "bridgeApi";
    public static final String OUTCOME = "bridgeOutcome";
    /**
     * The request's idempotency key as its result document shows it: a configured API key in it masked (reply-to audit:
     * a caller that sent an API key as its key got it back raw in the result's {@code idempotencyKey} property, the
     * body saying "[API key]"). What the JMS result's property is made of.
     */
    public static final String IDEMPOTENCY_KEY = "bridgeIdempotencyKey";
    /** The request's idempotency key as given, for the store's name claims (never sent). */
    public static final String REQUEST_KEY = "bridgeRequestKey";
    /** The job the result belongs to; absent for a request rejected before it became a job. */
    public static final String JOB_ID = "bridgeJobId";
    /** The request's own name, for log lines. */
    public static final String SOURCE = "bridgeSource";
    /** For JMS requests: the request's JMSReplyTo as a {@link jakarta.jms.Destination}, if it had a usable one. */
    public static final String REPLY_TO = "bridgeReplyTo";
    /** For JMS requests: the correlation id the result carries. */
    public static final String CORRELATION_ID = "bridgeCorrelationId";
    /** For JMS requests: the broker's duplicate-detection id, so a re-send after a crash is dropped. */
    public static final String DUPLICATE_ID = "bridgeDuplicateId";

    private ResultHeaders() {}

    /**
     * A result to send, with what its headers are made of.
     *
     * @param jobId       the job the result belongs to, or null for a request rejected at intake
     * @param duplicateId the broker's duplicate-detection id of a JMS result when it is not the job id: a rejection's
     *                    (derived from its source, request and cause, as requests that share a correlation id are
     *                    still different rejections), or a done job's result sent again to a later request
     */
    public record Result(
            String api,
            String outcome,
            String idempotencyKey,
            RequestSource source,
            String jobId,
            String duplicateId,
            String resultJson) {

        /**
         * The job's API; for a request rejected at intake as naming no API the bridge knows, what its result document
         * names (what the caller named, or {@code unknown}), as the intake's own answer to it says.
         */
        private static String apiOf(Job job) {
            return job.api() != null ? job.api().id() : Json.text(Json.parseStored(job.result()), "api");
        }

        /** A job's own result, to the request it came from. */
        public static Result of(Job job) {
            return new Result(
                    apiOf(job), job.outcome(), job.idempotencyKey(), job.source(), job.id(), null, job.result());
        }

        /**
         * A done job's result, to another request for it (a file dropped again or elsewhere, a later JMS message): its
         * document names that request as its source, and a JMS one has a duplicate id of its own, so the broker does
         * not drop it as a re-send of the job's own result.
         */
        public static Result of(Job job, RequestSource other) {
            return new Result(
                    apiOf(job),
                    job.outcome(),
                    job.idempotencyKey(),
                    other,
                    job.id(),
                    other.isFile() ? null : job.id() + "/" + other.messageId(),
                    ResultDocument.forSource(job.result(), other));
        }
    }

    /**
     * Sets the headers {@code direct:deliver-result} reads, and the document as the body; {@code keyMask} masks the key
     * the result shows as the document's text is masked.
     */
    public static void apply(Message message, Result result, KeyMask keyMask) {
        RequestSource source = result.source();
        message.removeHeaders("*");
        message.setHeader(CHANNEL, source.channel());
        message.setHeader(API, result.api());
        message.setHeader(OUTCOME, result.outcome());
        // every JMS result carries the property (CONTRACT 4): empty for a request refused before any key was used
        // (JMS-backlog audit: the property was missing from those, where the document says null)
        message.setHeader(
                IDEMPOTENCY_KEY,
                result.idempotencyKey() == null ? "" : keyMask.applyToCallerText(result.idempotencyKey()));
        message.setHeader(REQUEST_KEY, result.idempotencyKey());
        message.setHeader(JOB_ID, result.jobId());
        message.setHeader(SOURCE, source.displayName());
        if (source.isFile()) {
            message.setHeader(RESULT_FILE, resultFile(result.api(), result.outcome(), source));
        } else {
            message.setHeader(RESULT_FILE, jmsResultFile(result));
            message.setHeader(CORRELATION_ID, source.resultCorrelationId());
            message.setHeader(DUPLICATE_ID, result.duplicateId() != null ? result.duplicateId() : result.jobId());
            if (source.replyTo() != null) {
                // checked at intake; a value stored before that check goes to the results/failed queue instead
                Optional<String> problem = ReplyDestination.problem(source.replyTo());
                if (problem.isEmpty()) {
                    message.setHeader(REPLY_TO, ReplyDestination.toDestination(source.replyTo()));
                } else {
                    LOG.warn(
                            "Result of {} goes to the default queue, not its JMSReplyTo: {}",
                            source.displayName(),
                            problem.get());
                }
            }
        }
        message.setBody(result.resultJson());
    }

    /**
     * Where a JMS request's result goes should an integrator's route write it to the outbox: {@code jms/<job id>.json}
     * for a job's own result, else named by a digest of its broker duplicate id (a rejection, or another request
     * answered with a done job's result), which is the request's own (routes audit: without a name such results failed
     * at every try, and rejected messages went to the DLQ).
     */
    static String jmsResultFile(Result result) {
        String name = result.duplicateId() == null
                ? result.jobId()
                : Sha256.hex(result.duplicateId()).substring(0, 32);
        String path = "jms/" + name + ".json";
        return ResultDocument.SUCCEEDED.equals(result.outcome()) ? path : "failed/" + path;
    }

    /** Where the request was dropped, below the outbox; jobs recorded before the folder was kept use the API's. */
    static String resultFile(String api, String outcome, RequestSource source) {
        String path = source.folder() == null ? api + "/" + source.fileName() : source.inboxPath();
        return ResultDocument.SUCCEEDED.equals(outcome) ? path : "failed/" + path;
    }
}
