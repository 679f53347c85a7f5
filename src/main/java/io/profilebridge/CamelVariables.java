package io.profilebridge;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BiPredicate;

/**
 * The {@code CAMEL_...} environment variables Camel Main does not map to their {@code camel.*} keys as it documents,
 * given back their meaning:
 * <ul>
 *   <li>names ending in {@code _PORT} or containing {@code _PORT_}: it skips those as Kubernetes service links
 *       ({@code FOO_PORT=tcp://...}), so {@code CAMEL_MANAGEMENT_PORT} would be ignored. Mapped unless the value is a
 *       service link's (a URL): a value that is no port number ({@code CAMEL_MANAGEMENT_PORT=abc}) then stops the
 *       start naming its key ({@link PropertyChecks}), where it was ignored without a word;
 *   <li>component, data format and language options of more than one word: Camel turns every {@code _} into a dot
 *       ({@code CAMEL_COMPONENT_HTTP_CONNECT_TIMEOUT} as {@code camel.component.http.connect.timeout}, a nested
 *       option no component has) and the value is ignored without a word (configuration audit). The words after
 *       the component's name are one option ({@code camel.component.http.connect-timeout}); the name is the longest
 *       run of words that names one on the class path ({@code CAMEL_COMPONENT_PLATFORM_HTTP_...}).
 * </ul>
 */
final class CamelVariables {

    /** The kinds of parts with options, as {@code camel.<kind>.<name>.<option>}; also their service folders. */
    private static final Set<String> PARTS = Set.of("component", "dataformat", "language");

    private CamelVariables() {}

    /** The {@code camel.*} properties such variables set, with the parts on this class path. */
    static Map<String, String> fromEnvironment(Map<String, String> environment) {
        ClassLoader loader = CamelVariables.class.getClassLoader();
        return fromEnvironment(
                environment,
                (kind, name) -> loader.getResource("META-INF/services/org/apache/camel/" + kind + "/" + name) != null);
    }

    /** @param exists whether a part of a kind (component, dataformat, language) has the name */
    static Map<String, String> fromEnvironment(Map<String, String> environment, BiPredicate<String, String> exists) {
        Map<String, String> properties = new TreeMap<>();
        environment.forEach((name, value) -> {
            String upper = name.toUpperCase(Locale.ROOT);
            if (!upper.startsWith("CAMEL_")) {
                return;
            }
            String[] words = upper.toLowerCase(Locale.ROOT).split("_");
            if (words.length > 1 && PARTS.contains(words[1])) {
                // trimmed as Camel trims the values of its own variables and files (winedit audit: "64\r" of a CRLF env
                // file stopped the start with a NumberFormatException naming no key)
                partOption(words, exists).ifPresent(key -> properties.put(key, value.strip()));
            } else if (isOperatorsPort(upper, value)) {
                properties.put(String.join(".", words), value.trim());
            }
        });
        return properties;
    }

    /** A port variable Camel skipped whose value is the operator's: to be checked, not dropped. */
    private static boolean isOperatorsPort(String upper, String value) {
        // a service link's FOO_PORT is a URL (tcp://host:port), its FOO_PORT_80_TCP_... a URL, a word or a number
        if (upper.endsWith("_PORT")) {
            return !value.contains("://") && !value.isBlank();
        }
        return upper.contains("_PORT_") && value.trim().matches("\\d{1,5}");
    }

    /** camel.component.NAME.OPTION-OF-WORDS, for an option of two or more words after a known name. */
    private static Optional<String> partOption(String[] words, BiPredicate<String, String> exists) {
        String kind = words[1];
        // words[2..i) name the part, the longest such run first; at least two words remain for the option
        for (int end = words.length - 2; end > 2; end--) {
            String part = String.join("-", Arrays.copyOfRange(words, 2, end));
            if (exists.test(kind, part)) {
                String option = String.join("-", Arrays.copyOfRange(words, end, words.length));
                return Optional.of("camel." + kind + "." + part + "." + option);
            }
        }
        return Optional.empty();
    }
}
