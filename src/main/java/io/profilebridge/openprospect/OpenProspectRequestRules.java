package io.profilebridge.openprospect;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import io.profilebridge.validation.RuleViolation;

/**
 * The validation rules of {@code POST /api/v1/search-profile-creations}, as documented: {@code profile_name},
 * {@code ideal_customer_profile} and {@code target_countries} (at least one) are required, company sizes are
 * positive when given, {@code output_language} defaults to {@code en}. Used by the bridge before calling and by the
 * simulator, which answers 422 with them.
 */
public final class OpenProspectRequestRules {

    /** OpenProspect's code for an invalid body (422). */
    public static final String VALIDATION_ERROR = "validation_error";

    private OpenProspectRequestRules() {
    }

    public static List<RuleViolation> validate(JsonNode body) {
        List<RuleViolation> violations = new ArrayList<>();
        if (body == null || !body.isObject()) {
            violations.add(violation("body", "the request body must be a JSON object"));
            return violations;
        }
        requireText(body, "profile_name", violations);
        requireText(body, "ideal_customer_profile", violations);
        JsonNode countries = body.get("target_countries");
        if (countries == null || countries.isNull()) {
            violations.add(violation("target_countries", "target_countries: field required"));
        } else if (!countries.isArray() || countries.isEmpty()) {
            violations.add(violation("target_countries", "target_countries: must contain at least one value"));
        } else {
            for (JsonNode country : countries) {
                if (!country.isTextual() || country.asText().isBlank()) {
                    violations.add(violation("target_countries", "target_countries: every value must be a non-empty string"));
                    break;
                }
            }
        }
        positiveWhenPresent(body, "company_size_min", violations);
        positiveWhenPresent(body, "company_size_max", violations);
        JsonNode language = body.get("output_language");
        if (language != null && !language.isNull() && (!language.isTextual() || language.asText().isBlank())) {
            violations.add(violation("output_language", "output_language: must be a language code such as \"en\""));
        }
        return violations;
    }

    private static void requireText(JsonNode body, String field, List<RuleViolation> violations) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            violations.add(violation(field, field + ": field required"));
        } else if (!value.isTextual() || value.asText().isBlank()) {
            violations.add(violation(field, field + ": must be a non-empty string"));
        }
    }

    private static void positiveWhenPresent(JsonNode body, String field, List<RuleViolation> violations) {
        JsonNode value = body.get(field);
        if (value != null && !value.isNull() && (!value.isIntegralNumber() || value.asLong() <= 0)) {
            violations.add(violation(field, field + ": must be a positive integer when provided"));
        }
    }

    private static RuleViolation violation(String field, String message) {
        return new RuleViolation(field, VALIDATION_ERROR, message, 422);
    }
}
