package io.profilebridge.operations;

import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.StartupListener;
import org.apache.camel.health.HealthCheckResultBuilder;

/**
 * {@code routes}: DOWN while a route the bridge started with is gone. A route reload that cannot make a changed file's
 * route (a misspelt endpoint, {@code jmsx:}) leaves the old one removed, and Camel's per-route checks go with it: the
 * results or requests of that route waited with readiness UP (JMS-edits audit). UP again once it is there (the file
 * mended, reloaded). Readiness only: a restart with the file as it stands would not start at all.
 */
public final class RoutesGoneHealthCheck extends ReadinessCheck implements StartupListener {

    /** Each route the context started with, and the file that defined it (or its id, for a route of no file). */
    private final Map<String, String> startedWith = new TreeMap<>();

    private CamelContext context;

    public RoutesGoneHealthCheck() {
        super("routes");
    }

    @Override
    public synchronized void onCamelContextStarted(CamelContext started, boolean alreadyStarted) {
        if (alreadyStarted) {
            return; // a reload: what the bridge started with stays the measure
        }
        context = started;
        for (Route route : started.getRoutes()) {
            String source = route.getSourceLocationShort();
            startedWith.put(route.getRouteId(), source == null ? route.getRouteId() : source);
        }
    }

    @Override
    protected synchronized void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        if (context == null) {
            builder.up();
            return;
        }
        Map<String, String> gone = new TreeMap<>();
        startedWith.forEach((id, source) -> {
            if (context.getRoute(id) == null) {
                gone.put(id, source);
            }
        });
        if (gone.isEmpty()) {
            builder.up();
            return;
        }
        builder.down()
                .message("routes gone since the start (a route reload could not make them: see its WARN, mend the"
                        + " file): "
                        + gone.entrySet().stream()
                                .map(route -> route.getKey() + " (" + route.getValue() + ")")
                                .collect(Collectors.joining(", ")))
                .detail("routes", gone.size());
    }
}
