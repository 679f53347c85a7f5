package io.profilebridge.operations;

import io.profilebridge.LoopbackHost;
import io.profilebridge.ManagementAddress;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.HostAndPort;
import io.vertx.ext.web.RoutingContext;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import org.apache.camel.CamelContext;
import org.apache.camel.StartupListener;
import org.apache.camel.component.platform.http.main.ManagementHttpServer;

/**
 * Requests the management port turns away before they are routed (management audit):
 * <ul>
 *   <li>one with two Host headers, which HTTP/1.1 refuses;
 *   <li>while it listens on loopback, one addressed to a name that is no loopback address: a web page in the operator's browser
 *       that rebinds its own name to 127.0.0.1 read {@code /jobs} (file names, keys, validation messages), as the
 *       server answered any Host;
 *   <li>a GET or HEAD carrying a body ({@link #hasBody}).
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
        if (request.headers().getAll("Host").size() > 1) {
            JobsError.answer(routing, 400, "a request names one Host");
        } else if (onLoopback && !addressedToLoopback(request)) {
            JobsError.answer(
                    routing,
                    421,
                    "the request's Host names no loopback address: this management server listens on loopback and"
                            + " answers requests addressed to it only (camel.management.host)");
        } else if ((request.method() == HttpMethod.GET || request.method() == HttpMethod.HEAD) && hasBody(request)) {
            // the body is never read: the connection goes with the answer, so a client still sending it holds nothing
            routing.response().putHeader("Connection", "close");
            JobsError.answer(
                            routing,
                            400,
                            isForm(request.getHeader("Content-Type"))
                                    ? "a GET takes no form body"
                                    : "a GET takes no body")
                    .onComplete(answered -> request.connection().close());
        } else {
            routing.next();
        }
    }

    /**
     * Whether every name the request is addressed by is a loopback one: its Host, HTTP/2's {@code :authority} (which
     * has no Host header) and an absolute-form target's authority, which HTTP/1.1 says wins over Host (jobs-API audit:
     * both passed a foreign name). A request naming none, as HTTP/1.0 may, passes: a browser always names one.
     */
    private static boolean addressedToLoopback(HttpServerRequest request) {
        String host = request.getHeader("Host");
        HostAndPort authority = request.authority();
        String target = request.uri();
        return (host == null || LoopbackHost.is(hostName(host)))
                && (authority == null || LoopbackHost.is(authority.host()))
                && (!target.contains("://") || targetsLoopback(target));
    }

    private static boolean targetsLoopback(String absoluteTarget) {
        try {
            String host = new URI(absoluteTarget).getHost();
            return host != null && LoopbackHost.is(host);
        } catch (URISyntaxException unreadable) {
            return false;
        }
    }

    /**
     * A GET or HEAD that says it carries a body. Platform-http's body handler kept a GET's body of up to 10 MB on the
     * heap while the client sent it, for as long as the client held the connection: 45 such clients ran a 512 MB heap
     * out (jobs-API audit), and a form body made the handler throw (a 500 and a 63-line ERROR). No GET here reads one.
     */
    private static boolean hasBody(HttpServerRequest request) {
        String length = request.getHeader("Content-Length");
        return request.getHeader("Transfer-Encoding") != null
                || (length != null && !length.trim().equals("0"));
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
