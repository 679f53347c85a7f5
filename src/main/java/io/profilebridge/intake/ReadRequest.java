package io.profilebridge.intake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.profilebridge.api.Api;
import io.profilebridge.api.ApiError;
import io.profilebridge.job.RequestSource;

/** What {@link RequestReader} made of an incoming request: a valid request with its key, or a rejection. */
public sealed interface ReadRequest {

    RequestSource source();

    /**
     * A valid request body for {@code api}, with the one idempotency key it will always be sent with; {@code keyField}
     * the field the caller gave that key in ({@code idempotencyKey}: a JMS property's or an envelope's; Orbit's body
     * {@code requestId}), null when it was derived.
     */
    record Valid(Api api, ObjectNode body, String idempotencyKey, String keyField, RequestSource source)
            implements ReadRequest {

        /** Whether the caller gave the key, rather than it being derived. */
        boolean keyGiven() {
            return keyField != null;
        }
    }

    /** A request that will not be sent: the error names the field and the rule. {@code api} may be unknown. */
    record Rejected(String api, JsonNode body, String idempotencyKey, RequestSource source, ApiError error)
            implements ReadRequest {}
}
