package io.profilebridge.orbit;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.profilebridge.Json;
import io.profilebridge.api.Api;
import io.profilebridge.api.ApiAnswer;
import io.profilebridge.api.ApiBucket;
import io.profilebridge.api.ApiBudgets;
import io.profilebridge.api.ApiCredentials;
import io.profilebridge.api.ApiError;
import io.profilebridge.api.ApiRequest;
import io.profilebridge.api.FaultClass;
import io.profilebridge.api.PathSegment;
import io.profilebridge.jms.EmbeddedBroker;
import io.profilebridge.job.Job;
import io.profilebridge.job.JobLifecycle;
import io.profilebridge.job.JobLifecycle.KeyRenewal;
import io.profilebridge.job.JobRoutes;
import io.profilebridge.job.LastErrorNotes;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.http.HttpMethods;

/**
 * Orbit Deep Search: {@code POST /v2/developer/deep-search} with the job's key as the body's {@code requestId},
 * {@code GET /v2/developer/deep-search/{requestId}} until completed or failed, then
 * {@code GET /v2/developer/profiles/{id}} for {@code result.id} (also of a failed run that saved one) or every
 * {@code candidate_profile_ids} entry. Ids in paths are percent-encoded ({@link PathSegment}).
 */
public class OrbitRoutes extends RouteBuilder {

    /** The path every call's URL begins with after the configured API root. */
    public static final String PATH = "/v2/developer";

    static final String DEEP_SEARCH = PATH + "/deep-search";
    static final String PROFILES = PATH + "/profiles/";

    /** Orbit carries its idempotency key in the body, so a new key means a new body. */
    public static final KeyRenewal REQUEST_ID_IN_BODY = (body, key) -> {
        ObjectNode node = (ObjectNode) Json.parseStored(body);
        node.put("requestId", key);
        return node.toString();
    };

    /** Exchange property: the step's {@link ProfileReads.Progress}, the profiles to read and those read. */
    private static final String READING = "bridgeOrbitProfiles";
    /** Exchange property: no further profile is read in this step (a read failed, or the read budget is spent). */
    private static final String READS_STOPPED = "bridgeOrbitProfileReadsStopped";
    /** Exchange property: the profile reads this step has sent. */
    private static final String READS_IN_STEP = "bridgeOrbitProfileReadsInStep";

    /**
     * Profile reads one step sends at most on the embedded store; then the job is due again at once, and gives Orbit's
     * place back after at most a few such steps, when status reads take their turn (JobDispatcher; hostile-API audit:
     * two runs naming 3,000 candidates each were read back to back, and another run's status read waited three
     * minutes). Not on a shared store: the profiles read so far are kept in the process ({@link ProfileReads}), and the
     * next claim may be another instance's, which would read them all again (review); there a step reads until the
     * read budget is spent.
     */
    public static final int PROFILE_READS_PER_STEP = 20;

    private final ApiCredentials credentials;
    private final JobLifecycle lifecycle;
    private final int profileReadsPerStep;
    private final ApiBudgets budgets;
    private final long maxProfileBytes;
    private final long jmsMessageBytes;
    private final ProfileReads reads;

    /**
     * @param maxProfileBytes {@code bridge.orbit.max-profile-bytes}: what one run's profiles may weigh in all, as
     *     JSON text; also what is kept, in all, of readings that wait ({@link ProfileReads})
     * @param jmsMessageBytes the embedded broker's cap on a message ({@code bridge.jms.max-message-bytes}), which a
     *     JMS request's result must fit ({@link #jmsProfileCap}); {@link Long#MAX_VALUE} where the bridge knows of none
     */
    public OrbitRoutes(
            ApiCredentials credentials,
            JobLifecycle lifecycle,
            ApiBudgets budgets,
            long maxProfileBytes,
            long jmsMessageBytes,
            int profileReadsPerStep) {
        this.credentials = credentials;
        this.lifecycle = lifecycle;
        this.budgets = budgets;
        this.maxProfileBytes = maxProfileBytes;
        this.jmsMessageBytes = jmsMessageBytes;
        this.profileReadsPerStep = profileReadsPerStep;
        this.reads = new ProfileReads(maxProfileBytes);
    }

