package io.profilebridge.orbit;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.profilebridge.Json;
import io.profilebridge.api.Api;
import io.profilebridge.api.ApiAnswer;
import io.profilebridge.api.ApiBucket;
import io.profilebridge.api.ApiBudgets;
import io.profilebridge.api.ApiCredentials;
import io.profilebridge.api.ApiError;
import io.profilebridge.api.ApiRequest;
import io.profilebridge.job.Job;
import io.profilebridge.job.JobLifecycle;
import io.profilebridge.job.JobLifecycle.KeyRenewal;
import io.profilebridge.job.JobRoutes;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.http.HttpMethods;

/**
 * Orbit Deep Search: {@code POST /v2/developer/deep-search} with the job's key as the body's {@code requestId},
 * {@code GET /v2/developer/deep-search/{requestId}} until completed or failed, then
 * {@code GET /v2/developer/profiles/{id}} for {@code result.id} or every {@code candidate_profile_ids} entry.
 */
public class OrbitRoutes extends RouteBuilder {

    static final String DEEP_SEARCH = "/v2/developer/deep-search";
    static final String PROFILES = "/v2/developer/profiles/";

    /** Orbit carries its idempotency key in the body, so a new key means a new body. */
    public static final KeyRenewal REQUEST_ID_IN_BODY = (body, key) -> {
        ObjectNode node = (ObjectNode) Json.parseStored(body);
        node.put("requestId", key);
        return node.toString();
    };

    private static final String PROFILE_IDS = "bridgeOrbitProfileIds";
    private static final String PROFILES_READ = "bridgeOrbitProfiles";
    private static final String READ_FAILED = "bridgeOrbitProfileReadFailed";

    private final ApiCredentials credentials;
    private final JobLifecycle lifecycle;
    private final ApiBudgets budgets;

    public OrbitRoutes(ApiCredentials credentials, JobLifecycle lifecycle, ApiBudgets budgets) {
        this.credentials = credentials;
        this.lifecycle = lifecycle;
        this.budgets = budgets;
    }

    @Override
    public void configure() {
        // a start and a status read were paid from the key's budget when the job was claimed
        from("direct:submit-orbit").routeId("submit-orbit")
                .process(this::prepareStart)
                .to("direct:call-orbit")
                .process(this::onStartAnswer);

        from("direct:poll-orbit").routeId("poll-orbit")
                .process(this::prepareStatusRead)
                .to("direct:call-orbit")
                .process(this::onStatusAnswer);

        from("direct:read-outputs-orbit").routeId("read-outputs-orbit")
                .process(this::listProfilesToRead)
                .loopDoWhile(this::nextProfileRead)
                    .to("direct:call-orbit")
                    .process(this::onProfileAnswer)
                .end()
                .process(this::finishProfileReads);
    }

    private void prepareStart(Exchange exchange) {
        Job job = JobRoutes.job(exchange);
        ApiRequest.prepare(exchange, credentials, Api.ORBIT, HttpMethods.POST, DEEP_SEARCH, job.requestBody(), Map.of());
    }

    /** 202 started and 200 already_running: poll. 200 completed (profileId regeneration): read the profile now. */
    private void onStartAnswer(Exchange exchange) {
        Job job = JobRoutes.job(exchange);
        ApiAnswer answer = ApiAnswer.from(exchange);
        if (!answer.isSuccess()) {
            lifecycle.fault(job, answer, REQUEST_ID_IN_BODY);
            return;
        }
        String requestId = Json.text(answer.body(), "request_id");
        lifecycle.accepted(job, requestId != null ? requestId : job.idempotencyKey(), answer.body());
        if ("completed".equals(Json.text(answer.body(), "status"))) {
            lifecycle.readyToFetch(job, answer.body());
        }
    }

    private void prepareStatusRead(Exchange exchange) {
        Job job = JobRoutes.job(exchange);
        ApiRequest.prepare(exchange, credentials, Api.ORBIT, HttpMethods.GET, DEEP_SEARCH + "/" + job.remoteId(), null, Map.of());
    }

