package io.profilebridge.openprospect;

import com.fasterxml.jackson.databind.JsonNode;
import io.profilebridge.validation.RuleViolation;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@code POST /api/v1/search-profile-creations} clearly rejects by its "Validation Rules", and nothing more:
 * the bridge refuses these before any call (and {@code check} offline). Types, blank strings and everything else the
 * docs leave open go to the API, whose 422 then becomes the failed result with its own code. Each rule quotes the
 * sentence it enforces.
 */
public final class OpenProspectRequestRules {

    /** OpenProspect's code for an invalid body (422). */
    public static final String VALIDATION_ERROR = "validation_error";

    private OpenProspectRequestRules() {}

    public static List<RuleViolation> validate(JsonNode body) {
        List<RuleViolation> violations = new ArrayList<>();
        if (body == null || !body.isObject()) {
            violations.add(violation("body", "the request body must be a JSON object"));
            return violations;
        }
        // "profile_name, ideal_customer_profile, and target_countries are required." (null is not a value)
        for (String field : List.of("profile_name", "ideal_customer_profile", "target_countries")) {
            if (body.path(field).isMissingNode() || body.get(field).isNull()) {
                violations.add(violation(field, field + ": field required"));
            }
        }
        // "target_countries must contain at least one value."
        JsonNode countries = body.get("target_countries");
        if (countries != null && countries.isArray() && countries.isEmpty()) {
            violations.add(violation("target_countries", "target_countries: must contain at least one value"));
        }
        // "company_size_min and company_size_max must be positive when provided."
        for (String field : List.of("company_size_min", "company_size_max")) {
            JsonNode value = body.get(field);
            if (value != null && value.isNumber() && value.decimalValue().signum() <= 0) {
                violations.add(violation(field, field + ": must be positive when provided"));
            }
        }
        return violations;
    }

    private static RuleViolation violation(String field, String message) {
        return new RuleViolation(field, VALIDATION_ERROR, message, 422);
    }
}
