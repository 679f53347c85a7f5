package io.profilebridge.operations;

import io.profilebridge.ManagementAddress;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import org.apache.camel.CamelContext;
import org.apache.camel.StartupListener;

/**
 * A HEAD request on the management port is answered as its GET would be, without the body: HTTP requires a server to
 * support HEAD wherever it supports GET (RFC 9110, 9.1), and load balancers and uptime checks probe with it. Camel's
 * routes (the REST DSL's, the health and metrics endpoints) answer GET alone, so every HEAD got a 405 (contract audit).
 * The request is routed again as a GET; Vert.x leaves out the body of any answer to a HEAD request.
 */
final class HeadRequests implements StartupListener {

    @Override
    public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) {
        ManagementAddress.server(context).flatMap(MalformedRequests::topRouter).ifPresent(router -> {
            router.route().order(Integer.MIN_VALUE).method(HttpMethod.HEAD).handler(HeadRequests::asGet);
            router.errorHandler(405, HeadRequests::getAndHeadOnly);
        });
    }

    /**
     * Every endpoint of the management port is read-only. Vert.x's own 405 had an empty body and named the one route it
     * sees, this HEAD one: {@code Allow: HEAD} for a POST to {@code /observe/health} (management audit).
     */
    private static void getAndHeadOnly(RoutingContext routing) {
        routing.response().putHeader("Allow", "GET, HEAD");
        JobsError.answer(routing, 405, "the management port answers GET and HEAD only");
    }

    /**
     * Routed again by path and query, not by the request's URI: a request in absolute form ({@code HEAD
     * http://host/observe/health}, as proxies send) has a URI Vert.x refuses to reroute (review: a 500 and an ERROR
     * with a stack trace).
     */
    private static void asGet(RoutingContext routing) {
        String query = routing.request().query();
        routing.reroute(HttpMethod.GET, routing.request().path() + (query == null ? "" : "?" + query));
    }
}
