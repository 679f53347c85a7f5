package io.profilebridge.orbit;

import java.net.URI;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import io.profilebridge.validation.RuleViolation;

/**
 * The validation rules of {@code POST /v2/developer/deep-search}, as documented: the strict top-level allowlist,
 * the legacy fields with their replacements, the format of each identity signal, the structured-intent rules and
 * the run-shape rules. Used by the bridge before calling and by the simulator, which answers 400 with them.
 */
public final class OrbitRequestRules {

    /** Credits a run costs by default (the operator may configure another value). */
    public static final int DEFAULT_RUN_COST = 10;

    public static final Set<String> RUN_SHAPES =
            Set.of("partial_only", "partial_plus_full", "full_generation_only", "candidate_discovery");

    static final Set<String> ALLOWED = Set.of("requestId", "runShape", "profileId", "structuredIntent", "email",
            "phoneNumber", "linkedinUrl", "urls", "usernames");

    static final Set<String> IDENTITY_SIGNALS = Set.of("profileId", "structuredIntent", "email", "phoneNumber",
            "linkedinUrl", "urls", "usernames");

    /** The migration table of the docs: legacy field and what replaces it. */
    static final Map<String, String> LEGACY = Map.of(
            "mode", "omit it (generation is the default) or send runShape: \"candidate_discovery\"",
            "partialProfile", "runShape: \"partial_only\" (default) or \"partial_plus_full\"",
            "dry_run", "nothing: runs are always real",
            "options", "nothing: options were removed",
            "profile_id", "profileId",
            "orbit_id", "profileId");

    /** Structured-intent fields the server owns; a client must not send them. */
    static final Set<String> SERVER_OWNED_INTENT_FIELDS = Set.of("id", "ownerId", "createdAt", "updatedAt", "userId");

    private static final Pattern EMAIL = Pattern.compile("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$");
    private static final Pattern PHONE = Pattern.compile("^\\+?[0-9 ().-]{7,20}$");

    private OrbitRequestRules() {
    }

    public static boolean isCandidateDiscovery(JsonNode body) {
        return body != null && "candidate_discovery".equals(body.path("runShape").asText(null));
    }

