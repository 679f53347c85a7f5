package io.profilebridge.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import io.profilebridge.validation.RuleViolation;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What the simulated servers refuse: every rule the API docs state, read as a strict server would, plus one plausible
 * reading of what they leave open (the docs call an email or a phone number "malformed" without saying what that
 * means). Written from the docs alone, never from the bridge's own rules (OrbitRequestRules, OpenProspectRequestRules):
 * a local rule stricter than the docs refuses what this server starts, and a local rule that lets through what the
 * docs refuse meets this server's 400/422, so the tests see both (test-quality audit: a phone rule made stricter went
 * unnoticed while this class began with the bridge's rules). Never applied by the bridge.
 */
final class SimulatedServerRules {

    private static final Pattern EMAIL = Pattern.compile("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$");
    private static final Pattern PHONE = Pattern.compile("^\\+?[0-9 ().-]{7,20}$");
    /** A profile's path, /in/NAME or /pub/NAME, and what LinkedIn puts after it (a locale: /in/NAME/de). */
    private static final Pattern PROFILE_PATH = Pattern.compile("(?i)^/(in|pub)/[^/]+(/.*)?$");

    /** "The request body is a strict allowlist: requestId, runShape, profileId, structuredIntent, ..." */
    private static final Set<String> ORBIT_FIELDS = Set.of(
            "requestId",
            "runShape",
            "profileId",
            "structuredIntent",
            "email",
            "phoneNumber",
            "linkedinUrl",
            "urls",
            "usernames");
    /** "At least one identity signal — profileId, structuredIntent, email, phoneNumber, linkedinUrl, urls, or usernames" */
    static final List<String> IDENTITY_SIGNALS =
            List.of("profileId", "structuredIntent", "email", "phoneNumber", "linkedinUrl", "urls", "usernames");
    /** "Legacy fields are rejected with 400 developer_deep_search_field_unsupported, and the error message names the replacement" */
    private static final Map<String, String> LEGACY_FIELDS = Map.of(
            "mode", "omit it, or runShape: \"candidate_discovery\"",
            "partialProfile", "runShape: \"partial_only\" (default), or \"partial_plus_full\"",
            "dry_run", "removed; runs are always real",
            "options", "removed",
            "profile_id", "profileId",
            "orbit_id", "profileId");
    /** "Send the field as phoneNumber, not phone." */
    private static final Map<String, String> RENAMED_FIELDS = Map.of("phone", "phoneNumber");

    private static final Set<String> RUN_SHAPES =
            Set.of("partial_only", "partial_plus_full", "full_generation_only", "candidate_discovery");
    /** Structured-intent fields this server says it owns (the docs name "a server-owned structured intent field", not which). */
    private static final Set<String> SERVER_OWNED_INTENT_FIELDS =
            Set.of("id", "ownerId", "createdAt", "updatedAt", "userId");

    /** OpenProspect's 422 as this server writes it (the docs give no error body). */
    static final String OPENPROSPECT_VALIDATION_ERROR = "validation_error";

    private SimulatedServerRules() {}

