package io.profilebridge.operations;

import io.profilebridge.Json;
import io.swagger.v3.oas.annotations.media.Schema;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

/** What a {@code /jobs} request got wrong: a parameter out of its range, an unknown job. */
@Schema(name = "JobsError", description = "What was wrong, naming the parameter and the rule")
record JobsError(String error) {

    /**
     * Answers a request the management port turns away before its routes (a malformed one, a foreign Host, a method it
     * does not take) in this shape, unless an answer went out already.
     */
    static Future<Void> answer(RoutingContext routing, int status, String message) {
        HttpServerResponse response = routing.response();
        if (response.ended() || response.closed()) {
            return Future.succeededFuture();
        }
        return response.setStatusCode(status)
                .putHeader("Content-Type", "application/json")
                .end(Json.write(new JobsError(message)));
    }
}
