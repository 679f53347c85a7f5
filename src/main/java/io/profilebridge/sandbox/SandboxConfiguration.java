package io.profilebridge.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;

import io.profilebridge.BridgeSettings;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code sandbox} profile: starts both API simulators in-process before the routes (so the bridge can be
 * seen working with no accounts) and, for the demo, copies the sample requests into the inbox. The samples
 * themselves are never consumed.
 */
public class SandboxConfiguration implements CamelConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(SandboxConfiguration.class);

    @Override
    public void configure(CamelContext context) throws Exception {
        BridgeSettings settings = new BridgeSettings(context);
        if (!settings.flag("sandbox.enabled", false)) {
            return;
        }
        Simulator simulator = Simulator.start(SimulatorSettings.fromProperties(key -> settings.optional(key).orElse(null)));
        context.getRegistry().bind("simulator", simulator);
        context.addService(new ServiceSupport() {
            @Override
            protected void doStop() {
                simulator.close();
            }
        });
        LOG.info("Sandbox: OpenProspect and Orbit are simulated on {} (ledger: {}/_sandbox/ledger)",
                simulator.baseUrl(), simulator.baseUrl());

        var samples = settings.optional("sandbox.demo-samples");
        if (samples.isPresent()) {
            Path inbox = Path.of(settings.text("bridge.inbox", "inbox"));
            int copied = copyRequests(Path.of(samples.get()), inbox);
            LOG.info("Sandbox: {} sample requests copied from {} into {}; results will appear under {}", copied,
                    samples.get(), inbox, settings.text("bridge.outbox", "outbox"));
        }
    }

    /** Copies the samples' JSON files into the inbox, keeping their folders (openprospect/, orbit/, envelopes). */
    public static int copyRequests(Path samples, Path inbox) throws IOException {
        int copied = 0;
        try (Stream<Path> files = Files.walk(samples, 2)) {
            for (Path file : files.filter(p -> p.toString().endsWith(".json")).toList()) {
                Path target = inbox.resolve(samples.relativize(file));
                Files.createDirectories(target.getParent());
                // written under a dot-name and renamed, so the inbox never sees half a file
                Path partial = target.resolveSibling("." + target.getFileName() + ".part");
                Files.copy(file, partial, StandardCopyOption.REPLACE_EXISTING);
                Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                copied++;
            }
        }
        return copied;
    }
}
