package io.profilebridge.sandbox;

import static io.profilebridge.sandbox.SimulatorTriggers.ORBIT_ANSWER_LOST_PROFILE_ID;
import static io.profilebridge.sandbox.SimulatorTriggers.ORBIT_FAILED;
import static io.profilebridge.sandbox.SimulatorTriggers.ORBIT_FAILED_WITH_PROFILE;
import static io.profilebridge.sandbox.SimulatorTriggers.ORBIT_NO_CANDIDATES;
import static io.profilebridge.sandbox.SimulatorTriggers.ORBIT_NO_SECTIONS;
import static io.profilebridge.sandbox.SimulatorTriggers.ORBIT_ODD_PROFILE_ID;
import static io.profilebridge.sandbox.SimulatorTriggers.ORBIT_READINESS_TIMEOUT;
import static io.profilebridge.sandbox.SimulatorTriggers.ORBIT_REFUNDED;
import static io.profilebridge.sandbox.SimulatorTriggers.ORBIT_REQUEST_FAILED_ONCE;
import static io.profilebridge.sandbox.SimulatorTriggers.ORBIT_REQUEST_FAILED_TWICE;
import static io.profilebridge.sandbox.SimulatorTriggers.ORBIT_START_ANSWERS_LOST;
import static io.profilebridge.sandbox.SimulatorTriggers.ORBIT_START_NOT_RECEIVED;
import static io.profilebridge.sandbox.SimulatorTriggers.ORBIT_UNAVAILABLE_FOR_REQUEST;
import static io.profilebridge.sandbox.SimulatorTriggers.ORBIT_UNAVAILABLE_ONCE;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.profilebridge.Json;
import io.profilebridge.sandbox.SimRequest.Reply;
import io.profilebridge.validation.RuleViolation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Orbit Deep Search as documented: the strict allowlist and validation codes (400), {@code requestId} idempotency
 * (202 started, 200 already_running, 409 conflict or refunded), profileId regeneration of a fully generated
 * profile (200 completed at once, charge refunded; fully generated once its full generation completed), credits with
 * {@code X-Developer-API-Credits-Remaining} and 402, status running -> generating_sections -> completed or failed,
 * candidate discovery, and profile reads.
 * The rarer documented answers are reached with the {@link SimulatorTriggers} emails and profile ids.
 */
final class OrbitSimulation {

    static final String DEEP_SEARCH = "/v2/developer/deep-search";
    static final String PROFILES = "/v2/developer/profiles";
    static final String CREDITS_HEADER = "X-Developer-API-Credits-Remaining";

    /** Profiles known as fully generated from the start: a request naming one completes at once. */
    private static final Set<String> SEEDED_PROFILES =
            Set.of(Simulator.SEEDED_PROFILE_ID, ORBIT_ANSWER_LOST_PROFILE_ID);
    /** The generated sections of a profile whose generation completed; a read while it generates shows the first. */
    private static final int SECTIONS = 2;

    private final SimulatorSettings settings;
    private final Ledger ledger;
    private final Chance chance;
    private final RetryAfterWriter retryAfter;
    private final AtomicLong credits;
    private final Map<String, Run> runs = new ConcurrentHashMap<>();
    private final Set<String> refundedKeys = ConcurrentHashMap.newKeySet();
    private final Set<String> answeredOnce = ConcurrentHashMap.newKeySet();
    /** How often each body (its parameters without the requestId) was turned down with request_failed. */
    private final Map<String, Integer> requestsFailed = new ConcurrentHashMap<>();

    /**
     * Every profile a run made or regenerated, with those runs in the order they started: what a read shows and
     * whether the profile is fully generated follow from where its runs stand at the time asked (simulator-fidelity
     * audit: a profile counted as fully generated from its run's start, while the status said generating_sections).
     */
    private final Map<String, List<Run>> profileRuns = new ConcurrentHashMap<>();

    OrbitSimulation(SimulatorSettings settings, Ledger ledger, Chance chance, RetryAfterWriter retryAfter) {
        this.settings = settings;
        this.ledger = ledger;
        this.chance = chance;
        this.retryAfter = retryAfter;
        this.credits = new AtomicLong(settings.orbitCredits());
    }

