package io.profilebridge.operations;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.RoutingContext;
import org.apache.camel.CamelContext;
import org.apache.camel.StartupListener;
import org.apache.camel.component.platform.http.main.ManagementHttpServer;

/**
 * {@code /observe/metrics} answers any {@code Accept}: in OpenMetrics when it names {@code application/openmetrics-text},
 * else in Prometheus' text format 0.0.4. Camel's own route there declares {@code text/plain; version=0.0.4;
 * charset=utf-8} as what it produces, which Vert.x matches parameter by parameter: every {@code Accept} without
 * {@code *}{@code /*} was answered 406, {@code text/plain} and Telegraf's {@code text/plain;version=0.0.4;q=0.3} too;
 * Prometheus' own scrapes passed only by their trailing {@code *}{@code /*}. Written here because Camel's handler
 * cannot be configured; it serves the same registry, with the same formats, ahead of Camel's route.
 */
public final class MetricsScrape implements StartupListener {

    /**
     * Registry name of whether Camel's management login is on ({@code camel.management.authentication-enabled}): this
     * handler ran ahead of Camel's routes, and so of the login, and left the metrics open to anyone while every other
     * path asked for it (management-security audit). With the login on it comes after them all: Camel's own metrics
     * route answers what it matches, behind the login, and this one the rest (re-check audit: standing aside, every
     * {@code Accept} but {@code *}{@code /*} was a 406 again).
     */
    public static final String LOGIN_REQUIRED = "profileBridgeManagementLogin";

    private static final String TEXT = "text/plain; version=0.0.4; charset=utf-8";
    private static final String OPENMETRICS = "application/openmetrics-text; version=1.0.0; charset=utf-8";

    private final String path;

    /** @param path {@code camel.metrics.path} */
    MetricsScrape(String path) {
        this.path = path;
    }

    @Override
    public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) {
        ManagementHttpServer management = context.hasService(ManagementHttpServer.class);
        PrometheusMeterRegistry registry =
                context.getRegistry().lookupByNameAndType("metricsRegistry", PrometheusMeterRegistry.class);
        if (management == null || !management.isMetricsEnabled() || registry == null) {
            return;
        }
        Route scrape = management.getRouter().route(path);
        if (!Boolean.TRUE.equals(context.getRegistry().lookupByNameAndType(LOGIN_REQUIRED, Boolean.class))) {
            scrape.order(-1);
        }
        scrape.blockingHandler(routing -> scrape(routing, registry));
    }

    private static void scrape(RoutingContext routing, PrometheusMeterRegistry registry) {
        if (!"GET".equals(routing.request().method().name())) {
            routing.next(); // Vert.x answers 405, as for every other path of the port
            return;
        }
        String accept = routing.request().getHeader("Accept");
        String type = accept != null && accept.contains("application/openmetrics-text") ? OPENMETRICS : TEXT;
        routing.response().putHeader("Content-Type", type).end(registry.scrape(type));
    }
}
