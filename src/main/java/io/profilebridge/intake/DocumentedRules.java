package io.profilebridge.intake;

import com.fasterxml.jackson.databind.JsonNode;
import io.profilebridge.api.Api;
import io.profilebridge.api.ApiError;
import io.profilebridge.openprospect.OpenProspectRequestRules;
import io.profilebridge.orbit.OrbitRequestRules;
import java.util.List;

/** Each API's documented validation rules, as the bridge applies them before any call and the check command offline. */
public final class DocumentedRules implements RequestRules {

    public static final DocumentedRules INSTANCE = new DocumentedRules();

    private DocumentedRules() {}

    @Override
    public List<ApiError> violations(Api api, JsonNode body) {
        var violations = api == Api.ORBIT ? OrbitRequestRules.validate(body) : OpenProspectRequestRules.validate(body);
        return violations.stream()
                .map(violation -> ApiError.of(violation.code(), violation.message()))
                .toList();
    }
}