    /**
     * What a JMS request's run's profiles may weigh for its result to fit a broker that takes messages up to
     * {@code maxMessageBytes} as it counts them ({@link EmbeddedBroker#charsWithin}), less the request the result
     * repeats and room for the rest of the document: 64 KiB, or a quarter of those characters below that (a fixed
     * 64 KiB left no profile room under 132 KB, and every JMS Orbit run failed; a rest larger than its room gets the
     * result cut down by delivery.OversizedResults, not lost). The request is the run's own: reckoned at
     * {@code bridge.request.max-bytes}, a cap of 1 MiB left no room for any profile either.
     */
    public static long jmsProfileCap(long maxMessageBytes, long requestChars) {
        long chars = EmbeddedBroker.charsWithin(maxMessageBytes);
        return Math.max(0, chars - requestChars - Math.min(65_536, chars / 4));
    }

    private static long requestChars(Job job) {
        return job.requestBody() == null ? 0 : job.requestBody().length();
    }

    @Override
    public void configure() {
        // a start and a status read were paid from the key's budget when the job was claimed
        from("direct:submit-orbit")
                .routeId("submit-orbit")
                .process(this::prepareStart)
                .to("direct:call-orbit")
                .process(this::onStartAnswer);

        from("direct:poll-orbit")
                .routeId("poll-orbit")
                .process(this::prepareStatusRead)
                .to("direct:call-orbit")
                .process(this::onStatusAnswer);

        from("direct:read-outputs-orbit")
                .routeId("read-outputs-orbit")
                .process(this::listProfilesToRead)
                // a Java predicate: the bean language would introspect this whole RouteBuilder at start (0.1 s CPU)
                .loopDoWhile(OrbitRoutes::moreProfilesToRead)
                .process(this::prepareProfileRead)
                .filter(exchangeProperty(READS_STOPPED).isNotEqualTo(true))
                .to("direct:call-orbit")
                .process(this::onProfileAnswer)
                .end()
                .end()
                .process(this::finishProfileReads);
    }

    private void prepareStart(Exchange exchange) {
        Job job = JobRoutes.job(exchange);
        ApiRequest.prepare(exchange, credentials, Api.ORBIT, HttpMethods.POST, DEEP_SEARCH, underItsKey(job), Map.of());
    }

    /**
     * The start's body, its requestId the job's key: the intake stores it so, but a store made or edited otherwise
     * must not start a new run, charged, at each try (storecorrupt audit: a stored body without requestId was answered
     * about a run of the API's naming, taken for another run's answer and sent again: 14 runs for 2 jobs).
     */
    private static String underItsKey(Job job) {
        String stored = job.requestBody();
        String key = job.idempotencyKey();
        // the intake's body holds "requestId":"<key>" as Jackson writes it: found so, no parse of a body of up to a
        // megabyte at each start
        if (stored.contains(
                "\"requestId\":\"" + new String(JsonStringEncoder.getInstance().quoteAsString(key)) + '"')) {
            return stored;
        }
        JsonNode body = Json.parseStored(stored);
        return body != null && key.equals(Json.text(body, "requestId"))
                ? stored
                : REQUEST_ID_IN_BODY.bodyWithKey(stored, key);
    }

