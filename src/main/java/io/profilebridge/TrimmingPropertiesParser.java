package io.profilebridge;

import java.util.Set;
import org.apache.camel.CamelContext;
import org.apache.camel.component.properties.DefaultPropertiesParser;
import org.apache.camel.component.properties.PropertiesComponent;
import org.apache.camel.component.properties.PropertiesLookup;

/**
 * Camel's placeholder parser, giving the bridge's own settings trimmed wherever they come from. A properties file's
 * values are trimmed, but a variable's or a system property's are not (an env file's {@code BRIDGE_INBOX=in }), and
 * the bridge's checks trimmed them while the routes and Camel's options read them as given (configuration audit: the
 * inbox {@code "in "} was polled, nothing taken, every check UP; JMS results went to a queue whose name ended in a
 * space). Camel reads a variable ahead of any property source, so only its parser sees every value.
 */
final class TrimmingPropertiesParser extends DefaultPropertiesParser {

    private final Set<String> keys;

    private TrimmingPropertiesParser(PropertiesComponent component, Set<String> keys) {
        super(component);
        this.keys = keys;
    }

    /** Makes the context's placeholders read {@code keys} trimmed. */
    static void installIn(CamelContext context, Set<String> keys) {
        PropertiesComponent component = (PropertiesComponent) context.getPropertiesComponent();
        component.setPropertiesParser(new TrimmingPropertiesParser(component, keys));
    }

    @Override
    public String parseProperty(String key, String value, PropertiesLookup properties) {
        return value != null && keys.contains(key) ? value.strip() : value;
    }
}
