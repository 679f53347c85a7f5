package io.profilebridge.orbit;

import com.fasterxml.jackson.databind.JsonNode;
import io.profilebridge.validation.RuleViolation;
import java.net.IDN;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What {@code POST /v2/developer/deep-search} clearly rejects by its documentation, and nothing more: the bridge
 * refuses these before any call (and {@code check} offline); anything the docs leave open ("malformed" without a
 * definition) goes to the API, whose 400 then becomes the failed result with its own code. Each rule quotes the
 * sentence it enforces.
 */
public final class OrbitRequestRules {

    /** Credits a run costs by default (the operator may configure another value). */
    public static final int DEFAULT_RUN_COST = 10;

    public static final Set<String> RUN_SHAPES =
            Set.of("partial_only", "partial_plus_full", "full_generation_only", "candidate_discovery");

    static final Set<String> ALLOWED = Set.of(
            "requestId",
            "runShape",
            "profileId",
            "structuredIntent",
            "email",
            "phoneNumber",
            "linkedinUrl",
            "urls",
            "usernames");

    public static final Set<String> IDENTITY_SIGNALS =
            Set.of("profileId", "structuredIntent", "email", "phoneNumber", "linkedinUrl", "urls", "usernames");

    /**
     * The run shape the API runs for a request: its {@code runShape} as written (any text: the API judges it, not
     * this), else the docs' default, {@code partial_only}, except for a body whose only identity signal is a profileId:
     * "the regeneration path defaults to full generation".
     */
    public static String runShape(JsonNode body) {
        JsonNode shape = body.get("runShape");
        if (shape != null && shape.isTextual()) {
            return shape.asText();
        }
        boolean regeneration = body.hasNonNull("profileId")
                && IDENTITY_SIGNALS.stream()
                        .filter(signal -> !signal.equals("profileId"))
                        .noneMatch(body::hasNonNull);
        return regeneration ? "full_generation_only" : "partial_only";
    }

    /** The migration table of the docs: legacy field and what replaces it. */
    static final Map<String, String> LEGACY = Map.of(
            "mode", "omit it (generation is the default) or send runShape: \"candidate_discovery\"",
            "partialProfile", "runShape: \"partial_only\" (default) or \"partial_plus_full\"",
            "dry_run", "nothing: runs are always real",
            "options", "nothing: options were removed",
            "profile_id", "profileId",
            "orbit_id", "profileId");

    /** Fields the docs name a replacement for besides the legacy ones: "Send the field as phoneNumber, not phone." */
    static final Map<String, String> RENAMED = Map.of("phone", "phoneNumber");

    /** An http or https URL (schemes are case-insensitive, RFC 3986) with a non-empty authority; group 1 is it. */
    /** http: or https: (any case), any slashes or backslashes, then the authority (WHATWG's reading of them). */
    private static final Pattern HTTP_URL = Pattern.compile("(?i)^https?:[/\\\\]*([^/\\\\?#]*)");

    private static final Pattern TAB_OR_NEWLINE = Pattern.compile("[\t\n\r]");

    private OrbitRequestRules() {}

    public static boolean isCandidateDiscovery(JsonNode body) {
        return body != null
                && "candidate_discovery".equals(body.path("runShape").asText(null));
    }

