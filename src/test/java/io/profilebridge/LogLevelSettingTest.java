package io.profilebridge;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class LogLevelSettingTest {

    @Test
    void aLogLevelLog4jDoesNotKnowStopsTheStart() {
        assertThatThrownBy(() -> LogLevelSetting.check(Map.of("BRIDGE_LOG_LEVEL", "bogus")))
                .isInstanceOf(StartupFailure.class)
                .hasMessage("BRIDGE_LOG_LEVEL must be one of OFF, FATAL, ERROR, WARN, INFO, DEBUG, TRACE, ALL, not"
                        + " \"bogus\"");
        assertThatCode(() -> LogLevelSetting.check(Map.of("BRIDGE_LOG_LEVEL", "debug")))
                .doesNotThrowAnyException();
        assertThatCode(() -> LogLevelSetting.check(Map.of())).doesNotThrowAnyException();
    }
}
