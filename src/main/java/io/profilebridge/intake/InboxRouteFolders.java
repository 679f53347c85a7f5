package io.profilebridge.intake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The inbox folders the route files make, as the bridge would load them (the packaged files, each replaced by a file
 * of its name in {@code routes/}, and any other file there added): each {@code templatedRoute} of {@code inbox-folder}
 * names a folder below the inbox ("" for the inbox itself) and the API of its bare bodies ("" for envelopes). Read by
 * {@code check}, which knew the packaged folders only (agreement audit: a folder added as the README says got
 * folder_unread from check, and its files ran).
 */
final class InboxRouteFolders {

    /** The packaged route files that make inbox folders (classpath {@code routes/}). */
    private static final List<String> PACKAGED =
            List.of("inbox-openprospect.camel.yaml", "inbox-orbit.camel.yaml", "inbox-envelope.camel.yaml");

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private InboxRouteFolders() {}

    /** Folder name ("" for the inbox itself) to the API of its bare bodies ("" for envelopes). */
    static Map<String, String> read(Path routes) {
        Map<String, Map<String, String>> byFile = new LinkedHashMap<>();
        for (String name : PACKAGED) {
            try (InputStream packaged = InboxRouteFolders.class.getResourceAsStream("/routes/" + name)) {
                if (packaged != null) {
                    byFile.put(name, foldersOf(YAML.readTree(packaged)));
                }
            } catch (IOException e) {
                // a packaged file is the jar's own: read as built
            }
        }
        if (Files.isDirectory(routes)) {
            try (DirectoryStream<Path> files = Files.newDirectoryStream(routes, "*.camel.yaml")) {
                for (Path file : files) {
                    // a file that is not YAML stops the bridge's start, with Camel's own words; here it makes no folder
                    readTree(file)
                            .ifPresent(tree -> byFile.put(file.getFileName().toString(), foldersOf(tree)));
                }
            } catch (IOException e) {
                // a routes/ folder that cannot be listed: the packaged folders alone
            }
        }
        Map<String, String> folders = new LinkedHashMap<>();
        byFile.values().forEach(folders::putAll);
        return folders;
    }

    private static Optional<JsonNode> readTree(Path file) {
        try {
            return Optional.ofNullable(YAML.readTree(file.toFile()));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static Map<String, String> foldersOf(JsonNode routes) {
        Map<String, String> folders = new LinkedHashMap<>();
        if (routes == null || !routes.isArray()) {
            return folders;
        }
        for (JsonNode element : routes) {
            JsonNode templated = element.path("templatedRoute");
            if (!"inbox-folder".equals(templated.path("routeTemplateRef").asText())) {
                continue;
            }
            String folder = "";
            String api = "";
            for (JsonNode parameter : templated.path("parameters")) {
                String value = parameter.path("value").asText("");
                switch (parameter.path("name").asText()) {
                    case "folder" -> folder = value;
                    case "api" -> api = value;
                    default -> {}
                }
            }
            folders.put(folder, api);
        }
        return folders;
    }
}
