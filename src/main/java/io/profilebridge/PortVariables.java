package io.profilebridge;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Camel Main maps every {@code CAMEL_...} environment variable to its {@code camel.*} key, except names ending in
 * {@code _PORT} or containing {@code _PORT_}: it skips those as Kubernetes service links ({@code FOO_PORT=tcp://...}),
 * so {@code CAMEL_MANAGEMENT_PORT} would be ignored. This gives them back the meaning Camel documents for them,
 * unless the value is a service link's (a URL): a value that is no port number ({@code CAMEL_MANAGEMENT_PORT=abc})
 * then stops the start naming its key ({@link PropertyChecks}), where it was ignored without a word. Component, data format and language variables
 * are left to Camel, which maps them without that filter.
 */
final class PortVariables {

    private PortVariables() {}

    /** The {@code camel.*} properties such variables set, e.g. CAMEL_MANAGEMENT_PORT=9877 as camel.management.port. */
    static Map<String, String> fromEnvironment(Map<String, String> environment) {
        Map<String, String> properties = new TreeMap<>();
        environment.forEach((name, value) -> {
            String upper = name.toUpperCase(Locale.ROOT);
            boolean skippedByCamel = upper.endsWith("_PORT") || upper.contains("_PORT_");
            boolean mappedByCamelItself = upper.startsWith("CAMEL_COMPONENT_")
                    || upper.startsWith("CAMEL_DATAFORMAT_")
                    || upper.startsWith("CAMEL_LANGUAGE_");
            // a service link's FOO_PORT is a URL (tcp://host:port), its FOO_PORT_80_TCP_... a URL, a word or a number;
            // any other value of a variable named like a setting is the operator's, to be checked, not dropped
            boolean operators = upper.endsWith("_PORT")
                    ? !value.contains("://") && !value.isBlank()
                    : value.trim().matches("\\d{1,5}");
            if (upper.startsWith("CAMEL_") && skippedByCamel && !mappedByCamelItself && operators) {
                properties.put(upper.toLowerCase(Locale.ROOT).replace('_', '.'), value.trim());
            }
        });
        return properties;
    }
}
