package io.profilebridge;

import java.util.Optional;

import org.apache.camel.CamelContext;

/**
 * Typed access to the bridge's properties ({@code config/application.properties}, profiles, environment).
 * The defaults here are the ones documented in that file.
 */
public final class BridgeSettings {

    private final CamelContext context;

    public BridgeSettings(CamelContext context) {
        this.context = context;
    }

    public Optional<String> optional(String key) {
        return context.getPropertiesComponent().resolveProperty(key).map(String::trim).filter(v -> !v.isEmpty());
    }

    public String text(String key, String defaultValue) {
        return optional(key).orElse(defaultValue);
    }

    public long number(String key, long defaultValue) {
        return optional(key).map(value -> parse(key, value, Long::parseLong)).orElse(defaultValue);
    }

    public int integer(String key, int defaultValue) {
        return optional(key).map(value -> parse(key, value, Integer::parseInt)).orElse(defaultValue);
    }

    public double decimal(String key, double defaultValue) {
        return optional(key).map(value -> parse(key, value, Double::parseDouble)).orElse(defaultValue);
    }

    public boolean flag(String key, boolean defaultValue) {
        return optional(key).map(value -> {
            if (!value.equalsIgnoreCase("true") && !value.equalsIgnoreCase("false")) {
                throw new IllegalArgumentException("property " + key + " must be true or false, not \"" + value + "\"");
            }
            return Boolean.parseBoolean(value);
        }).orElse(defaultValue);
    }

    private static <T> T parse(String key, String value, java.util.function.Function<String, T> parser) {
        try {
            return parser.apply(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("property " + key + " must be a number, not \"" + value + "\"");
        }
    }
}