    /**
     * 202 started and 200 already_running: poll. 200 completed (profileId regeneration): read the profile now.
     * 409 refunded after the API itself said it did not take the request under this key ("Retry later"): the refund
     * is that outage's, so the request goes on under a derived key as the outage's retry. Any other 409 refunded, for
     * a profileId request: no run and no charge stand for the key because the regeneration completed at once and that
     * answer was lost, so the profile is read now, as the contract (section 3) says; for any other request, retried
     * under a derived key (the lifecycle's remote-failure rule; after a lost answer under the key, once a look under it
     * found no run). A refund whose "Retry later" answer was lost as well
     * cannot be told from it: the contract takes it for the completed regeneration (docs-truth audit: retried under a
     * derived key instead, the bridge had left the contract).
     */
    private void onStartAnswer(Exchange exchange) {
        Job job = JobRoutes.job(exchange);
        ApiAnswer answer = ApiAnswer.from(exchange);
        if (FaultClass.of(answer) == FaultClass.KEY_REFUNDED) {
            // the API said "Retry later" under this key before: the refund is that outage's
            if (LastErrorNotes.turnedDown(job).isPresent()) {
                lifecycle.turnedDownAndRefunded(job, answer.error(), REQUEST_ID_IN_BODY);
                return;
            }
            // the body is read only here, not at every start answer
            if (requestedProfileId(job) != null) {
                job.remoteId(job.idempotencyKey());
                lifecycle.readyToFetch(job, null);
                return;
            }
        }
        if (!answer.isSuccess()) {
            if (FaultClass.mayHaveStarted(answer) && lifecycle.isLastAttempt(job, answer.retryAfter())) {
                // Orbit names a run by the requestId it was started with, the job's key (REQUEST_ID_IN_BODY): ask under
                // it before giving up
                lifecycle.startUnanswered(job, job.idempotencyKey(), answer.error());
                return;
            }
            lifecycle.fault(job, answer, REQUEST_ID_IN_BODY);
            return;
        }
        if (noRunNamedIn(answer)) {
            // a 2xx with no JSON object, or one naming neither a run nor its status, is no start the docs give (an
            // empty or HTML 200 from a proxy on the way: network audit, given up after every status read found no run);
            // the same requestId again is safe, the API keeps one run per requestId and says already_running
            lifecycle.unexpectedAnswer(
                    job, ApiError.unexpected(answer, "the start answer", "has neither request_id nor status"));
            return;
        }
        // the requestId sent is the job's key (REQUEST_ID_IN_BODY), and "request_id: your requestId if you sent one"
        if (lifecycle.aboutAnotherRun(job, answer, "request_id", job.idempotencyKey(), false)) {
            return;
        }
        String requestId = job.idempotencyKey();
        if (!PathSegment.isUsable(requestId)) {
            lifecycle.failed(job, PathSegment.unusableId("request_id"));
            return;
        }
        lifecycle.accepted(job, requestId, answer.body(), answer.retryAfter());
        if (completedAtOnce(job, answer.body())) {
            lifecycle.readyToFetch(job, answer.body());
        }
    }

    /**
     * A start answered "completed" with what to read: the docs give it to a {@code profileId} request whose profile is
     * generated already ("returns 200 with status: completed and result.id"). Any other request so answered is polled
     * for its status, which names its profile (run-shapes audit: a 200 completed naming none was delivered as a success
     * with no profile).
     */
    private static boolean completedAtOnce(Job job, JsonNode answer) {
        return "completed".equals(Json.text(answer, "status"))
                && (!profileIds(answer).isEmpty() || requestedProfileId(job) != null);
    }

    private static boolean noRunNamedIn(ApiAnswer answer) {
        return Json.text(answer.body(), "request_id") == null && Json.text(answer.body(), "status") == null;
    }

    private void prepareStatusRead(Exchange exchange) {
        Job job = JobRoutes.job(exchange);
        ApiRequest.get(exchange, credentials, Api.ORBIT, DEEP_SEARCH + "/" + PathSegment.encode(job.remoteId()));
    }

