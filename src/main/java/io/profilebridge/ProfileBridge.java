package io.profilebridge;

import java.util.Arrays;
import java.util.Optional;

import io.profilebridge.jms.JmsConfiguration;
import io.profilebridge.intake.CheckCommand;
import io.profilebridge.sandbox.SandboxConfiguration;
import io.profilebridge.sandbox.SimulateCommand;
import org.apache.camel.cli.connector.DefaultCliConnectorFactory;
import org.apache.camel.main.Main;

/**
 * Entry point. {@code simulate} and {@code check} are commands of their own; anything else runs the bridge as a
 * Camel Main process that reads {@code config/application.properties} (plus {@code application-<profile>.properties}
 * for {@code CAMEL_MAIN_PROFILE}) and loads {@code routes/*.camel.yaml}.
 */
public final class ProfileBridge {

    private ProfileBridge() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("simulate")) {
            SimulateCommand.run(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        if (args.length > 0 && args[0].equals("check")) {
            System.exit(CheckCommand.standalone().run(Arrays.asList(args).subList(1, args.length)));
        }
        createMain().run(args);
    }

    /** Registry name of the camel-cli-connector factory that bridge.cli-connector.enabled switches. */
    public static final String CLI_CONNECTOR_FACTORY = "cliConnectorFactory";

    public static Main createMain() {
        Main main = new Main();
        main.bind(CLI_CONNECTOR_FACTORY, new DefaultCliConnectorFactory());
        main.setPropertyPlaceholderLocations(propertyLocations(profile()));
        main.configure().addConfiguration(SandboxConfiguration.class);
        main.configure().addConfiguration(JmsConfiguration.class);
        main.configure().addConfiguration(BridgeConfiguration.class);
        return main;
    }

    /** Camel Main looks for profile files on the classpath only; ours live in config/ beside the jar. */
    static String propertyLocations(Optional<String> profile) {
        String base = "file:config/application.properties";
        return profile.map(p -> "file:config/application-" + p + ".properties;optional=true," + base).orElse(base);
    }

    private static Optional<String> profile() {
        String value = System.getProperty("camel.main.profile", System.getenv("CAMEL_MAIN_PROFILE"));
        return Optional.ofNullable(value).map(String::trim).filter(p -> !p.isEmpty());
    }
}
