package io.profilebridge;

import io.profilebridge.jms.JmsConfiguration;
import io.profilebridge.operations.MetricsScrape;
import io.profilebridge.operations.Tracing;
import io.profilebridge.sandbox.SandboxConfiguration;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.apache.camel.CamelContext;
import org.apache.camel.cli.connector.DefaultCliConnectorFactory;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.HttpManagementServerConfigurationProperties;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainConfigurationProperties;
import org.apache.camel.main.MainListenerSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bridge as a Camel Main process: its properties' places, its configuration classes, and a start that fails with
 * one line. Apart from {@link ProfileBridge} so that the launcher, which decides first whether the bridge runs in a
 * child JVM, loads none of Camel's classes (a verifier loads a method's types with its class: tens of milliseconds
 * of every plain start, spent before the child even exists).
 */
public final class BridgeMain {

    /** Registry name of the camel-cli-connector factory that bridge.cli-connector.enabled switches. */
    public static final String CLI_CONNECTOR_FACTORY = "cliConnectorFactory";

    private BridgeMain() {}

    /** Runs until stopped; a failed start ends the JVM with exit code 1, so no half-started process lingers. */
    static void run(String[] args) {
        Main main = null;
        try {
            RelaunchedChild.watchLauncher(System.getenv());
            LogLevelSetting.check(System.getenv());
            LoggingConfigurationCheck.check(System.getenv());
            OutOfMemoryExit.install();
            ClassPreloader.startBeside();
            JitMode.applyAtLaunch(); // first: C2 would compile the start-up's own code otherwise
            main = createMain();
            int exitCode = main.run(args);
            stoppedWithoutASignal(main.configure(), JvmShutdown.underWay()).ifPresent(why -> {
                LoggerFactory.getLogger(BridgeMain.class).error(why);
                RelaunchedChild.exit(1);
            });
            if (exitCode != 0 && !JvmShutdown.underWay()) {
                // -exitcode N, for a run a duration ended (CLI audit: the bridge exited 0 all the same)
                RelaunchedChild.exit(exitCode);
            }
        } catch (Throwable e) {
            // a start that ran out of heap ends as a run that does: one line of advice, exit code 3 (anywhere audit:
            // exit 1 or 3 by where the want struck, the advice printed twice)
            OutOfMemoryExit.haltIfCausedBy(e);
            Logger log = LoggerFactory.getLogger(BridgeMain.class);
            if (JvmShutdown.underWay()) {
                // a SIGTERM during the start, before Camel's own hook was in place: what failed was asked to stop, and
                // the JVM ends as a SIGTERM ends it (System.exit would wait for the hooks for ever)
                log.info("profile-bridge stopped during its start: the JVM is shutting down ({})", e.toString());
                return;
            }
            log.error(
                    "profile-bridge did not start: {}",
                    ErrorText.visible(StartupFailure.namingTheVariable(StartupFailure.describe(e), System.getenv())));
            log.debug("Start-up failure", e);
            if (main != null) {
                main.completed(); // nothing left for Camel's shutdown hook to stop, nor to report as a SIGTERM
            }
            RelaunchedChild.exit(1);
        }
    }

    /**
     * Why the run that just ended is a failure, or empty: Camel Main returns when its context stops, for a signal, a
     * configured duration, or a stop or restart through JMX or Camel's tools. That last one ended the JVM with exit code
     * 0 and no line (a context restarted over JMX does not start again: the camel.beans.* beans are gone), which
     * a supervisor that restarts on failure takes for a clean stop (Camel-tools audit).
     */
    static Optional<String> stoppedWithoutASignal(MainConfigurationProperties config, boolean shutdownUnderWay) {
        boolean durationSet = config.getDurationMaxSeconds() > 0
                || config.getDurationMaxIdleSeconds() > 0
                || config.getDurationMaxMessages() > 0;
        if (shutdownUnderWay || durationSet) {
            return Optional.empty();
        }
        return Optional.of("profile-bridge stopped without a signal: its Camel context stopped (through JMX or Camel's"
                + " tools, or for a failure logged above); it exits with code 1 for a supervisor to start it again."
                + " Restart the process, not its Camel context");
    }

