package io.profilebridge;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.CliConnector;
import org.junit.jupiter.api.Test;

class NoCliConnectorFactoryTest {

    @Test
    void aTestsPlainContextStartsNoCliConnector() throws Exception {
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            context.start();
            assertThat(context.hasService(CliConnector.class)).isNull();
        }
    }
}
