package io.profilebridge;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.camel.CamelContext;
import org.apache.camel.main.DefaultRoutesCollector;
import org.apache.camel.spi.Resource;
import org.apache.camel.spi.ResourceLoader;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.util.AntPathMatcher;
import org.apache.camel.util.FileUtil;

/**
 * Camel Main's route collector, with two changes for {@code camel.main.routes-include-pattern}. Of two route files
 * with the same name, the one found by a later pattern wins: with {@code classpath:routes/*.camel.yaml,
 * file:routes/*.camel.yaml}, a {@code routes/NAME.camel.yaml} beside the process replaces the packaged one of that
 * name, and any other file there adds its routes. And a {@code classpath:} pattern is matched against the jar's
 * directory of entries: Camel's own scan reads (inflates) the whole jar for it, seconds for the 60 MB bundle.
 */
public class RouteFiles extends DefaultRoutesCollector {

    private String lastSummary;
    /** The replacements of files outside the jar already named (Camel Main asks twice: modelines, then routes). */
    private final Set<String> warned = new HashSet<>();
    /** Whether a replacement reads as the packaged file, by the pair's locations: read once, though Camel asks twice. */
    private final Map<String, Boolean> sameContent = new HashMap<>();
    /** Camel Main asks twice (modelines, then routes): the jar's directory is walked once per pattern. */
    private final Map<String, List<Resource>> classpathListings = new HashMap<>();

    @Override
    public Collection<Resource> findRouteResourcesFromDirectory(
            CamelContext context, String excludePattern, String includePattern) {
        Map<String, Resource> byName = new LinkedHashMap<>();
        int replaced = 0;
        List<String> edited = new ArrayList<>();
        for (Resource resource : find(context, excludePattern, existing(includePattern))) {
            String name = FileUtil.stripPath(resource.getLocation());
            Resource before = byName.remove(name);
            // a folder named twice (a relative and an absolute pattern) finds its files twice: nothing is replaced
            if (before == null || sameFile(before, resource)) {
                byName.put(name, resource);
                continue;
            }
            if (before.getLocation().startsWith("classpath:")) {
                replaced++;
                log.debug("Route file {} replaces the one found before it", resource.getLocation());
                if (!sameContent.computeIfAbsent(
                        before.getLocation() + "\n" + resource.getLocation(), any -> sameContent(before, resource))) {
                    edited.add(name);
                }
            } else if (warned.add(before.getLocation() + "\n" + resource.getLocation())) {
                // routes audit: a backup copy in a folder a later pattern reads replaced the edited file, unsaid; once,
                // though Camel Main asks twice
                log.warn(
                        "Route file {} replaces {}, of the same name, found before it: only the later one is loaded"
                                + " (a copy or a backup below a routes folder?)",
                        resource.getLocation(),
                        before.getLocation());
            }
            byName.put(name, resource);
        }
        // named, so that a step an edited copy left out (a release's new one, the results' sync) can be looked for
        // (lifecycle audit: a copy without the results' sync was loaded, said only as a count)
        String summary = "Route files: " + byName.size() + ", of which " + replaced
                + " replace packaged ones of the same name"
                + (edited.isEmpty()
                        ? ""
                        : " (" + edited.size() + " unlike the packaged file: " + String.join(", ", edited) + ")");
        if (replaced > 0 && !summary.equals(lastSummary)) { // Camel Main asks twice: for modelines, then for routes
            log.info(summary);
        }
        lastSummary = summary;
        return byName.values();
    }

