package io.profilebridge;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.apache.camel.CamelContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Names, once each at start, a {@code bridge.*}, {@code openprospect.*} or {@code orbit.*} property or its variable
 * ({@code BRIDGE_*}, {@code OPENPROSPECT_*}, {@code ORBIT_*}) that is no key of the bridge: a
 * misspelt one was passed over without a word and its default used (configuration audit: {@code bridge.store-url}
 * left an instance meant to share PostgreSQL on an embedded store of its own). A warning, not a refusal: a route an
 * integrator adds may read keys of its own. Only names are logged, never values.
 */
final class UnknownSettings {

    private static final Logger LOG = LoggerFactory.getLogger(UnknownSettings.class);

    /** Variables read by the log configuration and the benchmarks' scripts, which no properties file holds. */
    private static final Set<String> OUTSIDE_PROPERTIES = Set.of("BRIDGE_LOG_LEVEL", "BRIDGE_JAVA_OPTS", "BRIDGE_JAR");

    /**
     * The two APIs' families of keys, their roots and keys (lifecycle audit: a misspelt {@code orbit.baseurl} left the
     * packaged production root in use, without a word).
     */
    private static final List<String> API_PREFIXES = List.of("openprospect.", "orbit.");

    private static final String BRIDGE_PREFIX = "bridge.";

    /** How many edits apart a name may be from a key to be offered as what was meant. */
    private static final int NEAR = 3;

    private UnknownSettings() {}

    static void warn(CamelContext context) {
        Set<String> properties = new TreeSet<>();
        context.getPropertiesComponent().loadProperties().stringPropertyNames().forEach(properties::add);
        System.getProperties().stringPropertyNames().forEach(properties::add);
        warnings(BridgeSettings.packagedKeys(), properties, System.getenv().keySet())
                .forEach(LOG::warn);
    }

    /**
     * One line for each name set in {@code properties} or {@code variables} that names no key of {@code known}: any
     * {@code bridge.*} one, and an {@code openprospect.*} or {@code orbit.*} one only when it is near a key, as other
     * tools have variables of those names too (review: {@code ORBIT_SERVICE_HOST} of a service link, the API docs'
     * {@code ORBIT_PROFILE_ID}).
     */
    static List<String> warnings(Set<String> known, Collection<String> properties, Collection<String> variables) {
        Map<String, String> keyOfVariable =
                known.stream().collect(Collectors.toMap(UnknownSettings::variable, key -> key, (a, b) -> a));
        List<String> lines = new ArrayList<>();
        for (String name : new TreeSet<>(properties)) {
            if (!known.contains(name)) {
                unknown("property " + name, name, UnaryOperator.identity(), known)
                        .ifPresent(lines::add);
            }
        }
        for (String name : new TreeSet<>(variables)) {
            if (!keyOfVariable.containsKey(name) && !OUTSIDE_PROPERTIES.contains(name)) {
                unknown("variable " + name, name, UnknownSettings::variable, keyOfVariable.keySet())
                        .ifPresent(lines::add);
            }
        }
        return lines;
    }

    /**
     * The line for a name of the bridge's families that is no key, if one is due; {@code named} turns a key's prefix
     * into the form of {@code name} (a property's, a variable's).
     */
    private static Optional<String> unknown(String what, String name, UnaryOperator<String> named, Set<String> keys) {
        if (name.startsWith(named.apply(BRIDGE_PREFIX))) {
            return Optional.of(line(what, nearest(name, keys)));
        }
        boolean apiFamily = API_PREFIXES.stream().map(named).anyMatch(name::startsWith);
        return apiFamily ? nearest(name, keys).map(meant -> line(what, Optional.of(meant))) : Optional.empty();
    }

    private static String line(String what, Optional<String> meant) {
        return what + " names no setting of the bridge and is passed over"
                + meant.map(name -> " (did you mean " + name + "?)").orElse("")
                + "; README \"Configuration\" lists them";
    }

    /** The variable a key is read from: {@code bridge.poll.tick-ms} from {@code BRIDGE_POLL_TICK_MS}. */
    static String variable(String key) {
        return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    private static Optional<String> nearest(String name, Collection<String> candidates) {
        return candidates.stream()
                .filter(candidate -> distance(name, candidate) <= NEAR)
                .min(Comparator.comparingInt((String candidate) -> distance(name, candidate))
                        .thenComparing(Comparator.naturalOrder()));
    }

    /** Levenshtein's edit distance. */
    static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
