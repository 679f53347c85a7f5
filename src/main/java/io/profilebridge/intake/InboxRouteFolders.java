package io.profilebridge.intake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
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

    /** Where the route files are packaged (classpath {@code routes/}). */
    private static final String PACKAGED_FOLDER = "routes";

    /** The packaged route files that make inbox folders. */
    private static final List<String> PACKAGED =
            List.of("inbox-openprospect.camel.yaml", "inbox-orbit.camel.yaml", "inbox-envelope.camel.yaml");

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private InboxRouteFolders() {}

    /**
     * Folder name ("" for the inbox itself) to the API of its bare bodies ("" for envelopes), for the packaged route
     * files and those of {@code routes}: as a start with the default {@code camel.main.routes-include-pattern} in the
     * jar's own folder.
     */
    static Map<String, String> read(Path routes) {
        return read(List.of(
                "classpath:" + PACKAGED_FOLDER + "/*.camel.yaml",
                "file:" + routes.toString().replace('\\', '/') + "/*.camel.yaml"));
    }

    /**
     * As {@link #read(Path)}, for the route files of these locations, in the order a start loads them (a later file of
     * a name replaces an earlier one): {@code classpath:routes/GLOB} names packaged files, {@code file:FOLDER/GLOB}
     * the files of a folder; a location of another shape makes no folder.
     */
    static Map<String, String> read(List<String> locations) {
        Map<String, Map<String, String>> byFile = new LinkedHashMap<>();
        for (String location : locations) {
            if (location.startsWith("classpath:")) {
                readPackaged(location.substring("classpath:".length()), byFile);
            } else if (location.startsWith("file:")) {
                readFolder(location.substring("file:".length()), byFile);
            }
        }
        Map<String, String> folders = new LinkedHashMap<>();
        byFile.values().forEach(folders::putAll);
        return folders;
    }

    private static void readPackaged(String pattern, Map<String, Map<String, String>> byFile) {
        Path relative = Path.of(pattern);
        if (relative.getParent() == null || !relative.getParent().toString().equals(PACKAGED_FOLDER)) {
            return;
        }
        PathMatcher glob = FileSystems.getDefault().getPathMatcher("glob:" + relative.getFileName());
        for (String name : PACKAGED) {
            if (!glob.matches(Path.of(name))) {
                continue;
            }
            try (InputStream packaged =
                    InboxRouteFolders.class.getResourceAsStream("/" + PACKAGED_FOLDER + "/" + name)) {
                if (packaged != null) {
                    byFile.put(name, foldersOf(YAML.readTree(packaged)));
                }
            } catch (IOException e) {
                // a packaged file is the jar's own: read as built
            }
        }
    }

    private static void readFolder(String pattern, Map<String, Map<String, String>> byFile) {
        Path path = Path.of(pattern);
        Path folder = path.getParent() == null ? Path.of(".") : path.getParent();
        if (!Files.isDirectory(folder)) {
            return;
        }
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> listing =
                Files.newDirectoryStream(folder, path.getFileName().toString())) {
            listing.forEach(files::add);
        } catch (IOException | RuntimeException e) {
            // a folder that cannot be listed, or a pattern that is no glob: no folders of its
            return;
        }
        files.sort(null);
        for (Path file : files) {
            // a file that is not YAML stops the bridge's start, with Camel's own words; here it makes no folder
            readTree(file).ifPresent(tree -> byFile.put(file.getFileName().toString(), foldersOf(tree)));
        }
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
