package io.profilebridge.operations;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.profilebridge.LogCapture;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A collector that refuses spans is named in one line, whatever the number of batches, and its recovery in one more. */
class SpanExportFailuresTest {

    @Test
    void aRefusingCollectorIsNamedOnceWithItsAnswerAndItsRecoveryOnce() throws Exception {
        AtomicInteger status = new AtomicInteger(404);
        HttpServer collector = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        collector.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(status.get(), -1);
            exchange.close();
        });
        collector.start();
        String endpoint = "http://127.0.0.1:" + collector.getAddress().getPort() + "/v1/traces";
        SpanExportFailures exporter = new SpanExportFailures(
                OtlpHttpSpanExporter.builder().setEndpoint(endpoint).build(), endpoint);
        try (LogCapture logs = LogCapture.start();
                SdkTracerProvider tracers = SdkTracerProvider.builder()
                        .addSpanProcessor(SimpleSpanProcessor.create(exporter))
                        .build()) {
            for (int i = 0; i < 3; i++) {
                tracers.get("test").spanBuilder("refused-" + i).startSpan().end();
                tracers.forceFlush().join(10, TimeUnit.SECONDS);
            }
            status.set(200);
            tracers.get("test").spanBuilder("taken").startSpan().end();
            tracers.forceFlush().join(10, TimeUnit.SECONDS);

            assertThat(logs.lines())
                    .filteredOn(line -> line.contains("SpanExportFailures"))
                    .satisfiesExactly(
                            refused -> assertThat(refused)
                                    .contains("WARN", endpoint, "it answered HTTP 404 to a batch of 1 spans"),
                            again -> assertThat(again).contains("INFO", "exported to " + endpoint + " again"));
        } finally {
            collector.stop(0);
        }
    }

    @Test
    void aCollectorNobodyListensAtIsNamedWithWhatKeptTheBatchFromIt() {
        assertThat(SpanExportFailures.reason(new java.net.ConnectException("Connection refused"), 3))
                .isEqualTo("ConnectException: Connection refused");
        assertThat(SpanExportFailures.reason(null, 3)).isEqualTo("a batch of 3 spans was not taken");
    }

    /** The exporter's own logger is off (log4j2.properties) by a class name: it must still name the exporter. */
    @Test
    void theLoggerTurnedOffIsTheExportersOwn() throws Exception {
        java.util.Properties config = new java.util.Properties();
        try (var in = getClass().getResourceAsStream("/log4j2.properties")) {
            config.load(in);
        }
        assertThat(config.getProperty("logger.otel-export.level")).isEqualTo("OFF");
        assertThat(Class.forName(config.getProperty("logger.otel-export.name")))
                .as("the OTLP exporter that logs each failed batch")
                .isNotNull();
    }
}
