package io.profilebridge.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.profilebridge.Json;

/** The {@code error} member of a result document: the API's own code where it gave one. */
public record ApiError(String code, String message, Integer httpStatus) {

    public static ApiError of(String code, String message) {
        return new ApiError(code, message, null);
    }

    public ObjectNode toJson() {
        ObjectNode node = Json.object();
        node.put("code", code);
        node.put("message", message);
        if (httpStatus != null) {
            node.put("httpStatus", httpStatus);
        }
        return node;
    }
}