    /** completed and failed end the run; any other status (running, generating_sections, new ones) means wait. */
    private void onStatusAnswer(Exchange exchange) {
        Job job = JobRoutes.job(exchange);
        ApiAnswer answer = ApiAnswer.from(exchange);
        if (!answer.isSuccess()) {
            lifecycle.fault(job, answer, REQUEST_ID_IN_BODY);
            return;
        }
        JsonNode status = answer.body();
        switch (String.valueOf(Json.text(status, "status"))) {
            case "completed" -> lifecycle.readyToFetch(job, status);
            case "failed" -> {
                job.lastStatus(status.toString());
                JsonNode failure = status.path("failure");
                String code = Json.text(failure, "code");
                String message = Json.text(failure, "message");
                lifecycle.failed(job, new ApiError(code == null ? "remote_failed" : code,
                        message == null ? "the Deep Search run failed" : message, null));
            }
            default -> lifecycle.stillRunning(job, status, answer.retryAfter());
        }
    }

    private void listProfilesToRead(Exchange exchange) {
        JsonNode status = Json.parseStored(JobRoutes.job(exchange).lastStatus());
        exchange.setProperty(PROFILE_IDS, profileIds(status));
        exchange.setProperty(PROFILES_READ, Json.MAPPER.createArrayNode());
    }

    /** {@code result.id} for single-profile runs, {@code result.candidate_profile_ids} for candidate discovery. */
    static List<String> profileIds(JsonNode status) {
        JsonNode result = status == null ? null : status.path("result");
        List<String> ids = new ArrayList<>();
        if (result != null && result.has("candidate_profile_ids")) {
            result.get("candidate_profile_ids").forEach(id -> ids.add(id.asText()));
        } else if (result != null && result.hasNonNull("id")) {
            ids.add(result.get("id").asText());
        }
        return ids;
    }

    /** Prepares the next profile read; false when all are read or a read went wrong. */
    private boolean nextProfileRead(Exchange exchange) {
        if (exchange.getProperty(READ_FAILED, false, Boolean.class)) {
            return false;
        }
        @SuppressWarnings("unchecked")
        List<String> ids = exchange.getProperty(PROFILE_IDS, List.class);
        int read = exchange.getProperty(PROFILES_READ, ArrayNode.class).size();
        if (read >= ids.size()) {
            return false;
        }
        if (!JobRoutes.usePaidCall(exchange) && !tokenOrWait(exchange, budgets.takeForCall(ApiBucket.ORBIT_READS))) {
            // the reads so far are dropped and done again later; they are free and idempotent
            exchange.setProperty(READ_FAILED, true);
            return false;
        }
        ApiRequest.prepare(exchange, credentials, Api.ORBIT, HttpMethods.GET, PROFILES + ids.get(read), null, Map.of());
        return true;
    }

    private void onProfileAnswer(Exchange exchange) {
        ApiAnswer answer = ApiAnswer.from(exchange);
        if (answer.isSuccess()) {
            exchange.getProperty(PROFILES_READ, ArrayNode.class).add(answer.body());
        } else {
            exchange.setProperty(READ_FAILED, true);
            lifecycle.fault(JobRoutes.job(exchange), answer, REQUEST_ID_IN_BODY);
        }
    }

    private void finishProfileReads(Exchange exchange) {
        Job job = JobRoutes.job(exchange);
        if (!exchange.getProperty(READ_FAILED, false, Boolean.class)) {
            ObjectNode extras = Json.object();
            extras.set("profiles", exchange.getProperty(PROFILES_READ, ArrayNode.class));
            lifecycle.succeeded(job, extras);
        }
    }

    /** True when the budget gave a call; otherwise the job waits (a pause, or an empty bucket) and nothing is sent. */
    private boolean tokenOrWait(Exchange exchange, long waitMs) {
        if (waitMs == 0) {
            return true;
        }
        lifecycle.waitFor(JobRoutes.job(exchange), waitMs);
        return false;
    }

}