    /** How a run ends, from its trigger email (or the failed-share knob). */
    private enum Ending {
        COMPLETED,
        NO_SECTIONS,
        FAILED,
        FAILED_WITH_PROFILE
    }

    private record Run(
            String requestId,
            String runId,
            String canonicalParams,
            String runShape,
            long createdAt,
            long durationMs,
            Ending ending,
            List<String> profileIds) {

        boolean candidates() {
            return "candidate_discovery".equals(runShape);
        }

        /** Whether the run goes on into full generation (candidates and partial_only profiles never do). */
        boolean fullGeneration() {
            return runShape.equals("partial_plus_full") || runShape.equals("full_generation_only");
        }

        boolean finished(long now) {
            return now - createdAt >= durationMs;
        }

        /** Past its first half: a single-profile run's status says generating_sections and gives the profile id. */
        boolean secondHalf(long now) {
            return (now - createdAt) * 2 >= durationMs;
        }

        /**
         * The sections of the run's profile materialized at {@code now}, as its status counts them and a profile read
         * shows them: all once it completed, the first while it writes them, none for a run that ends without any.
         */
        int sectionsMaterialized(long now) {
            if (ending != Ending.COMPLETED) {
                return 0;
            }
            return finished(now) ? SECTIONS : secondHalf(now) ? 1 : 0;
        }
    }

    Reply handle(SimRequest request, long now) {
        if (settings.orbitNotConfigured() && request.path().startsWith(DEEP_SEARCH)) {
            return error(
                    503, "developer_deep_search_not_configured", "Deep Search is not configured in this environment");
        }
        if (request.method().equals("POST") && request.path().equals(DEEP_SEARCH)) {
            return start(request, now);
        }
        String requestId = request.idAfter(DEEP_SEARCH);
        if (request.method().equals("GET") && requestId != null) {
            Run run = runs.get(requestId);
            return run == null
                    ? error(404, "developer_deep_search_not_found", "No Deep Search run with this requestId")
                    : statusReply(run, now);
        }
        String profileId = request.idAfter(PROFILES);
        if (request.method().equals("GET") && profileId != null) {
            return profileExists(profileId)
                    ? Reply.of(200, profile(profileId, now))
                    : error(404, "developer_profile_not_found", "No profile with this id");
        }
        return error(404, "developer_api_not_found", "No such endpoint: " + request.method() + " " + request.path());
    }

    /** A start, and what becomes of its answer on the way back (the lost-answer triggers). */
    private Reply start(SimRequest request, long now) {
        JsonNode body = request.json();
        String email = body != null && body.isObject() ? Json.text(body, "email") : null;
        if (ORBIT_START_NOT_RECEIVED.equals(email)) {
            return error(500, "lost", "never sent: the connection closes first").lose();
        }
        Reply answer = decideStart(request, now);
        return ORBIT_START_ANSWERS_LOST.equals(email) ? answer.lose() : answer;
    }

