package io.profilebridge.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.profilebridge.LogCapture;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;

class InstanceLivenessTest {

    @Test
    void aTakeoverTimeBeyondTheContractsTenSecondsIsTakenWithAWarning() {
        // cluster audit: takeover-ms=60000 was taken without a word, while the README promises a takeover within 10 s
        try (LogCapture log = LogCapture.start()) {
            InstanceLiveness.shared(new JdbcDataSource(), "node", 1000, 5000);
            assertThat(log.lines()).noneMatch(line -> line.contains("takeover-ms"));
            InstanceLiveness.shared(new JdbcDataSource(), "node", 1000, 60_000);
            assertThat(log.lines())
                    .anyMatch(line -> line.contains("WARN")
                            && line.contains("bridge.cluster.takeover-ms=60000")
                            && line.contains("61000 ms"));
        }
        assertThatThrownBy(() -> InstanceLiveness.shared(new JdbcDataSource(), "node", 1000, 2000))
                .hasMessageContaining("at least three times bridge.cluster.heartbeat-ms");
    }
}
