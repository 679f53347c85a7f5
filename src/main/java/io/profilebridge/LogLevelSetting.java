package io.profilebridge;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.logging.log4j.Level;

/**
 * {@code BRIDGE_LOG_LEVEL}, which log4j2.properties reads for the root logger: log4j takes a name it does not know for
 * ERROR without a word, and the bridge ran silent, no banner, no result line (configuration audit).
 */
final class LogLevelSetting {

    static final String VARIABLE = "BRIDGE_LOG_LEVEL";
    private static final List<String> LEVELS =
            List.of("OFF", "FATAL", "ERROR", "WARN", "INFO", "DEBUG", "TRACE", "ALL");

    private LogLevelSetting() {}

    /** Stops the start when the variable names no level (log4j reads the name in any case). */
    static void check(Map<String, String> environment) {
        String level = environment.get(VARIABLE);
        // a level of a LOG4J_CONFIGURATION_FILE of the caller's own is one too (review)
        if (level != null && Level.getLevel(level.trim().toUpperCase(Locale.ROOT)) == null) {
            throw new StartupFailure(
                    VARIABLE + " must be one of " + String.join(", ", LEVELS) + ", not \"" + level + "\"");
        }
    }
}