    private Reply decideStart(SimRequest request, long now) {
        JsonNode body = request.json();
        if (request.malformed() != null) {
            // "developer_deep_search_invalid_request: The request body was rejected; the message describes what to fix"
            return error(
                    400,
                    "developer_deep_search_invalid_request",
                    "The request body was rejected: " + request.malformed());
        }
        if (body == null || !body.isObject()) {
            return error(400, "developer_deep_search_invalid_request", "The request body must be a JSON object");
        }
        List<RuleViolation> violations = SimulatedServerRules.orbit(body);
        if (!violations.isEmpty()) {
            return error(
                    400,
                    violations.get(0).code(),
                    String.join(
                            "; ",
                            violations.stream().map(RuleViolation::message).toList()));
        }
        String requestId = body.hasNonNull("requestId")
                ? body.get("requestId").asText()
                : UUID.randomUUID().toString();
        ObjectNode params = body.deepCopy();
        params.remove("requestId");
        String canonical = Json.canonical(params);
        String email = Json.text(body, "email");
        String profileId = body.hasNonNull("profileId") ? body.get("profileId").asText() : null;
        if (profileId != null && !profileExists(profileId)) {
            return error(
                    400,
                    "developer_deep_search_unprocessable_seed",
                    "The provided identity signals could not start a Deep Search run (unknown profileId)");
        }
        if (ORBIT_UNAVAILABLE_FOR_REQUEST.equals(email)) {
            return error(
                    503,
                    "developer_deep_search_unavailable_for_request",
                    "Deep Search is not available for this request.");
        }
        if (ORBIT_UNAVAILABLE_ONCE.equals(email) && answeredOnce.add("unavailable:" + requestId)) {
            return retryAfter.add(
                    error(
                            503,
                            "developer_deep_search_unavailable",
                            "Deep Search is currently unavailable. Retry later."),
                    settings.retryAfterSeconds(),
                    now);
        }
        // one decision at a time: idempotency, credits and the run's creation must not interleave
        synchronized (this) {
            if (refundedKeys.contains(requestId) || ORBIT_REFUNDED.equals(email)) {
                return error(
                                409,
                                "developer_api_idempotency_key_refunded",
                                "This requestId belongs to a run whose charge was refunded; use a new requestId")
                        .with(CREDITS_HEADER, balance());
            }
            Run existing = runs.get(requestId);
            if (existing != null) {
                return existing.canonicalParams().equals(canonical)
                        ? alreadyRunning(existing)
                        : error(
                                        409,
                                        "developer_api_idempotency_key_conflict",
                                        "This requestId was already used with different request parameters")
                                .with(CREDITS_HEADER, balance());
            }
            int cost = settings.orbitRunCost();
            if (credits.get() < cost) {
                ObjectNode error = errorBody(
                        "developer_api_credits_insufficient", "Your remaining credits are lower than the run cost");
                ((ObjectNode) error.get("error")).put("requiredCredits", cost).put("remainingCredits", credits.get());
                return Reply.of(402, error).with(CREDITS_HEADER, balance());
            }
            int turnDowns =
                    ORBIT_REQUEST_FAILED_ONCE.equals(email) ? 1 : ORBIT_REQUEST_FAILED_TWICE.equals(email) ? 2 : 0;
            if (turnDowns > 0 && requestsFailed.merge(canonical, 1, Integer::sum) <= turnDowns) {
                // reserved, not accepted, refunded: this requestId's charge is spent
                refundedKeys.add(requestId);
                return retryAfter
                        .add(
                                error(
                                        502,
                                        "developer_deep_search_request_failed",
                                        "Deep Search did not accept the request or could not be reached. Retry later."),
                                settings.retryAfterSeconds(),
                                now)
                        .with(CREDITS_HEADER, balance());
            }
            if (profileId != null && profileState(profileId, now).fullyGenerated()) {
                // "If the profile is already fully generated, the request returns 200 with status: "completed" and
                // result.id; no new workflow starts", whatever other signals came with it (Orbit audit: only a
                // profileId-only request did). Fully generated once a full generation of it completed: one still
                // generating its sections is not, and its regeneration starts a run (simulator-fidelity audit).
                // Reserved and refunded at once: this requestId's charge is spent
                refundedKeys.add(requestId);
                ObjectNode answer = Json.object();
                answer.put("request_id", requestId);
                answer.putNull("run_id");
                answer.put("status", "completed");
                answer.putObject("result").put("id", profileId);
                answer.putObject("links").put("profile", PROFILES + "/" + profileId);
                Reply completed = Reply.of(200, answer).with(CREDITS_HEADER, balance());
                // the first answer of the profile's regeneration is lost; a later requestId has its answer
                return ORBIT_ANSWER_LOST_PROFILE_ID.equals(profileId) && answeredOnce.add("lost:" + profileId)
                        ? completed.lose()
                        : completed;
            }
            Run run = newRun(requestId, canonical, body, now);
            runs.put(requestId, run);
            credits.addAndGet(-cost);
            ledger.run(new Ledger.Run(now, "orbit", requestId, run.runId(), request.body(), cost, run.durationMs()));
            ObjectNode answer = Json.object();
            answer.put("request_id", requestId);
            answer.put("run_id", run.runId());
            answer.put("status", "started");
            answer.putObject("links").put("status", DEEP_SEARCH + "/" + requestId);
            return Reply.of(202, answer).with(CREDITS_HEADER, balance());
        }
    }

