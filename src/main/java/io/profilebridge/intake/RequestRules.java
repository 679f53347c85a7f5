package io.profilebridge.intake;

import com.fasterxml.jackson.databind.JsonNode;
import io.profilebridge.api.Api;
import io.profilebridge.api.ApiError;
import java.util.List;

/** The documented validation rules of each API, applied before any remote call. */
@FunctionalInterface
public interface RequestRules {

    /** Every rule the body breaks, each naming the field and the rule; empty when the body is valid. */
    List<ApiError> violations(Api api, JsonNode body);
}
