package io.profilebridge;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A setting the process applies first thing at launch, before Camel reads the properties files: it comes from
 * {@code -D<key>} or the environment variable only, and is one of a few words, the first of which is the default.
 * The properties files still carry the key (so that it is documented where the others are), and a value there that
 * differs from what the process runs with stops the start: a setting that silently does nothing is worse than a
 * start that says so.
 */
record LaunchSetting(String key, String variable, List<String> values) {

    /** The value asked for: -D, else the environment, else the default. */
    String asked(Optional<String> property, Map<String, String> environment) {
        String value = property.or(() -> Optional.ofNullable(environment.get(variable)))
                .map(LaunchSetting::normalised)
                .orElse(values.get(0));
        if (!values.contains(value)) {
            throw new StartupFailure(
                    "property " + key + " must be " + String.join(" or ", values) + ", not \"" + value + "\"");
        }
        return value;
    }

    /** The value this process was launched with. */
    String atLaunch() {
        return asked(Optional.ofNullable(System.getProperty(key)), System.getenv());
    }

    /** Refuses a value that only a properties file sets: those are read after launch, too late to apply it. */
    void checkConfigured(String configured) {
        String launched = atLaunch();
        if (!normalised(configured).equals(launched)) {
            throw new StartupFailure("property " + key + " is read at launch, from " + variable + " or -D" + key
                    + " only: the configuration says \"" + configured.strip() + "\" but the process runs with \""
                    + launched + "\"; set " + variable + " instead");
        }
    }

    private static String normalised(String value) {
        return value.strip().toLowerCase(Locale.ROOT);
    }
}
