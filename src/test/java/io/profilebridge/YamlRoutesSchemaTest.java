package io.profilebridge;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.camel.dsl.yaml.YamlRoutesBuilderLoader;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** Every YAML route validates against the YAML DSL schema that ships inside camel-yaml-dsl, and follows our layout. */
class YamlRoutesSchemaTest {

    private static JsonSchema schema;
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @BeforeAll
    static void loadSchema() throws IOException {
        try (InputStream in =
                YamlRoutesBuilderLoader.class.getClassLoader().getResourceAsStream("schema/camelYamlDsl.json")) {
            assertThat(in).as("schema/camelYamlDsl.json in camel-yaml-dsl").isNotNull();
            schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7).getSchema(in);
        }
    }

    @TestFactory
    Stream<DynamicTest> everyRouteFileIsValid() throws IOException {
        List<Path> files;
        try (Stream<Path> listing = Files.list(Path.of("routes"))) {
            files = listing.filter(p -> p.toString().endsWith(".camel.yaml"))
                    .sorted()
                    .toList();
        }
        assertThat(files).isNotEmpty();
        return files.stream()
                .map(file -> DynamicTest.dynamicTest(file.getFileName().toString(), () -> {
                    JsonNode routes = YAML.readTree(file.toFile());
                    Set<ValidationMessage> errors = schema.validate(routes);
                    assertThat(errors).as("schema errors in " + file).isEmpty();

                    String expectedId = file.getFileName().toString().replace(".camel.yaml", "");
                    assertThat(routes.isArray()).as("list form").isTrue();
                    assertThat(routes).hasSize(1);
                    assertThat(idOf(routes.get(0))).as("id = file name").isEqualTo(expectedId);
                }));
    }

    /** A route, route template or route configuration by its id; a templated route by the id of the route it makes. */
    private static String idOf(JsonNode element) {
        String kind = element.fieldNames().next();
        JsonNode definition = element.get(kind);
        assertThat(kind).isIn("route", "routeTemplate", "templatedRoute", "routeConfiguration");
        return definition.path(kind.equals("templatedRoute") ? "routeId" : "id").asText();
    }

    @TestFactory
    Stream<DynamicTest> aBrokenRouteIsCaught() {
        return Stream.of(DynamicTest.dynamicTest("unknown step", () -> {
            JsonNode broken = YAML.readTree(
                    "- route:\n    id: x\n    from:\n      uri: direct:x\n      steps:\n        - tooo: direct:y\n");
            assertThat(schema.validate(broken)).isNotEmpty();
        }));
    }
}