    /** Whether a file of the same name says what the packaged one says; one that cannot be read counts as unlike. */
    private static boolean sameContent(Resource packaged, Resource replacement) {
        try (InputStream one = packaged.getInputStream();
                InputStream other = replacement.getInputStream()) {
            return Arrays.equals(one.readAllBytes(), other.readAllBytes());
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** Whether two route files found are one file, however their patterns named its folder. */
    private static boolean sameFile(Resource one, Resource other) {
        return one.getLocation().equals(other.getLocation())
                || (one.getLocation().startsWith("file:")
                        && other.getLocation().startsWith("file:")
                        && filePath(one).equals(filePath(other)));
    }

    private static Path filePath(Resource resource) {
        return Path.of(resource.getLocation().substring("file:".length()))
                .toAbsolutePath()
                .normalize();
    }

    /** Every pattern in turn, in order: classpath patterns listed here, the others by Camel. */
    private List<Resource> find(CamelContext context, String excludePattern, String includePattern) {
        List<Resource> found = new ArrayList<>();
        if (includePattern == null || includePattern.isEmpty()) {
            return found;
        }
        String[] excludes = excludePattern == null ? null : excludePattern.split(",");
        for (String include : includePattern.split(",")) {
            String pattern = include.endsWith("?optional=true") ? include.substring(0, include.length() - 14) : include;
            if (pattern.startsWith("classpath:") && AntPathMatcher.INSTANCE.isPattern(pattern)) {
                List<Resource> listed = classpathListings.computeIfAbsent(
                        pattern, p -> onClasspath(context, p.substring("classpath:".length())));
                for (Resource resource : listed) {
                    if (excludes == null || !AntPathMatcher.INSTANCE.anyMatch(excludes, resource.getLocation())) {
                        found.add(resource);
                    }
                }
            } else {
                found.addAll(super.findRouteResourcesFromDirectory(context, excludePattern, include));
            }
        }
        return found;
    }

    /** The classpath resources matching {@code pattern} (e.g. {@code routes/*.camel.yaml}), sorted by name. */
    private static List<Resource> onClasspath(CamelContext context, String pattern) {
        String folder = AntPathMatcher.INSTANCE.determineRootDir(pattern);
        String subPattern = pattern.substring(folder.length());
        List<String> names = new ArrayList<>();
        try {
            Enumeration<URL> roots = context.getApplicationContextClassLoader() != null
                    ? context.getApplicationContextClassLoader().getResources(folder)
                    : RouteFiles.class.getClassLoader().getResources(folder);
            for (URL root : Collections.list(roots)) {
                for (String name : entries(root, folder)) {
                    if (AntPathMatcher.INSTANCE.match(subPattern, name.substring(folder.length()))) {
                        names.add(name);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list classpath:" + folder, e);
        }
        ResourceLoader loader = PluginHelper.getResourceLoader(context);
        return names.stream()
                .distinct()
                .sorted()
                .map(name -> loader.resolveResource("classpath:" + name))
                .toList();
    }

    /** The file entries below {@code folder} in one classpath root: a jar's directory, or a folder's files. */
    private static List<String> entries(URL root, String folder) throws IOException {
        if ("jar".equals(root.getProtocol())) {
            JarURLConnection connection = (JarURLConnection) root.openConnection();
            connection.setUseCaches(false);
            try (JarFile jar = connection.getJarFile()) {
                return jar.stream()
                        .filter(entry -> !entry.isDirectory() && entry.getName().startsWith(folder))
                        .map(JarEntry::getName)
                        .toList();
            }
        }
        if ("file".equals(root.getProtocol())) {
            Path dir;
            try {
                dir = Path.of(root.toURI());
            } catch (URISyntaxException e) {
                throw new IOException("unusable classpath folder " + root, e);
            }
            try (Stream<Path> files = Files.walk(dir)) {
                return files.filter(Files::isRegularFile)
                        .map(file -> folder + dir.relativize(file).toString().replace('\\', '/'))
                        .toList();
            }
        }
        return List.of();
    }

    /**
     * The route file locations a start reads for this {@code camel.main.routes-include-pattern}, in order: what
     * {@code check} reads its inbox folders from (CLI audit: it read the working directory's routes/ alone).
     */
    public static List<String> locations(String includePattern) {
        String existing = existing(includePattern);
        return existing == null || existing.isEmpty() ? List.of() : List.of(existing.split(","));
    }

    /**
     * The patterns without those of a {@code file:} folder that does not exist (no routes/ folder, no routes); a
     * relative {@code file:} pattern is also looked for in the jar's folder, just before the working directory's, so
     * the working directory's file of a name wins ({@link JarFolder}).
     */
    private static String existing(String includePattern) {
        if (includePattern == null) {
            return null;
        }
        Optional<Path> jarFolder = JarFolder.otherThanTheWorkingDirectory();
        return Arrays.stream(includePattern.split(","))
                .flatMap(pattern -> besideTheJarToo(pattern, jarFolder))
                .filter(pattern -> !pattern.startsWith("file:") || Files.isDirectory(folderOf(pattern.substring(5))))
                .collect(Collectors.joining(","));
    }

    private static Stream<String> besideTheJarToo(String pattern, Optional<Path> jarFolder) {
        if (jarFolder.isEmpty()
                || !pattern.startsWith("file:")
                || Path.of(pattern.substring(5)).isAbsolute()) {
            return Stream.of(pattern);
        }
        return Stream.of(
                "file:"
                        + jarFolder
                                .get()
                                .resolve(pattern.substring(5))
                                .toString()
                                .replace('\\', '/'),
                pattern);
    }

    private static Path folderOf(String pattern) {
        String folder = FileUtil.onlyPath(pattern);
        return Path.of(folder == null ? "." : folder);
    }
}