    public static List<RuleViolation> validate(JsonNode body) {
        List<RuleViolation> violations = new ArrayList<>();
        if (body == null || !body.isObject()) {
            violations.add(violation("body", "developer_deep_search_invalid_request", "the request body must be a JSON object"));
            return violations;
        }
        for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (LEGACY.containsKey(name)) {
                violations.add(violation(name, "developer_deep_search_field_unsupported",
                        name + ": legacy field, no longer supported; replacement: " + LEGACY.get(name)));
            } else if (!ALLOWED.contains(name)) {
                violations.add(violation(name, "developer_deep_search_field_unsupported",
                        name + ": not an allowed field (allowed: " + String.join(", ", ALLOWED.stream().sorted().toList()) + ")"));
            }
        }
        nonEmptyText(body, "requestId", "developer_deep_search_request_id_invalid", violations);
        nonEmptyText(body, "profileId", "developer_deep_search_profile_id_invalid", violations);
        JsonNode runShape = body.get("runShape");
        if (runShape != null && (!runShape.isTextual() || !RUN_SHAPES.contains(runShape.asText()))) {
            violations.add(violation("runShape", "developer_deep_search_run_shape_invalid",
                    "runShape: must be one of partial_only, partial_plus_full, full_generation_only, candidate_discovery"));
        }
        matches(body, "email", EMAIL, "developer_deep_search_email_invalid", "a valid email address", violations);
        matches(body, "phoneNumber", PHONE, "developer_deep_search_phone_invalid", "a valid phone number", violations);
        JsonNode linkedin = body.get("linkedinUrl");
        if (linkedin != null && !isLinkedInProfile(linkedin)) {
            violations.add(violation("linkedinUrl", "developer_deep_search_linkedin_invalid",
                    "linkedinUrl: must be a LinkedIn profile URL such as https://www.linkedin.com/in/NAME"));
        }
        JsonNode urls = body.get("urls");
        if (urls != null) {
            if (!isArrayOfStrings(urls)) {
                violations.add(violation("urls", "developer_deep_search_field_invalid", "urls: must be an array of strings"));
            } else {
                for (JsonNode url : urls) {
                    if (!isHttpUrl(url.asText())) {
                        violations.add(violation("urls", "developer_deep_search_url_invalid",
                                "urls: \"" + url.asText() + "\" is not a valid http(s) URL"));
                        break;
                    }
                }
            }
        }
        JsonNode usernames = body.get("usernames");
        if (usernames != null && !isArrayOfStrings(usernames)) {
            violations.add(violation("usernames", "developer_deep_search_field_invalid", "usernames: must be an array of strings"));
        }
        JsonNode intent = body.get("structuredIntent");
        if (intent != null) {
            structuredIntent(intent, violations);
        }
        if (IDENTITY_SIGNALS.stream().noneMatch(body::has)) {
            violations.add(violation("body", "developer_deep_search_input_required",
                    "at least one identity signal is required: profileId, structuredIntent, email, phoneNumber, "
                            + "linkedinUrl, urls or usernames"));
        }
        if (isCandidateDiscovery(body)) {
            if (body.has("profileId")) {
                violations.add(violation("runShape", "developer_deep_search_run_shape_invalid",
                        "runShape: candidate_discovery does not accept profileId"));
            }
            if (!body.has("structuredIntent")) {
                violations.add(violation("runShape", "developer_deep_search_run_shape_invalid",
                        "runShape: candidate_discovery requires structuredIntent"));
            }
        }
        return violations;
    }

    private static void structuredIntent(JsonNode intent, List<RuleViolation> violations) {
        if (!intent.isObject()) {
            violations.add(violation("structuredIntent", "structured_intent_required", "structuredIntent: must be an object"));
            return;
        }
        if (intent.has("personalization")) {
            violations.add(violation("structuredIntent.personalization", "developer_deep_search_personalization_unsupported",
                    "structuredIntent.personalization: not supported by Deep Search; use POST /v2/developer/search"));
        }
        if (intent.has("entityClauses")) {
            violations.add(violation("structuredIntent.entityClauses", "structured_intent_entity_clauses_unsupported",
                    "structuredIntent.entityClauses: not part of the public structured DSL"));
        }
        for (String owned : SERVER_OWNED_INTENT_FIELDS) {
            if (intent.has(owned)) {
                violations.add(violation("structuredIntent." + owned, "structured_intent_server_owned_field",
                        "structuredIntent." + owned + ": is owned by the server and must not be sent"));
            }
        }
        JsonNode version = intent.get("version");
        if (version == null) {
            violations.add(violation("structuredIntent.version", "structured_intent_invalid",
                    "structuredIntent.version: is required (\"v1\")"));
        } else if (!"v1".equals(version.asText()) || !version.isTextual()) {
            violations.add(violation("structuredIntent.version", "structured_intent_version_unsupported",
                    "structuredIntent.version: must be \"v1\""));
        }
        for (String list : List.of("names", "semanticClauses", "experiences", "schools")) {
            JsonNode value = intent.get(list);
            if (value != null && !value.isArray()) {
                violations.add(violation("structuredIntent." + list, "structured_intent_invalid",
                        "structuredIntent." + list + ": must be an array"));
            }
        }
        for (String object : List.of("geo", "demographics")) {
            JsonNode value = intent.get(object);
            if (value != null && !value.isObject()) {
                violations.add(violation("structuredIntent." + object, "structured_intent_invalid",
                        "structuredIntent." + object + ": must be an object"));
            }
        }
    }

    private static void nonEmptyText(JsonNode body, String field, String code, List<RuleViolation> violations) {
        JsonNode value = body.get(field);
        if (value != null && (!value.isTextual() || value.asText().isBlank())) {
            violations.add(violation(field, code, field + ": must be a non-empty string"));
        }
    }

    private static void matches(JsonNode body, String field, Pattern pattern, String code, String what,
            List<RuleViolation> violations) {
        JsonNode value = body.get(field);
        if (value != null && (!value.isTextual() || !pattern.matcher(value.asText()).matches())) {
            violations.add(violation(field, code, field + ": must be " + what));
        }
    }

    private static boolean isArrayOfStrings(JsonNode node) {
        if (!node.isArray()) {
            return false;
        }
        for (JsonNode item : node) {
            if (!item.isTextual()) {
                return false;
            }
        }
        return true;
    }

    static boolean isHttpUrl(String text) {
        try {
            URI uri = new URI(text);
            return ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null;
        } catch (Exception e) {
            return false;
        }
    }

    private static boolean isLinkedInProfile(JsonNode node) {
        if (!node.isTextual() || !isHttpUrl(node.asText())) {
            return false;
        }
        URI uri = URI.create(node.asText());
        String host = uri.getHost().toLowerCase();
        String path = uri.getPath() == null ? "" : uri.getPath();
        return (host.equals("linkedin.com") || host.endsWith(".linkedin.com")) && path.matches("/in/[^/]+/?");
    }

    private static RuleViolation violation(String field, String code, String message) {
        return new RuleViolation(field, code, message, 400);
    }
}
