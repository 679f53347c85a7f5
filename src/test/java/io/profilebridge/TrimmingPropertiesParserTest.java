package io.profilebridge;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Properties;
import java.util.Set;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

class TrimmingPropertiesParserTest {

    @Test
    void theBridgesSettingsAreReadTrimmedAndOtherKeysAsGiven() throws Exception {
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            Properties given = new Properties();
            given.setProperty("bridge.inbox", "in3 ");
            given.setProperty("bridge.jms.results", " profile-bridge.results\t");
            given.setProperty("someone.else", "kept ");
            context.getPropertiesComponent().setInitialProperties(given);
            TrimmingPropertiesParser.installIn(context, Set.of("bridge.inbox", "bridge.jms.results"));
            assertThat(context.resolvePropertyPlaceholders("file:{{bridge.inbox}}/orbit"))
                    .isEqualTo("file:in3/orbit");
            assertThat(context.resolvePropertyPlaceholders("jms:queue:{{bridge.jms.results}}"))
                    .isEqualTo("jms:queue:profile-bridge.results");
            assertThat(context.getPropertiesComponent().resolveProperty("bridge.inbox"))
                    .hasValue("in3");
            assertThat(context.resolvePropertyPlaceholders("{{someone.else}}")).isEqualTo("kept ");
        }
    }
}