    public static Main createMain() {
        Main main = new Main() {
            @Override
            protected CamelContext createCamelContext() {
                CamelContext context = super.createCamelContext();
                // the properties files are read as UTF-8, as they are written (a ConfigMap is UTF-8), where Camel
                // reads ISO-8859-1 by default: "dätä" became "dÃ¤tÃ¤", a data folder of another name, with no word
                // (configuration audit)
                context.getPropertiesComponent().setEncoding(StandardCharsets.UTF_8.name());
                return context;
            }
        };
        main.bind(CLI_CONNECTOR_FACTORY, new DefaultCliConnectorFactory());
        Tracing.install(main);
        // Camel's own default, extended; camel.main.property-placeholder-location still replaces it as a whole
        Optional<String> profile = profile();
        Optional<Path> jarFolder = JarFolder.otherThanTheWorkingDirectory();
        main.setDefaultPropertyPlaceholderLocation(propertyLocations(profile, jarFolder));
        profile.filter(p -> !profileFileExists(p, jarFolder))
                .ifPresent(p -> LoggerFactory.getLogger(BridgeMain.class)
                        .warn(
                                "Profile \"{}\" (camel.main.profile) has no application-{}.properties in config/, next"
                                        + " to the jar or packaged: only the plain configuration applies. Is its name"
                                        + " misspelt?",
                                p,
                                p));
        profile.flatMap(p -> profileLeftOut(p, placeholderLocation()))
                .ifPresent(LoggerFactory.getLogger(BridgeMain.class)::warn);
        main.setRoutesCollector(new RouteFiles());
        // a system property still wins, as for every camel.* key: else the checks read the variable's value while Camel
        // bound the property's (third black-box audit: -Dcamel.management.port=abc beside CAMEL_MANAGEMENT_PORT=25621
        // listened on a random port)
        CamelVariables.fromEnvironment(System.getenv()).forEach((key, value) -> {
            if (System.getProperty(key) == null) {
                main.addOverrideProperty(key, value);
            }
        });
        // the values checked before Camel Main configures anything: it resolves some of them itself first (a metrics
        // switch through its placeholder), and would name the type it could not convert to, not the key
        main.addMainListener(new MainListenerSupport() {
            @Override
            public void beforeConfigure(BaseMainSupport configuring) {
                TrimmingPropertiesParser.installIn(configuring.getCamelContext(), BridgeSettings.packagedKeys());
                PropertiesFileEncoding.check(configuring.getCamelContext().getPropertiesComponent());
                PropertyChecks.check(new BridgeSettings(configuring.getCamelContext()));
            }

            @Override
            public void afterConfigure(BaseMainSupport configured) {
                // Camel's own reading of its keys, whatever their spelling
                HttpManagementServerConfigurationProperties server =
                        configured.configure().httpManagementServer();
                PropertyChecks.refuseManagementPowers(Map.of(
                        "camel.management.dev-console-enabled", server.isDevConsoleEnabled(),
                        "camel.management.send-enabled", server.isSendEnabled(),
                        "camel.management.upload-enabled", server.isUploadEnabled(),
                        "camel.management.download-enabled", server.isDownloadEnabled()));
                // the metrics' own handler comes before Camel's login: it asks for it then (MetricsScrape)
                configured
                        .getCamelContext()
                        .getRegistry()
                        .bind(MetricsScrape.LOGIN_REQUIRED, server.isAuthenticationEnabled());
                PropertyChecks.refuseLoginWithoutAccounts(
                        server.isAuthenticationEnabled(),
                        server.getBasicPropertiesFile() != null || server.getJwtKeystorePath() != null);
                PropertyChecks.refuseInfoWithoutJmx(
                        server.isInfoEnabled(), configured.configure().isJmxEnabled());
            }
        });
        main.configure().addConfiguration(StartupChecks.class);
        main.configure().addConfiguration(SandboxConfiguration.class);
        main.configure().addConfiguration(JmsConfiguration.class);
        main.configure().addConfiguration(BridgeConfiguration.class);
        return main;
    }