    private Run newRun(String requestId, String canonical, JsonNode body, long now) {
        String runShape = body.hasNonNull("runShape")
                ? body.get("runShape").asText()
                : onlySignalIsProfileId(body) ? "full_generation_only" : "partial_only";
        String email = Json.text(body, "email");
        List<String> ids = new ArrayList<>();
        if ("candidate_discovery".equals(runShape)) {
            int found = ORBIT_NO_CANDIDATES.equals(email) ? 0 : 3;
            for (int i = 0; i < found; i++) {
                ids.add(newProfileId());
            }
        } else if (body.hasNonNull("profileId")) {
            ids.add(body.get("profileId").asText());
        } else {
            ids.add(
                    ORBIT_ODD_PROFILE_ID.equals(email)
                            ? "prof 7/../" + newProfileId() + "#1?all=true"
                            : newProfileId());
        }
        Ending ending = ORBIT_FAILED_WITH_PROFILE.equals(email)
                ? Ending.FAILED_WITH_PROFILE
                : ORBIT_FAILED.equals(email) || chance.below(settings.failedShare())
                        ? Ending.FAILED
                        : ORBIT_NO_SECTIONS.equals(email) ? Ending.NO_SECTIONS : Ending.COMPLETED;
        Run run = new Run(
                requestId,
                "run_" + UUID.randomUUID().toString().substring(0, 12),
                canonical,
                runShape,
                now,
                chance.runDuration(settings),
                ending,
                ids);
        // what becomes of the profiles is read off the run at the time asked (profileState), never decided here
        ids.forEach(id -> profileRuns
                .computeIfAbsent(id, k -> new CopyOnWriteArrayList<>())
                .add(run));
        return run;
    }

    private static void failure(ObjectNode status) {
        ObjectNode failure = status.putObject("failure");
        failure.put("code", "developer_deep_search_generation_failed");
        failure.put("message", "Deep Search could not generate a profile from the provided signals.");
        failure.putObject("suggested_retry_inputs").put("runShape", "partial_only");
    }

    private static String newProfileId() {
        return "prof_" + UUID.randomUUID().toString().substring(0, 12);
    }

    private static boolean onlySignalIsProfileId(JsonNode body) {
        for (String signal : SimulatedServerRules.IDENTITY_SIGNALS) {
            if (!signal.equals("profileId") && SimulatedServerRules.gives(body, signal)) {
                return false;
            }
        }
        return SimulatedServerRules.gives(body, "profileId");
    }

    private Reply alreadyRunning(Run run) {
        ObjectNode answer = Json.object();
        answer.put("request_id", run.requestId());
        answer.put("run_id", run.runId());
        answer.put("status", "already_running");
        answer.putObject("links").put("status", DEEP_SEARCH + "/" + run.requestId());
        return Reply.of(200, answer).with(CREDITS_HEADER, balance());
    }

    /** The status, with the status-retry-after-seconds knob's Retry-After while the run is unfinished. */
    private Reply statusReply(Run run, long now) {
        ObjectNode status = status(run, now);
        Reply reply = Reply.of(200, status);
        String state = status.get("status").asText();
        boolean unfinished = !state.equals("completed") && !state.equals("failed");
        return unfinished && settings.statusRetryAfterSeconds() > 0
                ? retryAfter.add(reply, settings.statusRetryAfterSeconds(), now)
                : reply;
    }

