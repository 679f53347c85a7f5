package io.profilebridge.sandbox;

import io.profilebridge.BridgeSettings;
import io.profilebridge.FolderMaker;
import io.profilebridge.FreePort;
import io.profilebridge.StartupFailure;
import io.profilebridge.api.Api;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.stream.Stream;
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
        if (!settings.flag("sandbox.enabled")) {
            return;
        }
        SimulatorSettings simulatorSettings;
        try {
            simulatorSettings = SimulatorSettings.fromProperties(settings::orNull);
        } catch (IllegalArgumentException e) {
            throw new StartupFailure(e.getMessage(), e);
        }
        FreePort.require("sandbox's simulator", "127.0.0.1", simulatorSettings.port(), "sandbox.port");
        Simulator simulator = Simulator.start(simulatorSettings);
        context.getRegistry().bind("simulator", simulator);
        context.addService(new ServiceSupport() {
            @Override
            protected void doStop() {
                simulator.close();
            }
        });
        LOG.info(
                "Sandbox: OpenProspect and Orbit are simulated on {} (ledger: {}/_sandbox/ledger)",
                simulator.baseUrl(),
                simulator.baseUrl());

        var samples = settings.optional("sandbox.demo-samples");
        if (samples.isPresent()) {
            Path inbox = Path.of(settings.text("bridge.inbox"));
            // made before the copy would make them with the umask's mode (intake.InboxFolders comes later, at start)
            FolderMaker folders = new FolderMaker(settings.text("bridge.inbox.folder-mode"));
            folders.make(inbox);
            for (Api api : Api.values()) {
                folders.make(inbox.resolve(api.id()));
            }
            int copied = copyRequests(samples.get(), inbox);
            LOG.info(
                    "Sandbox: {} sample requests copied from {} into {}; results will appear under {}",
                    copied,
                    samples.get(),
                    inbox,
                    Path.of(settings.text("bridge.outbox")).toAbsolutePath().normalize());
        }
    }

    /** Copies the samples at {@code classpath:FOLDER} (inside the jar) or {@code file:FOLDER} into the inbox. */
    static int copyRequests(String location, Path inbox) throws IOException, URISyntaxException {
        if (!location.startsWith("classpath:")) {
            return copyRequests(Path.of(location.replaceFirst("^file:", "")), inbox);
        }
        String folder = location.substring("classpath:".length());
        URL packaged = SandboxConfiguration.class.getClassLoader().getResource(folder);
        if (packaged == null) {
            throw new IllegalArgumentException("sandbox.demo-samples: no " + folder + " on the classpath");
        }
        if (!packaged.getProtocol().equals("jar")) {
            return copyRequests(Path.of(packaged.toURI()), inbox); // a classes folder: tests, mvn camel:run
        }
        try (FileSystem jar = FileSystems.newFileSystem(packaged.toURI(), Map.of())) {
            return copyRequests(jar.getPath(folder), inbox);
        }
    }

    /** Copies the samples' JSON files into the inbox, keeping their folders (openprospect/, orbit/, envelopes). */
    public static int copyRequests(Path samples, Path inbox) throws IOException {
        int copied = 0;
        try (Stream<Path> files = Files.walk(samples, 2)) {
            for (Path file : files.filter(p -> p.toString().endsWith(".json")).toList()) {
                Path target = inbox.resolve(samples.relativize(file).toString());
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