    public static List<RuleViolation> validate(JsonNode body) {
        List<RuleViolation> violations = new ArrayList<>();
        if (body == null || !body.isObject()) {
            violations.add(violation(
                    "body", "developer_deep_search_invalid_request", "the request body must be a JSON object"));
            return violations;
        }
        // "The request body is a strict allowlist: requestId, runShape, profileId, structuredIntent, email,
        // phoneNumber,
        // linkedinUrl, urls, and usernames. Any other top-level field is rejected." Legacy fields "are flagged with a
        // replacement hint".
        for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (LEGACY.containsKey(name)) {
                violations.add(violation(
                        name,
                        "developer_deep_search_field_unsupported",
                        name + ": legacy field, no longer supported; replacement: " + LEGACY.get(name)));
            } else if (!ALLOWED.contains(name)) {
                violations.add(violation(
                        name,
                        "developer_deep_search_field_unsupported",
                        name + ": not an allowed field"
                                + (RENAMED.containsKey(name) ? "; send it as " + RENAMED.get(name) : "")
                                + " (allowed: "
                                + String.join(", ", ALLOWED.stream().sorted().toList()) + ")"));
            }
        }
        // "requestId is not a non-empty string" / "profileId is not a non-empty string": a blank string is non-empty
        nonEmptyText(body, "requestId", "developer_deep_search_request_id_invalid", violations);
        nonEmptyText(body, "profileId", "developer_deep_search_profile_id_invalid", violations);
        // "runShape is not one of partial_only, partial_plus_full, full_generation_only, candidate_discovery"
        // (a null one the API judges, as a null email: it may read it as "not sent"; local checks are never stricter)
        JsonNode runShape = present(body, "runShape");
        if (runShape != null && (!runShape.isTextual() || !RUN_SHAPES.contains(runShape.asText()))) {
            violations.add(
                    violation(
                            "runShape",
                            "developer_deep_search_run_shape_invalid",
                            "runShape: must be one of partial_only, partial_plus_full, full_generation_only, candidate_discovery"));
        }
        // "email string", "email is malformed": the docs define no format, so only what no reading calls an address
        // (not a string; no @ between a local part and a domain) is refused here; the API judges the rest. A null
        // in an optional field may mean "not sent" to the API: it judges that, in every field (Orbit audit: a null
        // requestId, profileId, urls, usernames or structuredIntent was refused here, a null email sent)
        JsonNode email = present(body, "email");
        if (email != null && !isAddress(email)) {
            violations.add(violation(
                    "email",
                    "developer_deep_search_email_invalid",
                    "email: must be a string holding an address with an @ between a local part and a domain"));
        }
        // "phoneNumber string", "phoneNumber is malformed": no format is documented, so only the type is checked
        JsonNode phone = present(body, "phoneNumber");
        if (phone != null && !phone.isTextual()) {
            violations.add(
                    violation("phoneNumber", "developer_deep_search_phone_invalid", "phoneNumber: must be a string"));
        }
        // "linkedinUrl is malformed or is not a LinkedIn profile URL": refused here only when it is not a string, or an
        // http(s) URL on a host other than LinkedIn's; the API judges paths and anything that is not a URL
        JsonNode linkedin = present(body, "linkedinUrl");
        if (linkedin != null && (!linkedin.isTextual() || isUrlOffLinkedIn(linkedin.asText()))) {
            violations.add(violation(
                    "linkedinUrl",
                    "developer_deep_search_linkedin_invalid",
                    "linkedinUrl: must be a LinkedIn profile URL such as https://www.linkedin.com/in/NAME"));
        }
        // "urls or usernames is not an array of strings"; "urls contains a value that is not a valid http(s) URL":
        // refused here when a value lacks an http: or https: scheme (any case) with a host; the API judges the rest
        JsonNode urls = present(body, "urls");
        if (urls != null) {
            if (!isArrayOfStrings(urls)) {
                violations.add(
                        violation("urls", "developer_deep_search_field_invalid", "urls: must be an array of strings"));
            } else {
                for (JsonNode url : urls) {
                    if (httpUrlHost(url.asText()).isEmpty()) {
                        violations.add(violation(
                                "urls",
                                "developer_deep_search_url_invalid",
                                "urls: \"" + url.asText() + "\" is not an http(s) URL"));
                        break;
                    }
                }
            }
        }
        JsonNode usernames = present(body, "usernames");
        if (usernames != null && !isArrayOfStrings(usernames)) {
            violations.add(violation(
                    "usernames", "developer_deep_search_field_invalid", "usernames: must be an array of strings"));
        }
        // a null one may be "not provided", as a null personalization: the API judges it
        JsonNode intent = present(body, "structuredIntent");
        if (intent != null) {
            structuredIntent(intent, violations);
        }
        // "At least one identity signal — profileId, structuredIntent, email, phoneNumber, linkedinUrl, urls, or
        // usernames — is required."
        if (IDENTITY_SIGNALS.stream().noneMatch(body::has)) {
            violations.add(violation(
                    "body",
                    "developer_deep_search_input_required",
                    "at least one identity signal is required: profileId, structuredIntent, email, phoneNumber, "
                            + "linkedinUrl, urls or usernames"));
        }
        // "candidate_discovery requires structuredIntent and does not accept profileId."
        if (isCandidateDiscovery(body)) {
            if (present(body, "profileId") != null) {
                violations.add(violation(
                        "runShape",
                        "developer_deep_search_run_shape_invalid",
                        "runShape: candidate_discovery does not accept profileId"));
            }
            if (!body.has("structuredIntent")) {
                violations.add(violation(
                        "runShape",
                        "developer_deep_search_run_shape_invalid",
                        "runShape: candidate_discovery requires structuredIntent"));
            }
        }
        return violations;
    }

    /** The structured-intent rules the docs name; the DSL's inner shapes are left to the API. */
    private static void structuredIntent(JsonNode intent, List<RuleViolation> violations) {
        // "structuredIntent was provided but its value is not a valid object"
        if (!intent.isObject()) {
            violations.add(
                    violation("structuredIntent", "structured_intent_required", "structuredIntent: must be an object"));
            return;
        }
        // "structuredIntent.personalization was provided; Deep Search cannot honor user-context filters" (a null one
        // may not count as provided: the API judges it, as every null of an optional field here)
        if (present(intent, "personalization") != null) {
            violations.add(violation(
                    "structuredIntent.personalization",
                    "developer_deep_search_personalization_unsupported",
                    "structuredIntent.personalization: not supported by Deep Search; use POST /v2/developer/search"));
        }
        // "entityClauses are not part of the public structured DSL"
        if (present(intent, "entityClauses") != null) {
            violations.add(violation(
                    "structuredIntent.entityClauses",
                    "structured_intent_entity_clauses_unsupported",
                    "structuredIntent.entityClauses: not part of the public structured DSL"));
        }
        // "structuredIntent.version must be "v1"" (when it is sent; whether it may be left out is the API's call)
        JsonNode version = present(intent, "version");
        if (version != null && !(version.isTextual() && "v1".equals(version.asText()))) {
            violations.add(violation(
                    "structuredIntent.version",
                    "structured_intent_version_unsupported",
                    "structuredIntent.version: must be \"v1\""));
        }
    }

    /**
     * The lower-cased host of an http(s) URL (any case of the scheme, a host with {@code _} included), or empty when
     * the text does not start like one. Deliberately lenient, read as a browser reads a URL (WHATWG): spaces and
     * control characters around it, missing slashes after the scheme and backslashes for slashes are all taken
     * ({@code " https://a.example"}, {@code "https:a.example"}); it names what is clearly not an http(s) URL
     * (API-docs audit: those three were refused here, where the docs leave "valid" to the API).
     */
    public static Optional<String> httpUrlHost(String text) {
        // trim: every character up to U+0020 at either end, the C0 controls and space a URL parser drops; a tab or a
        // line break anywhere is dropped as well
        Matcher url = HTTP_URL.matcher(TAB_OR_NEWLINE.matcher(text.trim()).replaceAll(""));
        if (!url.find()) {
            return Optional.empty();
        }
        String host = url.group(1);
        host = host.substring(host.lastIndexOf('@') + 1);
        if (host.startsWith("[")) {
            host = host.substring(0, host.indexOf(']') + 1);
        } else if (host.contains(":")) {
            host = host.substring(0, host.indexOf(':'));
        }
        return host.isEmpty() ? Optional.empty() : Optional.of(browserHost(host));
    }

    /**
     * The host as a browser goes on to read it: percent-decoded, then mapped to ASCII (IDNA: full-width letters, an
     * ideographic full stop as a dot) and lower-cased. Strictness audit: {@code linkedin%2Ecom} and a full-width
     * {@code ｌｉｎｋｅｄｉｎ} were refused here as not LinkedIn's, where a browser goes to www.linkedin.com. What
     * cannot be mapped stays as written, for the API to judge.
     */
    private static String browserHost(String host) {
        String decoded = host;
        try {
            decoded = URLDecoder.decode(host.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException notPercentEncoded) {
            // a lone '%': read as written
        }
        try {
            decoded = IDN.toASCII(decoded, IDN.ALLOW_UNASSIGNED);
        } catch (IllegalArgumentException notAName) {
            // an IPv6 literal, a label too long: read as written
        }
        return decoded.toLowerCase(Locale.ROOT);
    }

    /**
     * Whether the host is LinkedIn's: linkedin.com, its China domain linkedin.cn or its link shortener lnkd.in, or one
     * of their subdomains (www., de., ...), also written fully qualified with its trailing dot (the same host to DNS).
     * The docs do not say which of LinkedIn's hosts a profile URL may have: any of them is the API's to judge
     * (API-doc audit).
     */
    public static boolean isLinkedInHost(String host) {
        String name = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
        return LINKEDIN_DOMAINS.stream().anyMatch(domain -> name.equals(domain) || name.endsWith("." + domain));
    }

    private static final List<String> LINKEDIN_DOMAINS = List.of("linkedin.com", "linkedin.cn", "lnkd.in");

    /** The field's value, or null when it is absent or JSON null. */
    private static JsonNode present(JsonNode body, String field) {
        JsonNode value = body.get(field);
        return value == null || value.isNull() ? null : value;
    }

    private static boolean isUrlOffLinkedIn(String text) {
        return httpUrlHost(text).map(host -> !isLinkedInHost(host)).orElse(false);
    }

    private static boolean isAddress(JsonNode email) {
        if (!email.isTextual()) {
            return false;
        }
        String text = email.asText();
        int at = text.lastIndexOf('@');
        return at > 0 && at < text.length() - 1;
    }

    private static void nonEmptyText(JsonNode body, String field, String code, List<RuleViolation> violations) {
        JsonNode value = present(body, field);
        if (value != null && (!value.isTextual() || value.asText().isEmpty())) {
            violations.add(violation(field, code, field + ": must be a non-empty string"));
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

    private static RuleViolation violation(String field, String code, String message) {
        return new RuleViolation(field, code, message, 400);
    }
}