    /** running, then generating_sections (single profile) or candidates appearing, then completed or failed. */
    private ObjectNode status(Run run, long now) {
        long elapsed = now - run.createdAt();
        boolean finished = elapsed >= run.durationMs();
        boolean secondHalf = elapsed * 2 >= run.durationMs();
        ObjectNode node = Json.object();
        node.put("request_id", run.requestId());
        node.put("run_id", run.runId());
        node.put("run_shape", run.runShape());
        if (finished && run.ending() == Ending.FAILED) {
            node.put("status", "failed");
            failure(node);
            node.putNull("result");
            return node;
        }
        ObjectNode result = Json.object();
        if (run.candidates()) {
            // a discovery that fails part-way has saved its first candidate
            boolean failedPartWay = finished && run.ending() == Ending.FAILED_WITH_PROFILE;
            int visible = Math.min(
                    run.profileIds().size(), failedPartWay || !finished ? (secondHalf ? 1 : 0) : Integer.MAX_VALUE);
            ArrayNode ids = result.putArray("candidate_profile_ids");
            run.profileIds().subList(0, visible).forEach(ids::add);
            result.put("candidate_count", secondHalf ? run.profileIds().size() + 1 : 0);
            result.put(
                    "dispatched_candidate_count", secondHalf ? run.profileIds().size() : 0);
            result.put("persisted_candidate_count", visible);
            result.put("skipped_candidate_count", secondHalf ? 1 : 0);
            result.put("current_phase", finished ? "completed" : secondHalf ? "generating_candidates" : "discovering");
            node.put("status", failedPartWay ? "failed" : finished ? "completed" : "running");
            if (failedPartWay) {
                failure(node);
            }
            node.set("result", result);
            return node;
        }
        if (!secondHalf && !finished) {
            node.put("status", "running");
            node.putNull("result");
            return node;
        }
        result.put("id", run.profileIds().get(0));
        boolean sectionsProduced = finished && run.ending() == Ending.COMPLETED;
        ObjectNode sections = result.putObject("section_generation");
        sections.put("sections_ready", sectionsProduced);
        // the sections a profile read shows at this time
        sections.put("materialized_section_count", run.sectionsMaterialized(now));
        if (finished && run.ending() == Ending.FAILED_WITH_PROFILE) {
            node.put("status", "failed");
            ObjectNode failure = node.putObject("failure");
            failure.put("code", ORBIT_READINESS_TIMEOUT);
            failure.put(
                    "message",
                    "The profile was saved, but its generated sections were not ready before the "
                            + "readiness timeout.");
        } else {
            node.put("status", finished ? "completed" : "generating_sections");
        }
        node.set("result", result);
        return node;
    }

    private boolean profileExists(String id) {
        return SEEDED_PROFILES.contains(id) || profileRuns.containsKey(id);
    }

    /** Whether the profile is fully generated at {@code now}, and how many of its sections a read shows. */
    private record ProfileState(boolean fullyGenerated, int sections) {}

    /**
     * A profile as its runs left it at {@code now}: fully generated once a full generation of it completed ("generating
     * sections means Deep Search has a profile id, but generated profile sections are still being written"); until
     * then a read shows the basic data and the sections written so far. A run that ends without sections takes none
     * away from an earlier one; candidates "are not marked as full generation complete".
     */
    private ProfileState profileState(String id, long now) {
        if (SEEDED_PROFILES.contains(id)) {
            return new ProfileState(true, SECTIONS);
        }
        boolean fullyGenerated = false;
        int sections = 0;
        for (Run run : profileRuns.getOrDefault(id, List.of())) {
            if (run.candidates()) {
                // a saved candidate carries its bio sections; one a failing discovery saved, none
                sections = run.ending() == Ending.FAILED_WITH_PROFILE ? sections : SECTIONS;
            } else {
                sections = Math.max(sections, run.sectionsMaterialized(now));
                fullyGenerated |= run.fullGeneration() && run.ending() == Ending.COMPLETED && run.finished(now);
            }
        }
        return new ProfileState(fullyGenerated, sections);
    }

    private ObjectNode profile(String id, long now) {
        ProfileState state = profileState(id, now);
        ObjectNode profile = Json.object();
        profile.put("id", id);
        profile.put("name", "Jane Doe");
        profile.put("headline", "Developer tools writer at Example Labs");
        profile.put("location", "Berlin, Germany");
        profile.put("fully_generated", state.fullyGenerated());
        ArrayNode sections = profile.putArray("sections");
        if (state.sections() >= 1) {
            sections.addObject().put("type", "bio").put("text", "Writes about developer tools and APIs.");
        }
        if (state.sections() >= 2) {
            sections.addObject()
                    .put("type", "experience")
                    .put("organization", "Example Labs")
                    .put("title", "Engineer");
        }
        profile.putArray("sources").add("https://www.linkedin.com/in/janedoe");
        return profile;
    }

    private String balance() {
        return Long.toString(credits.get());
    }

    void balance(long value) {
        credits.set(value);
    }

    static Reply error(int status, String code, String message) {
        return Reply.of(status, errorBody(code, message));
    }

    static ObjectNode errorBody(String code, String message) {
        ObjectNode body = Json.object();
        body.putObject("error").put("code", code).put("message", message);
        return body;
    }

    void reset() {
        runs.clear();
        refundedKeys.clear();
        answeredOnce.clear();
        profileRuns.clear();
        credits.set(settings.orbitCredits());
    }
}
