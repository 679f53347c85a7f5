package io.profilebridge;

import java.util.Optional;
import java.util.Properties;
import org.apache.camel.spi.PropertiesComponent;
import org.apache.camel.util.OrderedLocationProperties;

/**
 * Stops the start on a properties file whose keys are not what was written: a UTF-8 byte-order mark (Windows
 * PowerShell's {@code -Encoding UTF8}) is read into the first key, which then names no setting and applies without a
 * word, and a UTF-16 file (PowerShell 5.1's {@code >}) gives no key at all (winedit audit: {@code bridge.outbox} of such
 * a file was passed over, the default used; an API key on the first line was "not configured"). Camel reads the text
 * with the charset it is told, and Java's UTF-8 keeps the mark.
 */
final class PropertiesFileEncoding {

    private static final char BYTE_ORDER_MARK = '\uFEFF';

    private PropertiesFileEncoding() {}

    static void check(PropertiesComponent properties) {
        check(properties.loadProperties());
    }

    static void check(Properties loaded) {
        if (!(loaded instanceof OrderedLocationProperties located)) {
            return;
        }
        for (String key : located.stringPropertyNames()) {
            String location = Optional.ofNullable(located.getLocation(key)).orElse("a properties file");
            if (key.indexOf('\0') >= 0) {
                throw new StartupFailure(location + " is not UTF-8: its zero bytes are UTF-16's (Windows PowerShell's"
                        + " \"Unicode\"), and none of its keys would apply; save it as UTF-8");
            }
            String named = key.isEmpty() || key.charAt(0) != BYTE_ORDER_MARK ? "" : key.substring(1);
            if (named.isEmpty() && key.length() == 1) {
                // the mark before an indented line: the mark is the key, the line its value (re-check audit); named
                // by the line's own key, never its value
                named = located.getProperty(key, "").strip().split("[\\s=:]", 2)[0];
            }
            if (!named.isEmpty() && named.charAt(0) != '#' && named.charAt(0) != '!') {
                throw new StartupFailure(location + " begins with a byte-order mark (U+FEFF), read as part of its first"
                        + " key, so that " + named + " would not apply; save it as UTF-8 without one");
            }
        }
    }
}
