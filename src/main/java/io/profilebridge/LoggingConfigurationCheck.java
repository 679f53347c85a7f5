package io.profilebridge;

import java.util.Map;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.DefaultConfiguration;

/**
 * A logging configuration Log4j could not read (a misspelt {@code LOG4J_CONFIGURATION_FILE}) leaves Log4j's own
 * default: errors only, without the bridge's masks of secrets and control characters, and the bridge ran with an empty
 * console, no banner, no result line (logging audit). Such a start stops, naming what was given.
 */
final class LoggingConfigurationCheck {

    private LoggingConfigurationCheck() {}

    /** Stops the start when the running process logs through Log4j's default configuration. */
    static void check(Map<String, String> environment) {
        if (LogManager.getContext(false) instanceof LoggerContext context) {
            check(context.getConfiguration(), environment);
        }
    }

    static void check(Configuration configuration, Map<String, String> environment) {
        if (configuration instanceof DefaultConfiguration) {
            String given = environment.getOrDefault(
                    "LOG4J_CONFIGURATION_FILE",
                    System.getProperty("log4j2.configurationFile", System.getProperty("log4j.configurationFile")));
            throw new StartupFailure("Log4j found no logging configuration"
                    + (given == null
                            ? ""
                            : " at \"" + given + "\" (LOG4J_CONFIGURATION_FILE or -Dlog4j2.configurationFile)")
                    + ": give the packaged log4j2.properties or log4j2-json.properties, or a file that exists; without"
                    + " one the bridge would log errors only, unmasked");
        }
    }
}
