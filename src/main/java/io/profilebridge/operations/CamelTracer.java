package io.profilebridge.operations;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.camel.CamelContext;
import org.apache.camel.NamedNode;
import org.apache.camel.opentelemetry2.OpenTelemetryTracer;
import org.apache.camel.spi.RoutePolicy;

/**
 * Camel's OpenTelemetry tracer (camel-opentelemetry2), bound in the registry so that Camel Main configures this one
 * from {@code camel.opentelemetry2.*} as it would its own, with one change: whether an endpoint is excluded is
 * decided once per endpoint. Camel's tracer splits the patterns and matches each against the normalised URI anew at
 * the start and at the end of every span, and a request makes dozens of spans.
 */
public class CamelTracer extends OpenTelemetryTracer {

    /** Endpoints are fixed by the routes; a bound keeps a stream of dynamic ones from growing the map. */
    private static final int MAX_KNOWN = 1000;

    private final Map<String, Boolean> excluded = new ConcurrentHashMap<>();

    @Override
    public void setExcludePatterns(String excludePatterns) {
        super.setExcludePatterns(excludePatterns);
        excluded.clear();
    }

    @Override
    public boolean exclude(String endpointUri, CamelContext context) {
        if (endpointUri == null) {
            return false;
        }
        Boolean known = excluded.get(endpointUri);
        if (known == null) {
            known = super.exclude(endpointUri, context);
            if (excluded.size() < MAX_KNOWN) {
                excluded.put(endpointUri, known);
            }
        }
        return known;
    }

    /**
     * Camel Main registers every RoutePolicyFactory bean of the registry with the context; this one traces only where
     * {@code camel.opentelemetry2.enabled} made it a service.
     */
    @Override
    public RoutePolicy createRoutePolicy(CamelContext camelContext, String routeId, NamedNode route) {
        return camelContext.hasService(this) ? super.createRoutePolicy(camelContext, routeId, route) : null;
    }
}
