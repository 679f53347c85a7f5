package io.profilebridge;

import io.profilebridge.jms.EmbeddedBroker;
import io.profilebridge.jms.JmsConfiguration;
import io.profilebridge.job.JobStoreDataSource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Properties;
import org.apache.camel.CamelContext;
import org.apache.camel.component.platform.http.main.ManagementHttpServer;

/**
 * The block logged once the bridge is up: what runs, with which profile, and where everything is, as bound
 * (folders as absolute paths, the management URLs with the port really in use). Credentials never appear: JDBC and
 * broker URLs are shown without their parameters.
 */
final class StartupBanner {

    private StartupBanner() {}

    static String text(CamelContext context) throws Exception {
        BridgeSettings settings = new BridgeSettings(context);
        String profile = context.getCamelContextExtension().getProfile();
        StringBuilder text = new StringBuilder("profile-bridge " + version() + " (Camel " + context.getVersion()
                + ") is running" + (profile == null ? "" : ", profile " + profile));
        line(text, "inbox", absolute(settings.text("bridge.inbox")));
        line(text, "outbox", absolute(settings.text("bridge.outbox")));
        Path data = Path.of(settings.text("bridge.data"));
        line(text, "store", store(settings.optional("bridge.store.url").orElse(JobStoreDataSource.defaultUrl(data))));
        line(text, "broker", broker(context, settings));
        ManagementHttpServer management = context.hasService(ManagementHttpServer.class);
        var base = ManagementAddress.baseUrl(context);
        if (management == null || base.isEmpty()) {
            line(text, "status", "no management server (camel.management.enabled=false)");
        } else {
            line(
                    text,
                    "status",
                    base.get() + "/   (listening on "
                            + Urls.hostPort(
                                    management.getHost(),
                                    ManagementAddress.boundPort(context).orElseThrow())
                            + ")");
            line(text, "jobs", base.get() + "/jobs");
            line(text, "health", base.get() + management.getHealthPath());
            line(text, "metrics", base.get() + settings.text("camel.metrics.path"));
        }
        return text.toString();
    }

    private static String store(String url) {
        if (url.startsWith("jdbc:h2:mem:")) {
            return "H2 in memory (its jobs are forgotten when the process stops)";
        }
        if (url.startsWith("jdbc:h2:file:")) {
            return "H2 file " + Urls.shown(url.substring("jdbc:h2:file:".length())) + ".mv.db";
        }
        return Urls.shown(url);
    }

    private static String broker(CamelContext context, BridgeSettings settings) throws Exception {
        if (!settings.flag("bridge.jms.enabled")) {
            return "none (bridge.jms.enabled=false)";
        }
        BackgroundStart<?> embedded =
                context.getRegistry().lookupByNameAndType(JmsConfiguration.EMBEDDED_BROKER, BackgroundStart.class);
        if (embedded != null && embedded.resource() instanceof EmbeddedBroker broker) {
            return "embedded Artemis on " + broker.acceptors() + "; ESB clients log in as \"" + broker.clientUser()
                    + "\"";
        }
        return Urls.shown(settings.optional("bridge.jms.broker-url").orElse(""));
    }

    private static String absolute(String folder) {
        return Path.of(folder).toAbsolutePath().normalize().toString();
    }

    private static void line(StringBuilder text, String name, String value) {
        text.append(System.lineSeparator())
                .append("  ")
                .append(String.format("%-8s", name))
                .append(value);
    }

    static String version() throws IOException {
        Properties build = new Properties();
        try (InputStream in = StartupBanner.class.getResourceAsStream("build.properties")) {
            if (in != null) {
                build.load(in);
            }
        }
        String version = build.getProperty("version", "");
        return version.isEmpty() || version.startsWith("$") ? "(development build)" : version;
    }
}
