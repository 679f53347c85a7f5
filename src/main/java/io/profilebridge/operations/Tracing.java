package io.profilebridge.operations;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigurationException;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.profilebridge.ClosingService;
import io.profilebridge.StartupFailure;
import io.profilebridge.Urls;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.main.Main;

/**
 * The OpenTelemetry SDK behind Camel's spans (camel-opentelemetry2), configured by the standard {@code OTEL_*}
 * variables and {@code otel.*} system properties over the defaults below: nothing is exported unless asked for, and
 * only the W3C {@code traceparent} / {@code tracestate} headers travel. It is bound before Camel configures itself,
 * since Camel Main starts its tracer, which looks the SDK up in the registry, before any configuration class runs.
 */
public final class Tracing {

    /** The defaults; any {@code OTEL_*} variable or {@code otel.*} system property wins over them. */
    static final Map<String, String> DEFAULTS = Map.of(
            "otel.traces.exporter", "none",
            "otel.metrics.exporter", "none",
            "otel.logs.exporter", "none",
            // no baggage: Camel marks every span with baggage camelScope=true, which the default propagators would
            // send as a header on every API call and result message
            "otel.propagators", "tracecontext",
            // the OTLP exporter is packaged with the JDK's HTTP client only (no gRPC, no OkHttp)
            "otel.exporter.otlp.protocol", "http/protobuf");

    /** The SDK's "Invalid map property: NAME=VALUE" of an OTLP headers variable: its values may be credentials. */
    private static final Pattern HEADERS_VALUE =
            Pattern.compile("(otel\\.exporter\\.otlp\\.(?:traces\\.|metrics\\.|logs\\.)?headers)=.*", Pattern.DOTALL);

    private static final AttributeKey<String> SERVICE_NAME = AttributeKey.stringKey("service.name");

    /**
     * Does nothing with a span. Without any processor (no exporter configured) the SDK hands out a no-op tracer,
     * which makes no trace of its own: a file would get no trace id, and no call a span of its own.
     */
    private static final SpanProcessor KEEP_IDS = new SpanProcessor() {
        @Override
        public void onStart(Context parent, ReadWriteSpan span) {}

        @Override
        public boolean isStartRequired() {
            return false;
        }

        @Override
        public void onEnd(ReadableSpan span) {}

        @Override
        public boolean isEndRequired() {
            return false;
        }
    };

    private Tracing() {}

    /** Builds the SDK from {@code OTEL_*}, binds its tracer and propagators for Camel, and closes it when Camel stops. */
    public static void install(Main main) {
        OpenTelemetrySdk sdk =
                asked(System.getenv(), System.getProperties()) ? autoConfigured(Map.of()) : withoutExport();
        main.bind("openTelemetryTracer", sdk.getTracer("camel"));
        main.bind("openTelemetryPropagators", sdk.getPropagators());
        main.bind("camelTracer", new CamelTracer());
        main.configure().addConfiguration(new CamelConfiguration() {
            @Override
            public void configure(CamelContext context) throws Exception {
                context.addService(new ClosingService(sdk));
            }
        });
    }

    /** Whether any {@code OTEL_*} variable or {@code otel.*} system property is set. */
    static boolean asked(Map<String, String> environment, Properties system) {
        return !named(environment, system, Map.of()).isEmpty();
    }

    /**
     * The names (never the values) of what configures the SDK: the SDK's own message names the property for most
     * bad values but not all ("OTLP endpoint must be a valid URL: not a url").
     */
    static List<String> named(Map<String, String> environment, Properties system, Map<String, String> given) {
        return Stream.of(
                        environment.keySet().stream().filter(name -> name.startsWith("OTEL_")),
                        system.stringPropertyNames().stream().filter(name -> name.startsWith("otel.")),
                        given.keySet().stream())
                .flatMap(names -> names)
                .sorted()
                .toList();
    }

