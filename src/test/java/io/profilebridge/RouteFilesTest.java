package io.profilebridge;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collection;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.Resource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which route files a start loads when several patterns find files of one name (routes audit). */
class RouteFilesTest {

    @TempDir
    Path root;

    @Test
    void aLaterFileOfTheSameNameReplacingAnEditedOneIsNamedWithIt() throws Exception {
        Path edited = Files.writeString(
                Files.createDirectories(root.resolve("routes")).resolve("a.camel.yaml"), "[]");
        Path backup = Files.writeString(
                Files.createDirectories(root.resolve("routes/orig")).resolve("a.camel.yaml"), "[]");
        try (LogCapture logs = LogCapture.start();
                DefaultCamelContext context = new DefaultCamelContext()) {
            RouteFiles files = new RouteFiles();
            String patterns = "file:" + root.resolve("routes") + "/*.camel.yaml,file:" + root.resolve("routes/orig")
                    + "/*.camel.yaml";
            files.findRouteResourcesFromDirectory(context, null, patterns); // Camel Main asks twice
            Collection<Resource> found = files.findRouteResourcesFromDirectory(context, null, patterns);
            assertThat(found)
                    .singleElement()
                    .satisfies(r -> assertThat(r.getLocation()).endsWith("orig/a.camel.yaml"));
            assertThat(logs.lines())
                    .filteredOn(line -> line.contains("RouteFiles"))
                    .singleElement()
                    .satisfies(line -> assertThat(line).contains("WARN", backup.toString(), edited.toString()));
        }
    }

    @Test
    void aFolderNamedTwiceLoadsEachFileOnceAndSaysNothing() throws Exception {
        Files.writeString(Files.createDirectories(root.resolve("routes")).resolve("a.camel.yaml"), "[]");
        try (LogCapture logs = LogCapture.start();
                DefaultCamelContext context = new DefaultCamelContext()) {
            Path relative = Path.of("").toAbsolutePath().relativize(root.resolve("routes"));
            Collection<Resource> found = new RouteFiles()
                    .findRouteResourcesFromDirectory(
                            context,
                            null,
                            "file:" + relative + "/*.camel.yaml,file:" + root.resolve("routes") + "/*.camel.yaml");
            assertThat(found).hasSize(1);
            assertThat(logs.lines()).noneMatch(line -> line.contains("RouteFiles"));
        }
    }

    @Test
    void packagedFilesReplacedByOnesThatDifferAreNamed() throws Exception {
        // lifecycle audit: a copy of deliver-result.camel.yaml without the results' sync was loaded, said as a count
        Path routes = Files.createDirectories(root.resolve("routes"));
        for (String name : new String[] {"deliver-result.camel.yaml", "poll-due-jobs.camel.yaml"}) {
            try (var packaged = RouteFilesTest.class.getResourceAsStream("/routes/" + name)) {
                Files.write(routes.resolve(name), packaged.readAllBytes());
            }
        }
        Files.writeString(routes.resolve("poll-due-jobs.camel.yaml"), "# edited\n", StandardOpenOption.APPEND);
        try (LogCapture logs = LogCapture.start();
                DefaultCamelContext context = new DefaultCamelContext()) {
            new RouteFiles()
                    .findRouteResourcesFromDirectory(
                            context, null, "classpath:routes/*.camel.yaml,file:" + routes + "/*.camel.yaml");
            assertThat(logs.lines())
                    .filteredOn(line -> line.contains("RouteFiles"))
                    .singleElement()
                    .satisfies(line -> assertThat(line)
                            .contains("of which 2 replace packaged ones")
                            .contains("(1 unlike the packaged file: poll-due-jobs.camel.yaml)"));
        }
    }
}
