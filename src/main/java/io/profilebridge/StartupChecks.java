package io.profilebridge;

import java.nio.file.Path;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.StartupListener;
import org.apache.camel.component.platform.http.main.ManagementHttpServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs first. Before anything else opens, the properties the routes and components read must make sense
 * ({@link PropertyChecks}), the data folder must be this process's alone and the management port free;
 * before any route consumer starts, the management server must really be bound (Vert.x logs a failed bind and
 * Camel would start on without health and metrics); once all is up, the start-up banner says where everything is.
 */
public class StartupChecks implements CamelConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(StartupChecks.class);

    static final String MANAGEMENT_PORT_KEY = "camel.management.port";

    @Override
    public void configure(CamelContext context) throws Exception {
        BridgeSettings settings = new BridgeSettings(context);
        // the data folder first: a placeholder location that leaves the packaged defaults out is named by its key
        Path data = Path.of(settings.text("bridge.data"));
        PropertyChecks.check(settings);
        context.addService(new ClosingService(DataFolderLock.acquire(data)));
        ManagementHttpServer management = context.hasService(ManagementHttpServer.class);
        if (management != null) {
            FreePort.require("management server", management.getHost(), management.getPort(), MANAGEMENT_PORT_KEY);
        }
        context.addStartupListener(new StartupListener() {
            @Override
            public void onCamelContextStarted(CamelContext started, boolean alreadyStarted) {
                // called before the route consumers start; the management server has started by then
                if (management != null && ManagementAddress.boundPort(started).isEmpty()) {
                    throw new StartupFailure(FreePort.cannotListen(
                            "management server",
                            management.getHost() + ":" + management.getPort(),
                            "bind failed",
                            MANAGEMENT_PORT_KEY));
                }
            }

            @Override
            public void onCamelContextFullyStarted(CamelContext started, boolean alreadyStarted) throws Exception {
                LOG.info(StartupBanner.text(started));
            }
        });
    }
}
