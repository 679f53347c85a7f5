package io.profilebridge.operations;

import io.profilebridge.ManagementAddress;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.lang.reflect.Field;
import java.util.Optional;
import org.apache.camel.CamelContext;
import org.apache.camel.StartupListener;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A request the management port cannot even route (a {@code %} not followed by two hex digits in its path or query, a
 * malformed Host) gets a 400 in the jobs API's error shape and no log line. Without a handler of its own Vert.x logged
 * each as an ERROR with a 60-frame stack trace: 6.5 KB of log per 9-byte request from anyone reaching the port (REST
 * audit).
 */
final class MalformedRequests implements StartupListener {

    private static final Logger LOG = LoggerFactory.getLogger(MalformedRequests.class);

    static final String MESSAGE =
            "the request is malformed: its path or query holds a % not followed by two hex digits, or its Host is invalid";

    @Override
    public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) {
        // the management server has started before the routes' consumers start
        ManagementAddress.server(context)
                .flatMap(MalformedRequests::topRouter)
                .ifPresent(router -> router.errorHandler(400, MalformedRequests::answer));
    }

    /**
     * The server's own router, the one a request's URL is first matched on: the routers Camel exposes are mounted below
     * it, where a URL that cannot be decoded never arrives, and the server has no getter for it (hence reflection,
     * checked by OperationsTest). Also where {@link HeadRequests} routes a HEAD as a GET.
     */
    static Optional<Router> topRouter(VertxPlatformHttpServer server) {
        try {
            Field router = VertxPlatformHttpServer.class.getDeclaredField("router");
            router.setAccessible(true);
            return Optional.ofNullable((Router) router.get(server));
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.debug("malformed requests keep Vert.x's answer: {}", e.toString());
            return Optional.empty();
        }
    }

    private static void answer(RoutingContext routing) {
        JobsError.answer(routing, 400, MESSAGE);
    }
}
