package io.profilebridge.intake;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.profilebridge.Json;
import io.profilebridge.api.Api;
import io.profilebridge.api.ApiError;
import io.profilebridge.delivery.ResultHeaders;
import io.profilebridge.job.IdempotencyKeys;
import io.profilebridge.job.Job;
import io.profilebridge.job.JobRoutes;
import io.profilebridge.job.JobState;
import io.profilebridge.job.JobStore;
import io.profilebridge.job.RequestSource;
import io.profilebridge.job.ResultDocument;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Accepts one incoming request: reads it, and either records its job (committed before this returns, so the
 * source may be acknowledged) or turns it into a failed result for {@code direct:deliver-result}, recorded as a
 * failed job too, so that operators count and find rejected requests like any other failure.
 * Sets {@link #VERDICT}: {@code done} when a job is recorded (or already was), {@code failed} when rejected.
 */
public class RequestAcceptance {

    private static final Logger LOG = LoggerFactory.getLogger(RequestAcceptance.class);

    /** Header: where the inbox file goes after intake, {@code .done} or {@code .failed}. */
    public static final String VERDICT = "bridgeVerdict";
    /** Header set by the intake routes: the API of the inbox folder, or the JMS {@code api} property. */
    public static final String API_HINT = "bridgeApi";
    /** Exchange property holding the failed result of a rejected request, delivered on a copy of the exchange. */
    public static final String REJECTION = "bridgeRejection";
    /** JMS string property carrying an explicit key (JMS names cannot carry a dash). */
    public static final String KEY_PROPERTY = "idempotencyKey";

    private final RequestReader reader;
    private final JobStore store;

    public RequestAcceptance(RequestReader reader, JobStore store) {
        this.reader = reader;
        this.store = store;
    }

    public void accept(Exchange exchange) {
        Message in = exchange.getMessage();
        RequestSource source = sourceOf(in);
        Long length = in.getHeader(Exchange.FILE_LENGTH, Long.class);
        byte[] content = length != null && length > reader.maxBytes() ? null : rawBytes(in);
        long size = length != null ? length : content == null ? 0 : content.length;
        ReadRequest read = reader.read(content, size, in.getHeader(API_HINT, String.class),
                in.getHeader(KEY_PROPERTY, String.class), source);

        if (read instanceof ReadRequest.Valid valid) {
            record(exchange, valid);
        } else {
            ReadRequest.Rejected rejected = (ReadRequest.Rejected) read;
            rejectWith(exchange, rejected.api(), rejected.idempotencyKey(), rejected.body(), source, rejected.error());
        }
    }

    private void record(Exchange exchange, ReadRequest.Valid valid) {
        String body = valid.body().toString();
        Job job = new Job(UUID.randomUUID().toString(), valid.api(), valid.idempotencyKey(), JobState.RECEIVED, body,
                IdempotencyKeys.bodyHash(valid.body()), valid.source(), store.now());
        job.nextAttemptAt(store.now());
        JobStore.Registration registration = store.register(job);
        Job recorded = registration.job();
        if (registration.created()) {
            LOG.info("Accepted {} as {} job {} (idempotency key {})", valid.source().displayName(), valid.api(),
                    job.id(), valid.idempotencyKey());
        } else if (!recorded.bodyHash().equals(job.bodyHash())) {
            rejectWith(exchange, valid.api().id(), null, valid.body(), valid.source(), ApiError.of("idempotency_key_reused",
                    "idempotencyKey \"" + valid.idempotencyKey() + "\" already belongs to a request with another body"));
            return;
        } else {
            LOG.info("{} repeats {} job {} (idempotency key {}, {}); nothing new is started",
                    valid.source().displayName(), recorded.api(), recorded.id(), recorded.requestKey(), recorded.state());
        }
        // the later log lines of this exchange (the intake's own) name the job
        exchange.setProperty(JobRoutes.JOB_ID, recorded.id());
        exchange.setProperty(JobRoutes.IDEMPOTENCY_KEY, recorded.requestKey());
        exchange.getMessage().setHeader(VERDICT, "done");
    }

    private void rejectWith(Exchange exchange, String api, String key, JsonNode body, RequestSource source,
            ApiError error) {
        ObjectNode document = ResultDocument.rejected(api, key, body, source, error);
        // the same rejection (same source, request and cause) is the same failed job, however often it arrives
        String jobId = UUID.nameUUIDFromBytes(Json.write(document).getBytes(StandardCharsets.UTF_8)).toString();
        document.put("jobId", jobId);
        String result = Json.write(document);
        Job rejected = Job.rejectedAtIntake(jobId, Api.of(api).orElse(null), body == null ? null : body.toString(),
                source, error.toJson().toString(), result, store.now());
        if (store.recordRejection(rejected)) {
            LOG.warn("Rejected {} as failed job {}: {}: {}", source.displayName(), jobId, error.code(), error.message());
        } else {
            LOG.warn("{} repeats rejected job {}: {}: {}", source.displayName(), jobId, error.code(), error.message());
        }
        exchange.setProperty(JobRoutes.JOB_ID, jobId);
        exchange.setProperty(REJECTION, new Rejection(api, key, source, result));
        exchange.getMessage().setHeader(VERDICT, "failed");
    }

    /** A rejected request's failed result, waiting to be delivered. */
    public record Rejection(String api, String idempotencyKey, RequestSource source, String resultJson) {
    }

    /** Turns the exchange copy that delivers a rejection into a result message for {@code direct:deliver-result}. */
    public void describeRejection(Exchange exchange) {
        Rejection rejection = exchange.getProperty(REJECTION, Rejection.class);
        ResultHeaders.apply(exchange.getMessage(), rejection.api(), ResultDocument.FAILED, rejection.idempotencyKey(),
                rejection.source(), "rejected-" + rejection.source().identity(), rejection.resultJson());
    }

    /** The request as bytes; a JMS TextMessage is text already, and JSON text is UTF-8 whatever the JVM's default. */
    private static byte[] rawBytes(Message in) {
        Object body = in.getBody();
        return body instanceof String text ? text.getBytes(StandardCharsets.UTF_8) : in.getBody(byte[].class);
    }

    static RequestSource sourceOf(Message in) {
        String fileName = in.getHeader(Exchange.FILE_NAME_ONLY, String.class);
        if (fileName != null) {
            return RequestSource.file(fileName);
        }
        return RequestSource.jms(in.getHeader("JMSMessageID", String.class),
                in.getHeader("JMSCorrelationID", String.class), replyDestination(in.getHeader("JMSReplyTo")));
    }

    /** JMSReplyTo as a camel-jms destination name ({@code queue:NAME} or {@code topic:NAME}). */
    private static String replyDestination(Object replyTo) {
        try {
            if (replyTo instanceof jakarta.jms.Queue queue) {
                return "queue:" + queue.getQueueName();
            }
            if (replyTo instanceof jakarta.jms.Topic topic) {
                return "topic:" + topic.getTopicName();
            }
        } catch (jakarta.jms.JMSException e) {
            throw new IllegalStateException("cannot read the JMSReplyTo destination: " + e.getMessage(), e);
        }
        return replyTo == null ? null : "queue:" + replyTo;
    }
}