    /**
     * completed ends the run; so does failed, but a failed run that still carries {@code result.id} (the profile was
     * saved, its sections were not ready in time) has that profile read for its failed result. Any other status
     * (running, generating_sections, new ones) means wait.
     */
    private void onStatusAnswer(Exchange exchange) {
        Job job = JobRoutes.job(exchange);
        ApiAnswer answer = ApiAnswer.from(exchange);
        if (!answer.isSuccess()) {
            if (!job.startUnconfirmed()) {
                lifecycle.fault(job, answer, REQUEST_ID_IN_BODY);
            } else if (!answer.isTransportFailure() && answer.httpStatus() == 404) {
                lifecycle.startNotFound(job, answer.error(), REQUEST_ID_IN_BODY);
            } else {
                lifecycle.unconfirmedReadFailed(job, answer, REQUEST_ID_IN_BODY);
            }
            return;
        }
        if (lifecycle.noStatusIn(job, answer)) {
            return;
        }
        if (job.startUnconfirmed()) {
            lifecycle.startFound(job);
        }
        JsonNode status = answer.body();
        switch (String.valueOf(Json.text(status, "status"))) {
            case "completed" -> {
                if (profileIds(status).isEmpty() && namesNoProfile(job)) {
                    // "Single-profile status responses return the durable profile resource id": one without it
                    // names nothing to read, and is asked again, never delivered as a success with no profile
                    // (API-answers audit); kept as the last status the API returned, which a result given up
                    // carries (run-shapes audit: it carried the one before)
                    job.lastStatus(status.toString());
                    lifecycle.unexpectedAnswer(
                            job,
                            new ApiError(
                                    "unexpected_answer",
                                    "the completed answer of a single-profile run has no result.id",
                                    answer.httpStatus()));
                } else {
                    lifecycle.readyToFetch(job, status);
                }
            }
            case "failed" -> {
                if (profileIds(status).isEmpty()) {
                    job.lastStatus(status.toString());
                    lifecycle.remoteRunFailed(job, failureOf(status), REQUEST_ID_IN_BODY);
                } else {
                    lifecycle.readyToFetch(job, status);
                }
            }
            default -> lifecycle.stillRunning(job, status, answer.retryAfter());
        }
    }

    /** A failed run's sanitized {@code failure.code} and message. */
    private static ApiError failureOf(JsonNode status) {
        JsonNode failure = status.path("failure");
        String code = Json.text(failure, "code");
        String message = Json.text(failure, "message");
        return new ApiError(
                code == null ? "remote_failed" : code, message == null ? "the Deep Search run failed" : message, null);
    }

    /** The profiles to read once the run is done ({@link #profilesOf}). */
    private void listProfilesToRead(Exchange exchange) {
        Job job = JobRoutes.job(exchange);
        List<String> ids = profilesOf(job, Json.parseStored(job.lastStatus()));
        exchange.setProperty(READING, reads.take(job.id(), ids));
        exchange.setProperty(READS_IN_STEP, 0);
        exchange.setProperty(READS_STOPPED, false);
        if (!ids.stream().allMatch(PathSegment::isUsable)) {
            exchange.setProperty(READS_STOPPED, true);
            lifecycle.failed(job, PathSegment.unusableId("profile id"));
        }
    }

    /**
     * The ids the status names; when it names none (a refunded profileId request has no status, a regeneration that
     * completed at once may give none) the profile a profileId request named, whose regeneration it was.
     */
    private static List<String> profilesOf(Job job, JsonNode status) {
        List<String> ids = status == null ? List.of() : profileIds(status);
        if (!ids.isEmpty()) {
            return ids;
        }
        String profileId = requestedProfileId(job);
        return profileId == null ? ids : List.of(profileId);
    }

    /** The profile a profileId request named, or null. */
    private static String requestedProfileId(Job job) {
        return Json.text(Json.parseStored(job.requestBody()), "profileId");
    }

    /**
     * A single-profile request naming no profile of its own: its completed run must name the one it made. The request
     * is read only for a status naming none.
     */
    private static boolean namesNoProfile(Job job) {
        JsonNode request = Json.parseStored(job.requestBody());
        return Json.text(request, "profileId") == null && !OrbitRequestRules.isCandidateDiscovery(request);
    }

