package io.profilebridge.operations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.profilebridge.StartupFailure;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * With no {@code OTEL_*} variable the SDK is built without its autoconfiguration, and must behave as the
 * autoconfigured defaults would: a trace id for every request, nothing but W3C trace context on the wire.
 */
class TracingTest {

    @Test
    void onlyAnOtelVariableOrSystemPropertyLoadsTheAutoconfiguration() {
        assertThat(Tracing.asked(Map.of("PATH", "/bin", "BRIDGE_DATA", "data"), new Properties()))
                .isFalse();
        assertThat(Tracing.asked(Map.of("OTEL_TRACES_EXPORTER", "otlp"), new Properties()))
                .isTrue();
        Properties system = new Properties();
        system.setProperty("otel.service.name", "bridge-7");
        assertThat(Tracing.asked(Map.of(), system)).isTrue();
    }

    /** The SDK repeats a headers variable it cannot read whole; its values may be credentials (operations audit). */
    @Test
    void aMalformedHeadersVariableIsNamedWithoutItsValue() {
        String said = "Invalid map property: otel.exporter.otlp.traces.headers=Authorization=Basic dXNlcjpwYXNz,X-Org";
        assertThat(Tracing.withoutHeaderValues(said))
                .isEqualTo(
                        "Invalid map property: otel.exporter.otlp.traces.headers=... (not shown: header values may hold"
                                + " credentials)")
                .doesNotContain("dXNlcjpwYXNz");
        assertThat(Tracing.withoutHeaderValues("Unrecognized value for otel.traces.exporter: zipkin"))
                .isEqualTo("Unrecognized value for otel.traces.exporter: zipkin");
    }

    @Test
    void aValueTheSdkCannotReadIsNamedWithItsVariable() {
        for (Map.Entry<String, String> bad : Map.of(
                        "otel.exporter.otlp.timeout", "abc",
                        "otel.exporter.otlp.endpoint", "not a url")
                .entrySet()) {
            Map<String, String> given = Map.of("otel.traces.exporter", "otlp", bad.getKey(), bad.getValue());
            assertThatThrownBy(() -> Tracing.autoConfigured(given))
                    .isInstanceOf(StartupFailure.class)
                    .hasMessageContaining(bad.getKey());
        }
    }

    @Test
    void withoutExportEachTraceStillHasItsIdAndOnlyTraceContextTravels() {
        try (OpenTelemetrySdk sdk = Tracing.withoutExport()) {
            Span span = sdk.getTracer("camel").spanBuilder("request").startSpan();
            assertThat(span.getSpanContext().isValid())
                    .as("a real trace id, not the no-op tracer's zeros")
                    .isTrue();
            assertThat(span.getSpanContext().isSampled()).isTrue();
            span.end();
            assertThat(sdk.getPropagators().getTextMapPropagator().fields())
                    .containsExactlyInAnyOrder("traceparent", "tracestate");
        }
    }
}
