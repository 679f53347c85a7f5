package io.profilebridge.openprospect;

import com.fasterxml.jackson.databind.JsonNode;
import io.profilebridge.ErrorText;
import io.profilebridge.Json;
import io.profilebridge.ReportedOnce;
import io.profilebridge.api.Api;
import io.profilebridge.api.ApiAnswer;
import io.profilebridge.api.ApiCredentials;
import io.profilebridge.api.ApiError;
import io.profilebridge.api.ApiRequest;
import io.profilebridge.api.PathSegment;
import io.profilebridge.job.Job;
import io.profilebridge.job.JobLifecycle;
import io.profilebridge.job.JobLifecycle.KeyRenewal;
import io.profilebridge.job.JobRoutes;
import java.util.Map;
import java.util.Set;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.http.HttpMethods;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * OpenProspect search-profile creation: {@code POST /api/v1/search-profile-creations} with the job's key as
 * {@code Idempotency-Key}, then {@code GET .../{profile_creation_id}} (percent-encoded) until SUCCEEDED or FAILED.
 * A FAILED run is started again under a derived key as often as configured (the docs: "retry with a new
 * idempotency key").
 */
public class OpenProspectRoutes extends RouteBuilder {

    /** The path every call's URL begins with after the configured API root. */
    public static final String PATH = "/api/v1";

    static final String CREATIONS = PATH + "/search-profile-creations";

    private static final Logger LOG = LoggerFactory.getLogger(OpenProspectRoutes.class);

    /** The statuses the docs give a creation: "exactly one of". */
    private static final Set<String> DOCUMENTED_STATUSES = Set.of("PENDING", "RUNNING", "SUCCEEDED", "FAILED");

    private final ApiCredentials credentials;
    private final JobLifecycle lifecycle;
    private final ReportedOnce undocumented = new ReportedOnce();

    public OpenProspectRoutes(ApiCredentials credentials, JobLifecycle lifecycle) {
        this.credentials = credentials;
        this.lifecycle = lifecycle;
    }

    @Override
    public void configure() {
        from("direct:submit-openprospect")
                .routeId("submit-openprospect")
                .process(this::prepareCreate)
                .to("direct:call-openprospect")
                .process(this::onCreateAnswer);

        from("direct:poll-openprospect")
                .routeId("poll-openprospect")
                .process(this::prepareStatusRead)
                .to("direct:call-openprospect")
                .process(this::onStatusAnswer);
    }

    private void prepareCreate(Exchange exchange) {
        Job job = JobRoutes.job(exchange);
        ApiRequest.prepare(
                exchange,
                credentials,
                Api.OPENPROSPECT,
                HttpMethods.POST,
                CREATIONS,
                job.requestBody(),
                Map.of("Idempotency-Key", job.idempotencyKey()));
    }

    private void onCreateAnswer(Exchange exchange) {
        Job job = JobRoutes.job(exchange);
        ApiAnswer answer = ApiAnswer.from(exchange);
        String creationId = answer.isSuccess() ? Json.id(answer.body(), "profile_creation_id") : null;
        if (creationId != null && !PathSegment.isUsableAndStorable(creationId)) {
            lifecycle.failed(job, PathSegment.unusableId("profile_creation_id"));
        } else if (creationId != null) {
            lifecycle.accepted(job, creationId, answer.body(), answer.retryAfter());
            onStatus(job, answer);
        } else if (answer.isSuccess()) {
            // the creation may stand all the same: the same Idempotency-Key finds it again
            lifecycle.unexpectedAnswer(
                    job, ApiError.unexpected(answer, "the create answer", "has no profile_creation_id"));
        } else {
            lifecycle.fault(job, answer, KeyRenewal.HEADER_ONLY);
        }
    }

    private void prepareStatusRead(Exchange exchange) {
        Job job = JobRoutes.job(exchange);
        ApiRequest.get(exchange, credentials, Api.OPENPROSPECT, CREATIONS + "/" + PathSegment.encode(job.remoteId()));
    }

    private void onStatusAnswer(Exchange exchange) {
        Job job = JobRoutes.job(exchange);
        ApiAnswer answer = ApiAnswer.from(exchange);
        if (!answer.isSuccess()) {
            lifecycle.fault(job, answer, KeyRenewal.HEADER_ONLY);
            return;
        }
        if (lifecycle.noStatusIn(job, answer)
                || lifecycle.aboutAnotherRun(job, answer, "profile_creation_id", job.remoteId(), true)) {
            return;
        }
        if (!onStatus(job, answer)) {
            lifecycle.stillRunning(job, answer.body(), answer.retryAfter());
        }
    }

    /**
     * A status besides the four the docs list is polled on as running, the API judging when the run ends (it may be a
     * status added since), and named once per status, with the first job it came for (API-doc audit: a lower-case
     * "succeeded" was polled every 2 s for up to a day without a word; review: a status added would give a line per job).
     */
    private void reportUndocumented(Job job, String state) {
        if (state != null && !DOCUMENTED_STATUSES.contains(state) && undocumented.first(state)) {
            String shown = ErrorText.shortened(state, 64);
            LOG.warn(
                    "OpenProspect answered {} with status \"{}\", which its docs do not list (PENDING, RUNNING,"
                            + " SUCCEEDED, FAILED): it is polled on as running until it ends or"
                            + " bridge.retry.max-age-ms, as is any other job so answered (named here once)",
                    job,
                    shown);
        }
    }

    /**
     * SUCCEEDED and FAILED end the run; PENDING, RUNNING and anything unknown mean "poll again" (false). A SUCCEEDED
     * without the {@code profile_id} the docs give it is asked again like any answer short of what they promise, never
     * delivered as a success naming no profile (API-answers audit).
     */
    private boolean onStatus(Job job, ApiAnswer answer) {
        JsonNode status = answer.body();
        String state = Json.text(status, "status");
        String profileId = Json.id(status, "profile_id");
        if ("SUCCEEDED".equals(state) && profileId == null) {
            lifecycle.unexpectedAnswer(
                    job,
                    new ApiError("unexpected_answer", "the SUCCEEDED answer has no profile_id", answer.httpStatus()));
        } else if ("SUCCEEDED".equals(state)) {
            job.lastStatus(status.toString());
            lifecycle.succeeded(job, Json.object().put("profileId", profileId));
        } else if ("FAILED".equals(state)) {
            job.lastStatus(status.toString());
            String code = Json.text(status, "error_code");
            String message = Json.text(status, "error_message");
            lifecycle.remoteRunFailed(
                    job,
                    new ApiError(
                            code == null ? "remote_failed" : code,
                            message == null ? "profile creation FAILED" : message,
                            null),
                    KeyRenewal.HEADER_ONLY);
        } else {
            reportUndocumented(job, state);
            return false;
        }
        return true;
    }
}
