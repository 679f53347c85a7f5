package io.profilebridge;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.apache.camel.CamelContext;
import org.apache.camel.model.Model;
import org.apache.camel.model.ModelLifecycleStrategy;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.RouteTemplateDefinition;
import org.apache.camel.spi.Resource;

/**
 * Camel adds a route whose id another route has already taken by removing the first one, without a word (each route
 * file is added on its own, so its duplicate-id check never sees both). An integrator who copies an inbox route file
 * for a new folder and keeps its {@code routeId} loses the original folder's intake silently. This listens to the
 * routes being added before the start and keeps each such replacement for {@link RouteWiring} to name.
 */
final class ReplacedRoutes implements ModelLifecycleStrategy {

    private final CamelContext context;
    private final List<String> replaced = new ArrayList<>();

    private ReplacedRoutes(CamelContext context) {
        this.context = context;
    }

    /** Starts listening; call before the routes are added. */
    static ReplacedRoutes watch(CamelContext context) {
        ReplacedRoutes watcher = new ReplacedRoutes(context);
        model(context).addModelLifecycleStrategy(watcher);
        return watcher;
    }

    @Override
    public void onRemoveRouteDefinition(RouteDefinition removed) {
        // Camel also calls this for a route it does not hold yet (nothing to replace), and later when routes are
        // reloaded or removed on purpose, which is not an edit's mistake
        if (removed != null
                && !context.isStarted()
                && model(context).getRouteDefinitions().contains(removed)) {
            replaced.add(removed.getRouteId() + " (" + where(removed) + ")");
        }
    }

    /** One line per route id taken twice, naming the route that was dropped; empty when none was. */
    List<String> problems() {
        return replaced.stream()
                .map(route -> "two routes have the id " + route + "; the second replaced the first, whose "
                        + "endpoint is no longer read: give each route its own id")
                .toList();
    }

    /** Its file when Camel knows it, its endpoint, and the parameters a templated route was made with. */
    private static String where(RouteDefinition route) {
        List<String> parts = new ArrayList<>();
        Resource resource = route.getResource();
        if (resource != null) {
            parts.add(resource.getLocation());
        }
        if (route.getInput() != null) {
            parts.add("from " + RouteWiring.endpoint(route.getInput().getEndpointUri()));
        }
        if (route.getTemplateParameters() != null) {
            new TreeMap<>(route.getTemplateParameters()).forEach((name, value) -> parts.add(name + "=" + value));
        }
        return String.join(", ", parts);
    }

    private static Model model(CamelContext context) {
        return context.getCamelContextExtension().getContextPlugin(Model.class);
    }

    @Override
    public void onAddRouteDefinition(RouteDefinition added) {
        // only removals tell of a replacement
    }

    @Override
    public void onAddRouteTemplateDefinition(RouteTemplateDefinition added) {
        // templates are not routes
    }

    @Override
    public void onRemoveRouteTemplateDefinition(RouteTemplateDefinition removed) {
        // templates are not routes
    }
}
