package io.profilebridge;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

import org.apache.camel.CamelContext;
import org.apache.camel.main.DefaultRoutesCollector;
import org.apache.camel.spi.Resource;
import org.apache.camel.util.FileUtil;

/**
 * Camel Main's route collector, with one rule added for {@code camel.main.routes-include-pattern}: of two route
 * files with the same name, the one found by a later pattern wins. With {@code classpath:routes/*.camel.yaml,
 * file:routes/*.camel.yaml}, a {@code routes/NAME.camel.yaml} beside the process replaces the packaged one of that
 * name, and any other file there adds its routes.
 */
public class RouteFiles extends DefaultRoutesCollector {

    private String lastSummary;

    @Override
    public Collection<Resource> findRouteResourcesFromDirectory(CamelContext context, String excludePattern,
            String includePattern) {
        Map<String, Resource> byName = new LinkedHashMap<>();
        int replaced = 0;
        for (Resource resource : super.findRouteResourcesFromDirectory(context, excludePattern, existing(includePattern))) {
            String name = FileUtil.stripPath(resource.getLocation());
            if (byName.remove(name) != null) {
                replaced++;
                log.debug("Route file {} replaces the one found before it", resource.getLocation());
            }
            byName.put(name, resource);
        }
        String summary = "Route files: " + byName.size() + ", of which " + replaced + " replace packaged ones of the same name";
        if (replaced > 0 && !summary.equals(lastSummary)) { // Camel Main asks twice: for modelines, then for routes
            log.info(summary);
        }
        lastSummary = summary;
        return byName.values();
    }

    /** The patterns without those of a {@code file:} folder that does not exist: no routes/ folder, no routes. */
    private static String existing(String includePattern) {
        if (includePattern == null) {
            return null;
        }
        return Arrays.stream(includePattern.split(","))
                .filter(pattern -> !pattern.startsWith("file:") || Files.isDirectory(folderOf(pattern.substring(5))))
                .collect(Collectors.joining(","));
    }

    private static Path folderOf(String pattern) {
        String folder = FileUtil.onlyPath(pattern);
        return Path.of(folder == null ? "." : folder);
    }
}