    /** {@code result.id} for single-profile runs, {@code result.candidate_profile_ids} for candidate discovery. */
    static List<String> profileIds(JsonNode status) {
        JsonNode result = status == null ? null : status.path("result");
        // a candidate named twice is read once (hostile-API audit: one id listed 50,000 times was read 6,357 times in
        // three minutes, and on)
        Set<String> ids = new LinkedHashSet<>();
        if (isCandidateList(result)) {
            result.get("candidate_profile_ids").forEach(id -> {
                if (!id.isNull() && !id.asText().isEmpty()) {
                    ids.add(id.asText());
                }
            });
        } else {
            String id = Json.id(result, "id");
            if (id != null) {
                ids.add(id);
            }
        }
        return List.copyOf(ids);
    }

    /**
     * Whether the status lists candidates to read: a non-empty {@code candidate_profile_ids}. A null or empty one
     * beside a {@code result.id} is a single-profile answer (the status payload is undocumented: read leniently;
     * documented-answers audit: {@code "candidate_profile_ids": null} had hidden the saved profile).
     */
    private static boolean isCandidateList(JsonNode result) {
        JsonNode candidates = result == null ? null : result.get("candidate_profile_ids");
        return candidates != null && candidates.isArray() && !candidates.isEmpty();
    }

    /** True while profiles are left to read and no read has stopped the reading. */
    private static boolean moreProfilesToRead(Exchange exchange) {
        return !exchange.getProperty(READS_STOPPED, false, Boolean.class)
                && !progress(exchange).done();
    }

    private static ProfileReads.Progress progress(Exchange exchange) {
        return exchange.getProperty(READING, ProfileReads.Progress.class);
    }

    /** No further profile is read in this step; those read are kept for the job's next one. */
    private void stopReads(Exchange exchange) {
        exchange.setProperty(READS_STOPPED, true);
        reads.keep(JobRoutes.job(exchange).id(), progress(exchange));
    }

    /**
     * Spends a call of the read budget (the step's first was paid when the job was claimed) and prepares the next
     * read; with no call left the job waits and the reading stops.
     */
    private void prepareProfileRead(Exchange exchange) {
        int readsInStep = exchange.getProperty(READS_IN_STEP, 0, Integer.class);
        if (readsInStep >= profileReadsPerStep) {
            stopReads(exchange);
            lifecycle.waitFor(JobRoutes.job(exchange), 0);
            return;
        }
        exchange.setProperty(READS_IN_STEP, readsInStep + 1);
        if (!JobRoutes.usePaidCall(exchange) && !tokenOrWait(exchange, budgets.takeForCall(ApiBucket.ORBIT_READS))) {
            // the job waits for the budget, and its next step goes on from the profiles read so far
            stopReads(exchange);
            return;
        }
        String id = progress(exchange).next();
        ApiRequest.get(exchange, credentials, Api.ORBIT, PROFILES + PathSegment.encode(id));
    }