    static List<RuleViolation> orbit(JsonNode body) {
        List<RuleViolation> violations = new ArrayList<>();
        if (body == null || !body.isObject()) {
            violations.add(orbitViolation(
                    "body", "developer_deep_search_invalid_request", "the request body must be a JSON object"));
            return violations;
        }
        for (var names = body.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!ORBIT_FIELDS.contains(name)) {
                violations.add(orbitViolation(
                        name,
                        "developer_deep_search_field_unsupported",
                        name + ": is not accepted"
                                + (LEGACY_FIELDS.containsKey(name) ? "; replacement: " + LEGACY_FIELDS.get(name) : "")
                                + (RENAMED_FIELDS.containsKey(name)
                                        ? "; send it as " + RENAMED_FIELDS.get(name)
                                        : "")));
            }
        }
        // a null optional field is one not sent, to this server
        nonEmptyString(body, "requestId", "developer_deep_search_request_id_invalid", violations);
        nonEmptyString(body, "profileId", "developer_deep_search_profile_id_invalid", violations);
        if (body.hasNonNull("runShape")
                && !(body.get("runShape").isTextual()
                        && RUN_SHAPES.contains(body.get("runShape").asText()))) {
            violations.add(
                    orbitViolation(
                            "runShape",
                            "developer_deep_search_run_shape_invalid",
                            "runShape: is not one of partial_only, partial_plus_full, full_generation_only, candidate_discovery"));
        }
        textMatches(body, "email", EMAIL, "developer_deep_search_email_invalid", "email: is malformed", violations);
        textMatches(
                body,
                "phoneNumber",
                PHONE,
                "developer_deep_search_phone_invalid",
                "phoneNumber: is malformed",
                violations);
        if (body.hasNonNull("linkedinUrl")
                && !(body.get("linkedinUrl").isTextual()
                        && isLinkedInProfileUrl(body.get("linkedinUrl").asText()))) {
            violations.add(orbitViolation(
                    "linkedinUrl",
                    "developer_deep_search_linkedin_invalid",
                    "linkedinUrl: is malformed or is not a LinkedIn profile URL"));
        }
        for (String list : List.of("urls", "usernames")) {
            if (body.has(list) && !body.get(list).isNull() && !isArrayOfStrings(body.get(list))) {
                violations.add(orbitViolation(
                        list, "developer_deep_search_field_invalid", list + ": is not an array of strings"));
            }
        }
        if (isArrayOfStrings(body.path("urls"))) {
            for (JsonNode url : body.get("urls")) {
                if (!isHttpUrl(url.asText())) {
                    violations.add(orbitViolation(
                            "urls",
                            "developer_deep_search_url_invalid",
                            "urls: \"" + url.asText() + "\" is not a valid http(s) URL"));
                }
            }
        }
        JsonNode intent = body.get("structuredIntent");
        if (intent != null && !intent.isNull()) {
            structuredIntent(intent, violations);
        }
        // "candidate_discovery requires structuredIntent and does not accept profileId"
        if (body.hasNonNull("runShape")
                && "candidate_discovery".equals(body.get("runShape").asText())) {
            if (body.hasNonNull("profileId")) {
                violations.add(orbitViolation(
                        "runShape",
                        "developer_deep_search_run_shape_invalid",
                        "runShape: candidate_discovery is not valid with profileId"));
            }
            if (!gives(body, "structuredIntent")) {
                violations.add(orbitViolation(
                        "runShape",
                        "developer_deep_search_run_shape_invalid",
                        "runShape: candidate_discovery requires structuredIntent"));
            }
        }
        if (violations.isEmpty()) {
            identitySignals(body, violations);
        }
        return violations;
    }

    /**
     * "At least one identity signal ... is required": to this server a signal sent as null or as an empty list is
     * none (the bridge, which only asks that one be present, lets the API judge such values), and signals that hold
     * nothing to search by (blank names, an intent with only its version) "could not start a Deep Search run".
     */
    private static void identitySignals(JsonNode body, List<RuleViolation> violations) {
        List<JsonNode> given = IDENTITY_SIGNALS.stream()
                .filter(signal -> gives(body, signal))
                .map(body::get)
                .toList();
        if (given.isEmpty()) {
            violations.add(orbitViolation(
                    "body",
                    "developer_deep_search_input_required",
                    "no identity signal was provided (a null or an empty list is none)"));
        } else if (given.stream().noneMatch(SimulatedServerRules::holdsSomethingToSearchBy)) {
            violations.add(orbitViolation(
                    "body",
                    "developer_deep_search_unprocessable_seed",
                    "The provided identity signals could not start a Deep Search run (nothing to search by)"));
        }
    }

    /** Whether the body sends this identity signal: present, not null, and not an empty list. */
    static boolean gives(JsonNode body, String signal) {
        JsonNode value = body.get(signal);
        return value != null && !value.isNull() && !(value.isArray() && value.isEmpty());
    }

    private static boolean holdsSomethingToSearchBy(JsonNode signal) {
        if (signal.isArray()) {
            for (JsonNode value : signal) {
                if (!value.asText().isBlank()) {
                    return true;
                }
            }
            return false;
        }
        if (signal.isObject()) {
            for (var names = signal.fieldNames(); names.hasNext(); ) {
                if (!names.next().equals("version")) {
                    return true;
                }
            }
            return false;
        }
        return !signal.asText().isBlank();
    }

    private static boolean isWholeNumber(JsonNode value) {
        return value.isIntegralNumber()
                || (value.isNumber()
                        && value.decimalValue().stripTrailingZeros().scale() <= 0);
    }

    static List<RuleViolation> openProspect(JsonNode body) {
        List<RuleViolation> violations = new ArrayList<>();
        if (body == null || !body.isObject()) {
            violations.add(openProspectViolation("body", "body: must be a JSON object"));
            return violations;
        }
        // "profile_name, ideal_customer_profile, and target_countries are required."
        for (String field : List.of("profile_name", "ideal_customer_profile", "target_countries")) {
            if (!body.hasNonNull(field)) {
                violations.add(openProspectViolation(field, field + ": field required"));
            }
        }
        if (!violations.isEmpty()) {
            return violations;
        }
        // "target_countries must contain at least one value."
        if (body.get("target_countries").isArray()
                && body.get("target_countries").isEmpty()) {
            violations.add(
                    openProspectViolation("target_countries", "target_countries: must contain at least one value"));
        }
        // "company_size_min and company_size_max must be positive when provided."
        for (String field : List.of("company_size_min", "company_size_max")) {
            JsonNode value = body.get(field);
            if (value != null && value.isNumber() && value.decimalValue().signum() <= 0) {
                violations.add(openProspectViolation(field, field + ": must be positive"));
            }
        }
        for (String field : List.of("profile_name", "ideal_customer_profile")) {
            if (!body.get(field).isTextual() || body.get(field).asText().isBlank()) {
                violations.add(openProspectViolation(field, field + ": must be a non-empty string"));
            }
        }
        JsonNode countries = body.get("target_countries");
        if (!countries.isArray()) {
            violations.add(openProspectViolation("target_countries", "target_countries: must be a list"));
        } else {
            for (JsonNode country : countries) {
                if (!country.isTextual() || country.asText().isBlank()) {
                    violations.add(openProspectViolation(
                            "target_countries", "target_countries: every value must be a non-empty string"));
                    break;
                }
            }
        }
        // a count of employees: a whole number, however written (50.0 and 1e3 are whole; the docs say only "positive")
        for (String field : List.of("company_size_min", "company_size_max")) {
            JsonNode value = body.get(field);
            if (value != null && !value.isNull() && !isWholeNumber(value)) {
                violations.add(openProspectViolation(field, field + ": must be a whole number"));
            }
        }
        JsonNode language = body.get("output_language");
        if (language != null
                && !language.isNull()
                && (!language.isTextual() || language.asText().isBlank())) {
            violations.add(openProspectViolation(
                    "output_language", "output_language: must be a language code such as \"en\""));
        }
        return violations;
    }

    /** An http(s) URL on linkedin.com (or a subdomain: www., de.) whose path is a profile's. */
    private static boolean isLinkedInProfileUrl(String text) {
        return httpUri(text)
                .filter(uri -> {
                    String host = hostOf(uri);
                    return host.equals("linkedin.com") || host.endsWith(".linkedin.com");
                })
                .filter(uri -> uri.getRawPath() != null
                        && PROFILE_PATH.matcher(uri.getRawPath()).matches())
                .isPresent();
    }

    /**
     * "a valid http(s) URL", as this server reads it: an RFC 3986 URI with an http or https scheme (any case) and an
     * authority (a host name with "_" included, as browsers take it).
     */
    private static boolean isHttpUrl(String text) {
        return httpUri(text).isPresent();
    }

    private static Optional<URI> httpUri(String text) {
        try {
            URI uri = new URI(text);
            String scheme = uri.getScheme();
            return scheme != null
                            && (scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
                            && !hostOf(uri).isEmpty()
                    ? Optional.of(uri)
                    : Optional.empty();
        } catch (URISyntaxException e) {
            return Optional.empty();
        }
    }

    /** The host of the URI's authority, lower-cased: without a user before it or a port after it. */
    private static String hostOf(URI uri) {
        String authority = uri.getRawAuthority();
        if (authority == null) {
            return "";
        }
        String host = authority.substring(authority.lastIndexOf('@') + 1);
        int port = host.lastIndexOf(':');
        if (port >= 0 && !host.endsWith("]")) {
            host = host.substring(0, port);
        }
        return host.toLowerCase(Locale.ROOT);
    }

    /** Written again here on purpose, as every check of this class: it shares no rule code with the bridge's. */
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

    private static void nonEmptyString(JsonNode body, String field, String code, List<RuleViolation> violations) {
        if (body.hasNonNull(field)
                && !(body.get(field).isTextual() && !body.get(field).asText().isEmpty())) {
            violations.add(orbitViolation(field, code, field + ": is not a non-empty string"));
        }
    }

    private static void structuredIntent(JsonNode intent, List<RuleViolation> violations) {
        // "structuredIntent was provided but its value is not a valid object"
        if (!intent.isObject()) {
            violations.add(orbitViolation(
                    "structuredIntent", "structured_intent_required", "structuredIntent: is not a valid object"));
            return;
        }
        // "structuredIntent.personalization was provided; Deep Search cannot honor user-context filters"
        if (intent.hasNonNull("personalization")) {
            violations.add(orbitViolation(
                    "structuredIntent.personalization",
                    "developer_deep_search_personalization_unsupported",
                    "structuredIntent.personalization: Deep Search cannot honor user-context filters"));
        }
        // "entityClauses are not part of the public structured DSL"
        if (intent.hasNonNull("entityClauses")) {
            violations.add(orbitViolation(
                    "structuredIntent.entityClauses",
                    "structured_intent_entity_clauses_unsupported",
                    "structuredIntent.entityClauses: not part of the public structured DSL"));
        }
        // "structuredIntent.version must be "v1""
        if (intent.has("version") && !"v1".equals(intent.get("version").asText(null))) {
            violations.add(orbitViolation(
                    "structuredIntent.version",
                    "structured_intent_version_unsupported",
                    "structuredIntent.version: must be \"v1\""));
        }
        if (!intent.has("version")) {
            violations.add(orbitViolation(
                    "structuredIntent.version",
                    "structured_intent_invalid",
                    "structuredIntent.version: is required (\"v1\")"));
        }
        for (String owned : SERVER_OWNED_INTENT_FIELDS) {
            if (intent.has(owned)) {
                violations.add(orbitViolation(
                        "structuredIntent." + owned,
                        "structured_intent_server_owned_field",
                        "structuredIntent." + owned + ": is owned by the server and must not be sent"));
            }
        }
        for (String list : List.of("names", "semanticClauses", "experiences", "schools")) {
            JsonNode value = intent.get(list);
            if (value != null && !value.isArray()) {
                violations.add(orbitViolation(
                        "structuredIntent." + list,
                        "structured_intent_invalid",
                        "structuredIntent." + list + ": must be an array"));
            }
        }
        for (String object : List.of("geo", "demographics")) {
            JsonNode value = intent.get(object);
            if (value != null && !value.isObject()) {
                violations.add(orbitViolation(
                        "structuredIntent." + object,
                        "structured_intent_invalid",
                        "structuredIntent." + object + ": must be an object"));
            }
        }
    }

    private static void textMatches(
            JsonNode body, String field, Pattern pattern, String code, String message, List<RuleViolation> violations) {
        // null is a signal not given (the bridge passes it on for the API to judge), not a malformed one
        if (body.hasNonNull(field)
                && !(body.get(field).isTextual()
                        && pattern.matcher(body.get(field).asText()).matches())) {
            violations.add(orbitViolation(field, code, message));
        }
    }

    private static RuleViolation orbitViolation(String field, String code, String message) {
        return new RuleViolation(field, code, message, 400);
    }

    private static RuleViolation openProspectViolation(String field, String message) {
        return new RuleViolation(field, OPENPROSPECT_VALIDATION_ERROR, message, 422);
    }
}