    /**
     * Where the properties come from, strongest first: the profile's file in the working directory, then in the jar's
     * folder (when that is another), the profile's file in the jar, then {@code config/application.properties} the
     * same three ways. A file outside the jar needs only the keys it changes.
     */
    static String propertyLocations(Optional<String> profile, Optional<Path> jarFolder) {
        String base = outside("application.properties", jarFolder) + "classpath:application.properties";
        return profile.map(p -> outside("application-" + p + ".properties", jarFolder) + "classpath:application-" + p
                        + ".properties;optional=true," + base)
                .orElse(base);
    }

    /** The property file list the operator gave Camel Main, which replaces {@link #propertyLocations}; null for none. */
    private static String placeholderLocation() {
        String property = System.getProperty("camel.main.property-placeholder-location");
        return property != null ? property : System.getenv("CAMEL_MAIN_PROPERTY_PLACEHOLDER_LOCATION");
    }

    /**
     * A warning when the operator's own list of property files leaves the chosen profile's file out: it replaces the
     * bridge's list as a whole, so the profile applies nothing while the banner names it (integrator audit: a sandbox
     * start with its own list had no simulator and the default ports, without a word).
     */
    static Optional<String> profileLeftOut(String profile, String location) {
        String file = "application-" + profile + ".properties";
        return location == null || location.isBlank() || location.contains(file)
                ? Optional.empty()
                : Optional.of("camel.main.property-placeholder-location (" + location + ") replaces the bridge's list"
                        + " of property files and names no " + file + ": profile \"" + profile + "\" applies none of"
                        + " its settings; add classpath:" + file + ";optional=true (the packaged one) or"
                        + " file:config/" + file + " to it");
    }

    /** {@code config/NAME} in the working directory, then in the jar's folder, each optional. */
    private static String outside(String name, Optional<Path> jarFolder) {
        return "file:config/" + name + ";optional=true,"
                + jarFolder
                        .map(folder -> "file:" + folder.resolve("config").resolve(name) + ";optional=true,")
                        .orElse("");
    }

    /** Whether any of the places {@link #propertyLocations} reads holds the profile's file (config audit: a typo
     * in CAMEL_MAIN_PROFILE started silently with the plain configuration). */
    static boolean profileFileExists(String profile, Optional<Path> jarFolder) {
        String name = "application-" + profile + ".properties";
        return Files.isRegularFile(Path.of("config", name))
                || jarFolder
                        .map(folder ->
                                Files.isRegularFile(folder.resolve("config").resolve(name)))
                        .orElse(false)
                || BridgeMain.class.getClassLoader().getResource(name) != null;
    }

    /**
     * The settings as a start reads them (the profile's and the plain config files, in the working directory and the
     * jar's folder, then the packaged ones; variables and -D over them), for a command that runs no routes: a check
     * with the packaged size limit passed files the running bridge refuses (configuration audit).
     */
    public static BridgeSettings configuredSettings() {
        CamelContext context = new DefaultCamelContext(false);
        context.getPropertiesComponent()
                .setLocation(propertyLocations(profile(), JarFolder.otherThanTheWorkingDirectory()));
        return new BridgeSettings(context);
    }

    /** The profile as Camel Main chooses it, before any properties file: -Dcamel.main.profile, CAMEL_MAIN_PROFILE. */
    static Optional<String> profile() {
        String value = System.getProperty("camel.main.profile", System.getenv("CAMEL_MAIN_PROFILE"));
        return Optional.ofNullable(value).map(String::trim).filter(p -> !p.isEmpty());
    }
}
