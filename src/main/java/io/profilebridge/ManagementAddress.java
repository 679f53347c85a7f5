package io.profilebridge;

import io.vertx.core.http.HttpServer;
import io.vertx.core.net.impl.TCPServerBase;
import java.util.Optional;
import org.apache.camel.CamelContext;
import org.apache.camel.component.platform.http.main.ManagementHttpServer;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServer;

/** Where Camel's management server ({@code camel.management.*}) really listens, read from its running server. */
public final class ManagementAddress {

    private ManagementAddress() {}

    /** The port the management server is bound to; empty when it is off or its bind failed. */
    public static Optional<Integer> boundPort(CamelContext context) {
        return server(context)
                .filter(server -> server.getServer() != null && listening(server.getServer()))
                .map(server -> server.getServer().actualPort())
                .filter(port -> port > 0);
    }

    /**
     * Vert.x sets a server's actual port to the port asked for before it binds, and keeps it when the bind fails; its
     * listening flag tells (contract audit: a management port taken meanwhile passed for bound, and the bridge ran on
     * without health or metrics).
     */
    static boolean listening(HttpServer server) {
        return !(server instanceof TCPServerBase base) || base.isListening();
    }

    /** The Vert.x server the management server runs on; empty when it is off. */
    public static Optional<VertxPlatformHttpServer> server(CamelContext context) {
        ManagementHttpServer management = context.hasService(ManagementHttpServer.class);
        if (management == null) {
            return Optional.empty();
        }
        return context.hasServices(VertxPlatformHttpServer.class).stream()
                .filter(server -> server.getConfigurationPort() == management.getPort())
                .findFirst();
    }

    /** The base URL a client on this host reaches it at, e.g. {@code http://127.0.0.1:9876}. */
    public static Optional<String> baseUrl(CamelContext context) {
        ManagementHttpServer management = context.hasService(ManagementHttpServer.class);
        return boundPort(context).map(port -> {
            String host = management.getHost();
            String reachable = host == null || host.equals("0.0.0.0") || host.equals("::") ? "localhost" : host;
            return "http://" + Urls.hostPort(reachable, port);
        });
    }
}
