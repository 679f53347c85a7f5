package io.profilebridge;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.ConfigurationFactory;
import org.apache.logging.log4j.core.config.ConfigurationSource;
import org.apache.logging.log4j.core.config.DefaultConfiguration;
import org.junit.jupiter.api.Test;

/** Logging audit: LOG4J_CONFIGURATION_FILE=log4j2-jsn.properties started a bridge that printed nothing. */
class LoggingConfigurationCheckTest {

    @Test
    void log4jsOwnDefaultStopsTheStartNamingWhatWasGiven() {
        assertThatThrownBy(() -> LoggingConfigurationCheck.check(
                        new DefaultConfiguration(), Map.of("LOG4J_CONFIGURATION_FILE", "log4j2-jsn.properties")))
                .isInstanceOf(StartupFailure.class)
                .hasMessageStartingWith("Log4j found no logging configuration at \"log4j2-jsn.properties\"");
    }

    @Test
    void theJsonConfigurationIsOne() throws Exception {
        Configuration json = ConfigurationFactory.getInstance()
                .getConfiguration(
                        new LoggerContext("check"),
                        ConfigurationSource.fromUri(
                                Path.of("config/log4j2-json.properties").toUri()));

        assertThatCode(() -> LoggingConfigurationCheck.check(json, Map.of())).doesNotThrowAnyException();
    }
}
