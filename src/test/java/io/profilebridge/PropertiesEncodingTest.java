package io.profilebridge;

import static org.assertj.core.api.Assertions.assertThat;

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
}
