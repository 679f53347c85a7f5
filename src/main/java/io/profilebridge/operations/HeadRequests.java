package io.profilebridge.operations;

import io.profilebridge.ManagementAddress;
import io.vertx.core.http.HttpMethod;
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
        ManagementAddress.server(context)
                .flatMap(MalformedRequests::topRouter)
                .ifPresent(router -> router.route()
                        .order(Integer.MIN_VALUE)
                        .method(HttpMethod.HEAD)
                        .handler(routing -> routing.reroute(
                                HttpMethod.GET, routing.request().uri())));
    }
}