    /**
     * A profile read's answer: the profile, a JSON object ("Profile Read payloads" carry the profile's {@code id}). A
     * success without one is asked again like any unexpected answer, never delivered as a profile (API-answers audit:
     * a 200 with invalid JSON or {@code "just a string"} ended a paid run as succeeded with that in {@code profiles}).
     */
    private void onProfileAnswer(Exchange exchange) {
        ApiAnswer answer = ApiAnswer.from(exchange);
        ProfileReads.Progress progress = progress(exchange);
        if (answer.isSuccess() && answer.body() != null && answer.body().isObject()) {
            if (aboutAnotherProfile(exchange, answer, progress.next())) {
                return;
            }
            progress.add(answer.body());
            Job job = JobRoutes.job(exchange);
            // reading again: an earlier read's failure is over, and no longer counts the reads' age from the job's
            // (review: one 5xx before the age gave a run whose reads went on fine up in the middle of them), nor its
            // attempts, which count failures in a row (candidate audit: ten candidates failing once each, each read
            // fine the next time, gave a run of fifty up after the tenth)
            job.lastError(null);
            job.attempts(0);
            // a JMS result must fit the embedded broker: one over its cap was retried until delivery gave up, after
            // the run was paid for (JMS audit)
            long jmsCap = job.source().isFile() ? Long.MAX_VALUE : jmsProfileCap(jmsMessageBytes, requestChars(job));
            boolean byJms = jmsCap < maxProfileBytes;
            long cap = byJms ? jmsCap : maxProfileBytes;
            if (progress.bytes() > cap) {
                // no cap on a run's profiles had a 900 MB result fail the job store and the process, at each restart
                // again (HTTP-edges audit): the run stays the API's to read, by its id
                exchange.setProperty(READS_STOPPED, true);
                lifecycle.failed(
                        job,
                        ApiError.of(
                                "result_too_large",
                                "the run's profiles weigh more than "
                                        + (byJms
                                                ? "a JMS result may carry on the embedded broker (" + cap
                                                        + " bytes of JSON, from bridge.jms.max-message-bytes)"
                                                : "bridge.orbit.max-profile-bytes (" + cap + " bytes of JSON)")
                                        + " after " + progress.profiles().size() + " of "
                                        + progress.ids().size() + "; read them from Orbit by the run's id"));
            }
            return;
        }
        stopReads(exchange);
        // should this answer end the job, its failed result keeps the profiles read fine (API audit: one candidate
        // that could not be read gave a paid run up with none)
        Job job = JobRoutes.job(exchange);
        ObjectNode readSoFar = outputs(exchange, Json.parseStored(job.lastStatus()));
        if (answer.isSuccess()) {
            lifecycle.unexpectedAnswer(
                    job,
                    new ApiError(
                            "unexpected_answer",
                            "the profile read answer has no JSON object" + Json.notReadBeyond(answer.body()),
                            answer.httpStatus()),
                    readSoFar);
        } else {
            lifecycle.fault(job, answer, REQUEST_ID_IN_BODY, readSoFar);
        }
    }

    /**
     * A profile answer whose {@code id} is not the one read ("The profile resource ID is returned as result.id, matching
     * Search results and Profile Read payloads"): a cache's or a proxy's mix-up, another person's profile, asked again
     * and never delivered as this run's (redirects audit: one was delivered as it came).
     */
    private boolean aboutAnotherProfile(Exchange exchange, ApiAnswer answer, String profileId) {
        Job job = JobRoutes.job(exchange);
        if (!lifecycle.aboutAnotherRun(
                job, answer, "id", profileId, true, () -> outputs(exchange, Json.parseStored(job.lastStatus())))) {
            return false;
        }
        stopReads(exchange);
        return true;
    }

    /**
     * The profiles read decide the result: failed (with the run's failure code) when the run failed after saving its
     * profile, else succeeded ({@link #outputs}).
     */
    private void finishProfileReads(Exchange exchange) {
        Job job = JobRoutes.job(exchange);
        if (exchange.getProperty(READS_STOPPED, false, Boolean.class)) {
            return;
        }
        JsonNode status = Json.parseStored(job.lastStatus());
        ObjectNode extras = outputs(exchange, status);
        if (status != null && "failed".equals(Json.text(status, "status"))) {
            lifecycle.failed(job, failureOf(status), extras);
        } else {
            lifecycle.succeeded(job, extras);
        }
    }

    /**
     * The result's outputs: the profiles read, and for a single-profile run {@code sectionGeneration}, the status's
     * {@code result.section_generation}, so a reader sees at once whether sections were produced.
     */
    private static ObjectNode outputs(Exchange exchange, JsonNode status) {
        ObjectNode extras = Json.object();
        extras.set("profiles", progress(exchange).profiles());
        JsonNode result = status == null ? null : status.path("result");
        if (!isCandidateList(result)) {
            JsonNode sections = result == null ? null : result.get("section_generation");
            extras.set("sectionGeneration", sections == null ? null : sections.deepCopy());
        }
        return extras;
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
