package io.profilebridge.operations;

import io.profilebridge.LoopbackHost;
import io.profilebridge.ManagementAddress;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;
import org.apache.camel.CamelContext;
import org.apache.camel.StartupListener;
import org.apache.camel.component.platform.http.main.ManagementHttpServer;

/**
 * Requests the management port turns away before they are routed (management audit):
 * <ul>
 *   <li>while it listens on loopback, one whose Host names no loopback address: a web page in the operator's browser
 *       that rebinds its own name to 127.0.0.1 read {@code /jobs} (file names, keys, validation messages), as the
 *       server answered any Host;
 *   <li>a GET or HEAD carrying a form body: platform-http's body handler threw on it, and each such request was a 500
 *       and an ERROR with a 63-line stack trace in the log.
 * </ul>
 * Both get a 4xx in the jobs API's error shape and no log line.
 */
final class TurnedAwayRequests implements StartupListener {

    @Override
    public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) {
        ManagementHttpServer management = context.hasService(ManagementHttpServer.class);
        boolean onLoopback =
                management != null && management.getHost() != null && LoopbackHost.is(management.getHost());
        ManagementAddress.server(context)
                .flatMap(MalformedRequests::topRouter)
                .ifPresent(router -> router.route()
                        .order(Integer.MIN_VALUE + 1)
                        .handler(routing -> turnAwayOrPass(routing, onLoopback)));
    }

    private static void turnAwayOrPass(RoutingContext routing, boolean onLoopback) {
        HttpServerRequest request = routing.request();
        String host = request.getHeader("Host");
        if (onLoopback && host != null && !LoopbackHost.is(hostName(host))) {
            JobsError.answer(
                    routing,
                    421,
                    "the request's Host names no loopback address: this management server listens on loopback and"
                            + " answers requests addressed to it only (camel.management.host)");
        } else if ((request.method() == HttpMethod.GET || request.method() == HttpMethod.HEAD)
                && isForm(request.getHeader("Content-Type"))) {
            JobsError.answer(routing, 400, "a GET takes no form body");
        } else {
            routing.next();
        }
    }

    /** The name or address of a Host header, without its port: {@code [::1]:9876} is {@code ::1}. */
    static String hostName(String host) {
        String trimmed = host.trim();
        if (trimmed.startsWith("[")) {
            int end = trimmed.indexOf(']');
            return end < 0 ? trimmed : trimmed.substring(1, end);
        }
        int colon = trimmed.indexOf(':');
        return colon < 0 ? trimmed : trimmed.substring(0, colon);
    }

    private static boolean isForm(String contentType) {
        String type = contentType == null ? "" : contentType.toLowerCase(Locale.ROOT);
        return type.startsWith("application/x-www-form-urlencoded") || type.startsWith("multipart/");
    }
}
