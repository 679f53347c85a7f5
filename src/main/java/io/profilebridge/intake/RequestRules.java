package io.profilebridge.intake;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import io.profilebridge.api.Api;
import io.profilebridge.api.ApiError;

/** The documented validation rules of each API, applied before any remote call. */
@FunctionalInterface
public interface RequestRules {

    /** Every rule the body breaks, each naming the field and the rule; empty when the body is valid. */
    List<ApiError> violations(Api api, JsonNode body);
}
