package io.profilebridge;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.camel.CamelContext;

/**
 * Typed reads of the bridge's properties ({@code config/application.properties}, profiles, environment). Each key
 * has its one default in {@code config/application.properties}, which is packaged in the jar, so none is repeated
 * here: a key that no source declares is a start-up error naming it.
 */
public final class BridgeSettings {

    /** The packaged properties file: every key with its default. */
    static final String DEFAULTS = "application.properties";

    /** The longest time a {@code -ms} key may give: a year. */
    static final long MAX_TIME_MS = 365L * 24 * 3600 * 1000;

    /** The numeric keys whose 0 means something: never, at once, no pause, no rise. */
    private static final Set<String> MAY_BE_ZERO = Set.of(
            "bridge.retry.openprospect-failed-runs",
            "bridge.retry.orbit-failed-runs",
            "bridge.retry.base-delay-ms",
            "bridge.poll.first-delay-ms",
            "bridge.inbox.stable-ms",
            "bridge.inbox.incomplete-ms",
            "bridge.inbox.undelivered-wait-ms",
            "bridge.jms.redelivery-delay-ms",
            "bridge.budget.default-pause-ms",
            "bridge.budget.increase-step",
            "bridge.store.keep-finished-days",
            "bridge.http.idle-close-ms",
            // HttpClient: no time limit of its own (every call still has bridge.http.deadline-ms)
            "camel.component.http.connect-timeout",
            "camel.component.https.connect-timeout",
            "camel.component.http.response-timeout",
            "camel.component.https.response-timeout",
            "camel.component.http.so-timeout",
            "camel.component.https.so-timeout");

    private final Function<String, Optional<String>> source;

    public BridgeSettings(CamelContext context) {
        this(context.getPropertiesComponent()::resolveProperty);
    }

    BridgeSettings(Function<String, Optional<String>> source) {
        this.source = key -> referenced(source, source.apply(key), 0);
    }

    /** A value that is another key's whole ({@code {{bridge.http.deadline-ms}}}), as Camel reads it. */
    private static final Pattern REFERENCE = Pattern.compile("\\{\\{([^{}]+)}}");

    /**
     * The value a reference names: Camel's properties resolve it on their own, the packaged defaults read without
     * Camel ({@code check}) do not.
     */
    private static Optional<String> referenced(
            Function<String, Optional<String>> source, Optional<String> value, int depth) {
        if (value.isEmpty() || depth > 8) {
            return value;
        }
        Matcher reference = REFERENCE.matcher(value.get().trim());
        return reference.matches() ? referenced(source, source.apply(reference.group(1)), depth + 1) : value;
    }

    /** The packaged defaults alone, for the commands that run without Camel ({@code check}). */
    public static BridgeSettings packagedDefaults() {
        Properties defaults = packagedProperties();
        return new BridgeSettings(key -> Optional.ofNullable(defaults.getProperty(key)));
    }

    /**
     * Every key the packaged file declares: the bridge's settings. Read once: the placeholder parser and the typo check
     * both ask at start.
     */
    static Set<String> packagedKeys() {
        return PackagedKeys.KEYS;
    }

    private static final class PackagedKeys {
        static final Set<String> KEYS = packagedProperties().stringPropertyNames();
    }

    private static Properties packagedProperties() {
        Properties defaults = new Properties();
        try (InputStream in = BridgeSettings.class.getClassLoader().getResourceAsStream(DEFAULTS)) {
            if (in == null) {
                throw new IllegalStateException(DEFAULTS + " is missing from the classpath");
            }
            defaults.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the packaged " + DEFAULTS, e);
        }
        return defaults;
    }

    /** The key's value, empty when it is set empty (the keys whose empty value means "none" or "derived"). */
    public Optional<String> optional(String key) {
        return Optional.of(declared(key).trim()).filter(v -> !v.isEmpty());
    }

    /** The value of a key that must not be empty. */
    public String text(String key) {
        return optional(key).orElseThrow(() -> new StartupFailure("property " + key + " must not be empty"));
    }

    public long number(String key) {
        return parse(key, Long::parseLong, Long.MAX_VALUE);
    }

    public int integer(String key) {
        return parse(key, Integer::parseInt, Integer.MAX_VALUE);
    }

    public double decimal(String key) {
        return parse(key, Double::parseDouble, null);
    }

    public boolean flag(String key) {
        String value = text(key);
        if (!value.equalsIgnoreCase("true") && !value.equalsIgnoreCase("false")) {
            throw new StartupFailure("property " + key + " must be true or false, not \"" + value + "\"");
        }
        return Boolean.parseBoolean(value);
    }

    /**
     * A key whose default lives with its own typed settings rather than in the properties file (the simulators'
     * knobs, {@code sandbox.SimulatorSettings}): null when no source sets it.
     */
    public String orNull(String key) {
        return source.apply(key).map(String::trim).filter(v -> !v.isEmpty()).orElse(null);
    }

    private String declared(String key) {
        return source.apply(key)
                // Camel reads {{ in any value as a placeholder, and one naming nothing set reads as no value
                // (placeholders audit: a key holding one was told as not set, sending the operator looking for it)
                .orElseThrow(() -> new StartupFailure("property " + key + " is not set, or its value holds a"
                        + " placeholder ({{...}}) naming nothing set: the packaged " + DEFAULTS + " declares"
                        + " every key with its default, so a camel.main.property-placeholder-location that leaves that"
                        + " file out must set it"));
    }

    /** The value read by {@code parser}; {@code largest}, when given, is named when a whole number is too large. */
    private <T extends Number> T parse(String key, Function<String, T> parser, Number largest) {
        String value = text(key);
        if (largest != null && value != null && value.startsWith("+")) {
            // re-check audit: +2 passed here, and the JMS route's URI read it as " 2" ("must be at least 1 (one)")
            throw new StartupFailure(
                    "property " + key + " must be a whole number written without a sign, not \"" + value + "\"");
        }
        T number;
        try {
            number = parser.apply(value);
        } catch (NumberFormatException e) {
            // configuration audit: 3000000000 for an int was told "must be a number"
            // retention audit: 0.5 for a count of days was told "must be a number"
            boolean whole = largest != null;
            throw new StartupFailure("property " + key + " must be a " + (whole ? "whole " : "") + "number"
                    + (whole && value.matches("\\d+") ? " of at most " + largest : "") + ", not \"" + value
                    + "\"");
        }
        // no count, size, rate or time of the bridge's is negative; most are meaningless at 0 too (a deadline of 0,
        // no workers): such a value would start a bridge that stalls or fails every call, so it stops the start here
        double amount = number.doubleValue();
        if (Double.isNaN(amount) || Double.isInfinite(amount)) {
            throw new StartupFailure("property " + key + " must be a finite number, not \"" + value + "\"");
        }
        if (amount < 0) {
            throw new StartupFailure("property " + key + " must not be negative, not \"" + value + "\"");
        }
        // a time past a year means nothing here, and one near Long.MAX_VALUE overflows where it is added to a clock or
        // multiplied (audit: a tick-ms of Long.MAX_VALUE made Quartz fire without pause, 90% of a core, no word)
        if (key.endsWith("-ms") && amount > MAX_TIME_MS) {
            throw new StartupFailure(
                    "property " + key + " must be at most " + MAX_TIME_MS + " (a year), not \"" + value + "\"");
        }
        if (amount == 0 && !MAY_BE_ZERO.contains(key)) {
            throw new StartupFailure("property " + key + " must be more than 0, not \"" + value + "\"");
        }
        return number;
    }
}
