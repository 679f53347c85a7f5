package io.profilebridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.camel.CamelContext;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The properties files are read as UTF-8, as they are written: read as Camel's default ISO-8859-1, "dätä" became
 * "dÃ¤tÃ¤", a data folder of another name, with no word (configuration audit).
 */
class PropertiesEncodingTest {

    @TempDir
    Path folder;

    @Test
    void aPropertiesFileIsReadAsUtf8() throws Exception {
        Path file = folder.resolve("application.properties");
        Files.writeString(file, "bridge.data = dätä ß\n", StandardCharsets.UTF_8);
        Method create = Main.class.getDeclaredMethod("createCamelContext");
        create.setAccessible(true);
        try (CamelContext context = (CamelContext) create.invoke(BridgeMain.createMain())) {
            context.getPropertiesComponent().setLocation("file:" + file);
            assertThat(context.resolvePropertyPlaceholders("{{bridge.data}}")).isEqualTo("dätä ß");
        }
    }

    /**
     * Winedit audit: a file saved with a byte-order mark had its first key passed over without a word (the mark read
     * into its name), a UTF-16 file all of them. The start stops naming the file; a mark before a comment harms nothing.
     */
    @Test
    void aPropertiesFileWithAByteOrderMarkOrInUtf16StopsTheStart() throws Exception {
        Path marked = folder.resolve("marked.properties");
        Files.writeString(marked, "\uFEFFbridge.outbox = results\r\nbridge.inbox = in2\r\n", StandardCharsets.UTF_8);
        Path utf16 = folder.resolve("utf16.properties");
        Files.writeString(utf16, "\uFEFFbridge.outbox = results\r\n", StandardCharsets.UTF_16LE);
        Path indented = folder.resolve("indented.properties");
        Files.writeString(indented, "\uFEFF\tbridge.outbox = secret-looking value\n", StandardCharsets.UTF_8);
        Path commented = folder.resolve("commented.properties");
        Files.writeString(commented, "\uFEFF# the bridge\nbridge.outbox = results\n", StandardCharsets.UTF_8);
        try (CamelContext context = createContext()) {
            context.getPropertiesComponent().setLocation("file:" + marked);
            assertThatThrownBy(() -> PropertiesFileEncoding.check(context.getPropertiesComponent()))
                    .isInstanceOf(StartupFailure.class)
                    .hasMessage(marked + " begins with a byte-order mark (U+FEFF), read as part of its first"
                            + " key, so that bridge.outbox would not apply; save it as UTF-8 without one");

            context.getPropertiesComponent().setLocation("file:" + indented);
            assertThatThrownBy(() -> PropertiesFileEncoding.check(context.getPropertiesComponent()))
                    .as("re-check audit: the mark before an indented key")
                    .hasMessageContaining("so that bridge.outbox would not apply")
                    .hasMessageNotContaining("secret");

            context.getPropertiesComponent().setLocation("file:" + utf16);
            assertThatThrownBy(() -> PropertiesFileEncoding.check(context.getPropertiesComponent()))
                    .isInstanceOf(StartupFailure.class)
                    .hasMessageStartingWith(utf16 + " is not UTF-8: its zero bytes are UTF-16's");

            context.getPropertiesComponent().setLocation("file:" + commented);
            PropertiesFileEncoding.check(context.getPropertiesComponent());
            assertThat(context.resolvePropertyPlaceholders("{{bridge.outbox}}")).isEqualTo("results");
        }
    }

    private static CamelContext createContext() throws Exception {
        Method create = Main.class.getDeclaredMethod("createCamelContext");
        create.setAccessible(true);
        return (CamelContext) create.invoke(BridgeMain.createMain());
    }
}
