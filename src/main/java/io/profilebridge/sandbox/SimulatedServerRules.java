package io.profilebridge.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import io.profilebridge.openprospect.OpenProspectRequestRules;
import io.profilebridge.orbit.OrbitRequestRules;
import io.profilebridge.validation.RuleViolation;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What the simulated servers refuse beyond the documented rules the bridge applies itself: the docs call an email
 * or a phone number "malformed" without saying what that means, so this is one plausible server, stricter than the
 * bridge on purpose. A request that passes the bridge and fails here shows the API's 400/422 becoming a failed
 * result with the API's own code. Never applied by the bridge.
 */
final class SimulatedServerRules {

    private static final Pattern EMAIL = Pattern.compile("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$");
    private static final Pattern PHONE = Pattern.compile("^\\+?[0-9 ().-]{7,20}$");
    private static final Pattern NO_WHITESPACE = Pattern.compile("^\\S+$");
    /** A profile's path, /in/NAME or /pub/NAME, and what LinkedIn puts after it (a locale: /in/NAME/de). */
    private static final Pattern PROFILE_PATH =
            Pattern.compile("(?i)^https?://[^/?#]+/(in|pub)/[^/?#]+(/[^?#]*)?([?#].*)?$");
    /** Structured-intent fields this server says it owns (the docs name no such field). */
    private static final Set<String> SERVER_OWNED_INTENT_FIELDS =
            Set.of("id", "ownerId", "createdAt", "updatedAt", "userId");

    private SimulatedServerRules() {}

    static List<RuleViolation> orbit(JsonNode body) {
        List<RuleViolation> violations = new ArrayList<>(OrbitRequestRules.validate(body));
        if (!violations.isEmpty()) {
            return violations;
        }
        textMatches(body, "email", EMAIL, "developer_deep_search_email_invalid", "email: is malformed", violations);
        textMatches(
                body,
                "phoneNumber",
                PHONE,
                "developer_deep_search_phone_invalid",
                "phoneNumber: is malformed",
                violations);
        if (gives(body, "linkedinUrl")
                && !isLinkedInProfileUrl(body.get("linkedinUrl").asText())) {
            violations.add(orbitViolation(
                    "linkedinUrl",
                    "developer_deep_search_linkedin_invalid",
                    "linkedinUrl: is malformed or is not a LinkedIn profile URL"));
        }
        for (JsonNode url : body.path("urls")) {
            if (!NO_WHITESPACE.matcher(url.asText()).matches()) {
                violations.add(orbitViolation(
                        "urls",
                        "developer_deep_search_url_invalid",
                        "urls: \"" + url.asText() + "\" is not a valid http(s) URL"));
            }
        }
        // a null one is none to this server, as a null signal is (identitySignals); one that is no object the
        // documented rules refuse already (structured_intent_required)
        JsonNode intent = body.get("structuredIntent");
        if (intent != null && intent.isObject()) {
            structuredIntent(intent, violations);
        }
        identitySignals(body, violations);
        return violations;
    }

    /**
     * "At least one identity signal ... is required": to this server a signal sent as null or as an empty list is
     * none (the bridge, which only asks that one be present, lets the API judge such values), and signals that hold
     * nothing to search by (blank names, an intent with only its version) "could not start a Deep Search run".
     */
    private static void identitySignals(JsonNode body, List<RuleViolation> violations) {
        List<JsonNode> given = OrbitRequestRules.IDENTITY_SIGNALS.stream()
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
        List<RuleViolation> violations = new ArrayList<>(OpenProspectRequestRules.validate(body));
        if (!violations.isEmpty()) {
            return violations;
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

    private static boolean isLinkedInProfileUrl(String text) {
        return OrbitRequestRules.httpUrlHost(text)
                        .filter(OrbitRequestRules::isLinkedInHost)
                        .isPresent()
                && PROFILE_PATH.matcher(text).matches();
    }

    private static void structuredIntent(JsonNode intent, List<RuleViolation> violations) {
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
        if (gives(body, field) && !pattern.matcher(body.get(field).asText()).matches()) {
            violations.add(orbitViolation(field, code, message));
        }
    }

    private static RuleViolation orbitViolation(String field, String code, String message) {
        return new RuleViolation(field, code, message, 400);
    }

    private static RuleViolation openProspectViolation(String field, String message) {
        return new RuleViolation(field, OpenProspectRequestRules.VALIDATION_ERROR, message, 422);
    }
}
