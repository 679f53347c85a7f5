package io.profilebridge;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** An integrator's copy of the packaged route files, to edit before a start. */
public final class RouteCopies {

    private RouteCopies() {}

    /** Copies routes/*.camel.yaml into {@code root}/routes and returns that folder. */
    public static Path copy(Path root) throws IOException {
        Path routes = Files.createDirectories(root.resolve("routes"));
        try (Stream<Path> packaged = Files.list(Path.of("routes"))) {
            for (Path file :
                    packaged.filter(f -> f.toString().endsWith(".camel.yaml")).toList()) {
                Files.copy(file, routes.resolve(file.getFileName()));
            }
        }
        return routes;
    }

    /** The property that makes a start load the copies alone. */
    public static String includePattern(Path routes) {
        return "file:" + routes + "/*.camel.yaml";
    }

    /** Replaces {@code from}, which the file must hold, by {@code to}. */
    public static void edit(Path file, String from, String to) {
        try {
            String text = Files.readString(file);
            if (!text.contains(from)) {
                throw new IllegalStateException(file + " holds no " + from);
            }
            Files.writeString(file, text.replace(from, to));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
