package io.profilebridge.operations;

import io.profilebridge.ManagementAddress;
import org.apache.camel.CamelContext;
import org.apache.camel.StartupListener;

/**
 * The headers every answer of the management port carries, its refusals too (management-security audit): nothing is
 * to be kept by a cache or a browser ({@code /jobs} names files, keys and error text), a browser reads no answer as
 * another type than it says, and the status page is drawn in no other site's frame.
 */
final class SafetyHeaders implements StartupListener {

    @Override
    public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) {
        ManagementAddress.server(context)
                .flatMap(MalformedRequests::topRouter)
                .ifPresent(router -> router.route().order(Integer.MIN_VALUE).handler(routing -> {
                    routing.response()
                            .putHeader("Cache-Control", "no-store")
                            .putHeader("X-Content-Type-Options", "nosniff")
                            .putHeader("X-Frame-Options", "DENY")
                            .putHeader("Content-Security-Policy", "frame-ancestors 'none'");
                    routing.next();
                }));
    }
}