    /**
     * What {@link #DEFAULTS} configure, built directly: with nothing asked for, the SDK's autoconfiguration (service
     * loading, every exporter's provider) would only add to the start-up.
     */
    static OpenTelemetrySdk withoutExport() {
        return OpenTelemetrySdk.builder()
                .setTracerProvider(
                        SdkTracerProvider.builder().addSpanProcessor(KEEP_IDS).build())
                .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
                .build();
    }

    /** The SDK as the {@code OTEL_*} variables, then {@code given} (tests), then {@link #DEFAULTS} configure it. */
    static OpenTelemetrySdk autoConfigured(Map<String, String> given) {
        try {
            return AutoConfiguredOpenTelemetrySdk.builder()
                    .addPropertiesSupplier(() -> DEFAULTS)
                    .addPropertiesSupplier(() -> given)
                    .addPropertiesCustomizer(Tracing::requireHttp)
                    .addResourceCustomizer(Tracing::nameService)
                    .addTracerProviderCustomizer((tracers, config) -> tracers.addSpanProcessor(KEEP_IDS))
                    .addSpanExporterCustomizer(
                            (exporter, config) -> new SpanExportFailures(exporter, Urls.shown(tracesEndpoint(config))))
                    // closed with the Camel context, after the routes (and their last spans) have stopped
                    .disableShutdownHook()
                    .build()
                    .getOpenTelemetrySdk();
        } catch (ConfigurationException e) {
            throw new StartupFailure(
                    "OpenTelemetry cannot be configured from the OTEL_* variables set ("
                            + String.join(", ", named(System.getenv(), System.getProperties(), given)) + "): "
                            + withoutHeaderValues(said(e)),
                    e);
        }
    }

    /**
     * Every message down the chain: the SDK's names the property, a cause of the JDK's only the value or not even
     * that ({@code For input string: ""} of a bad timeout; audit: the start's failure line named neither).
     */
    private static String said(Throwable e) {
        StringBuilder said = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            String message = t.getMessage();
            if (message != null && !said.toString().contains(message)) {
                said.append(said.length() == 0 ? "" : ": ").append(message);
            }
        }
        return said.toString();
    }

    /**
     * The message without the value of an OTLP headers property, which the SDK repeats whole when it cannot read it
     * (operations audit: {@code Authorization=Basic ...} reached the start's failure line, which no mask catches).
     */
    static String withoutHeaderValues(String message) {
        return message == null
                ? null
                : HEADERS_VALUE.matcher(message).replaceAll("$1=... (not shown: header values may hold credentials)");
    }

    /** Where the OTLP exporter sends spans: its own endpoint property, or the common one's {@code /v1/traces}. */
    static String tracesEndpoint(ConfigProperties config) {
        String own = config.getString("otel.exporter.otlp.traces.endpoint");
        if (own != null && !own.isBlank()) {
            return own;
        }
        String common = config.getString("otel.exporter.otlp.endpoint", "http://localhost:4318");
        return common.endsWith("/") ? common + "v1/traces" : common + "/v1/traces";
    }

    /** OTLP is packaged over HTTP only: gRPC would otherwise fail deep inside the exporter's set-up. */
    private static Map<String, String> requireHttp(ConfigProperties config) {
        for (String signal : List.of("", "traces.", "metrics.", "logs.")) {
            String key = "otel.exporter.otlp." + signal + "protocol";
            if ("grpc".equals(config.getString(key))) {
                throw new ConfigurationException(
                        key + "=grpc: OTLP is packaged over HTTP only (http/protobuf, port 4318)");
            }
        }
        return Map.of();
    }

    /** {@code service.name} is profile-bridge unless OTEL_SERVICE_NAME or OTEL_RESOURCE_ATTRIBUTES names one. */
    private static Resource nameService(Resource resource, ConfigProperties config) {
        boolean named = config.getString("otel.service.name") != null
                || config.getMap("otel.resource.attributes").containsKey(SERVICE_NAME.getKey());
        return named
                ? resource
                : resource.toBuilder().put(SERVICE_NAME, "profile-bridge").build();
    }
}
