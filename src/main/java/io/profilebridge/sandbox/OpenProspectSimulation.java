package io.profilebridge.sandbox;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.profilebridge.Json;
import io.profilebridge.sandbox.SimRequest.Reply;
import io.profilebridge.validation.RuleViolation;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * OpenProspect search-profile creation as documented: {@code Idempotency-Key} required (422), the documented
 * validation (422 naming the field), the same key with the same body returns the same creation and with another
 * body 409, status PENDING -> RUNNING -> SUCCEEDED or FAILED over the configured job duration, 404 for unknown ids.
 * The rarer answers are reached with the {@link SimulatorTriggers} {@code profile_name} values.
 */
final class OpenProspectSimulation {

    static final String CREATIONS = "/api/v1/search-profile-creations";

    private final SimulatorSettings settings;
    private final Ledger ledger;
    private final Chance chance;
    private final RetryAfterWriter retryAfter;
    private final Map<String, Creation> byKey = new ConcurrentHashMap<>();
    private final Map<String, Creation> byId = new ConcurrentHashMap<>();
    private final Set<String> failedOnce = ConcurrentHashMap.newKeySet();

    OpenProspectSimulation(SimulatorSettings settings, Ledger ledger, Chance chance, RetryAfterWriter retryAfter) {
        this.settings = settings;
        this.ledger = ledger;
        this.chance = chance;
        this.retryAfter = retryAfter;
    }

    private record Creation(
            String id, String key, String body, long createdAt, long durationMs, boolean fails, String profileId) {

        /** The resource as it stands at {@code now}; a creation answered by its own POST is always PENDING. */
        ObjectNode view(long now, boolean justCreated, boolean postAnswer) {
            long runningAt = createdAt + durationMs / 5;
            boolean finished = !justCreated && now - createdAt >= durationMs;
            boolean running = !justCreated && !finished && now >= runningAt;
            String status = finished ? (fails ? "FAILED" : "SUCCEEDED") : running ? "RUNNING" : "PENDING";
            ObjectNode node = Json.object();
            node.put("profile_creation_id", id);
            node.put("status", status);
            node.put("profile_id", "SUCCEEDED".equals(status) ? profileId : null);
            node.put("error_code", "FAILED".equals(status) ? "profile_generation_failed" : null);
            node.put("error_message", "FAILED".equals(status) ? "The search profile could not be generated." : null);
            node.put("created_at", iso(createdAt));
            node.put("started_at", finished || running ? iso(runningAt) : null);
            node.put("finished_at", finished ? iso(createdAt + durationMs) : null);
            if (postAnswer) {
                node.put("message", "Search profile creation accepted. Poll this resource for status.");
            }
            return node;
        }
    }

    Reply handle(SimRequest request, long now) {
        if (request.method().equals("POST") && request.path().equals(CREATIONS)) {
            return create(request, now);
        }
        String id = request.idAfter(CREATIONS);
        if (request.method().equals("GET") && id != null) {
            Creation creation = byId.get(id);
            return creation == null
                    ? error(404, "not_found", "No search profile creation with this id")
                    : statusReply(creation, now);
        }
        return error(404, "not_found", "No such endpoint: " + request.method() + " " + request.path());
    }

    private Reply create(SimRequest request, long now) {
        String key = request.idempotencyHeader();
        if (key == null || key.isBlank()) {
            return validation(
                    List.of(new RuleViolation(
                            "Idempotency-Key",
                            SimulatedServerRules.OPENPROSPECT_VALIDATION_ERROR,
                            "Idempotency-Key: header required",
                            422)),
                    "header");
        }
        if (request.malformed() != null) {
            // "422 | Invalid request body or missing idempotency header"
            return validation(
                    List.of(new RuleViolation(
                            "body",
                            SimulatedServerRules.OPENPROSPECT_VALIDATION_ERROR,
                            "body: invalid request body: " + request.malformed(),
                            422)),
                    "body");
        }
        if (request.json() == null) {
            return validation(
                    List.of(new RuleViolation(
                            "body",
                            SimulatedServerRules.OPENPROSPECT_VALIDATION_ERROR,
                            "body: must be a JSON object",
                            422)),
                    "body");
        }
        List<RuleViolation> violations = SimulatedServerRules.openProspect(request.json());
        if (!violations.isEmpty()) {
            return validation(violations, "body");
        }
        String canonical = Json.canonical(request.json());
        boolean[] created = {false};
        String name = Json.text(request.json(), "profile_name");
        Creation creation = byKey.computeIfAbsent(key, k -> {
            created[0] = true;
            boolean fails = SimulatorTriggers.OPENPROSPECT_FAILED.equals(name)
                    || (SimulatorTriggers.OPENPROSPECT_FAILED_ONCE.equals(name) && failedOnce.add(canonical))
                    || chance.below(settings.failedShare());
            String id = SimulatorTriggers.OPENPROSPECT_ODD_ID.equals(name)
                    ? "../" + UUID.randomUUID() + " 7/item#1?all=true"
                    : UUID.randomUUID().toString();
            Creation fresh = new Creation(
                    id,
                    k,
                    request.body(),
                    now,
                    chance.runDuration(settings),
                    fails,
                    UUID.randomUUID().toString());
            byId.put(fresh.id(), fresh);
            ledger.run(new Ledger.Run(now, "openprospect", k, fresh.id(), request.body(), 0, fresh.durationMs()));
            return fresh;
        });
        // "Reuse a key only with the same request body": the body as sent, byte for byte (the strictest reading; the
        // bridge sends the text it stored, so its retries match even after a restart)
        if (!creation.body().equals(request.body())) {
            return error(
                    409, "idempotency_key_conflict", "Idempotency-Key was already used with a different request body");
        }
        return Reply.of(202, creation.view(now, created[0], true));
    }

    /** The status, with the status-retry-after-seconds knob's Retry-After while the creation is unfinished. */
    private Reply statusReply(Creation creation, long now) {
        ObjectNode view = creation.view(now, false, false);
        String status = view.get("status").asText();
        boolean unfinished = !status.equals("SUCCEEDED") && !status.equals("FAILED");
        return unfinished && settings.statusRetryAfterSeconds() > 0
                ? retryAfter.add(Reply.of(200, view), settings.statusRetryAfterSeconds(), now)
                : Reply.of(200, view);
    }

    private static Reply validation(List<RuleViolation> violations, String location) {
        ObjectNode body = Json.object();
        body.put("error_code", SimulatedServerRules.OPENPROSPECT_VALIDATION_ERROR);
        body.put(
                "error_message",
                String.join(
                        "; ", violations.stream().map(RuleViolation::message).toList()));
        ArrayNode detail = body.putArray("detail");
        for (RuleViolation violation : violations) {
            ObjectNode item = detail.addObject();
            item.putArray("loc").add(location).add(violation.field());
            item.put("msg", violation.message());
            item.put("type", violation.message().endsWith("required") ? "missing" : "value_error");
        }
        return Reply.of(422, body);
    }

    static Reply error(int status, String code, String message) {
        ObjectNode body = Json.object();
        body.put("error_code", code);
        body.put("error_message", message);
        return Reply.of(status, body);
    }

    static String iso(long millis) {
        return Instant.ofEpochMilli(millis).truncatedTo(ChronoUnit.SECONDS).toString();
    }

    void reset() {
        byKey.clear();
        byId.clear();
        failedOnce.clear();
    }
}
