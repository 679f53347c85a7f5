package io.profilebridge.operations;

import io.opentelemetry.exporter.internal.FailedExportException;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.Collection;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Says in one WARN line, naming the collector and why, that spans cannot be exported, and in one INFO line that they
 * are again. The SDK's own exporter logged an ERROR with a 30-line stack trace for each failed batch (up to five a
 * minute) and never named the endpoint (observability audit); its logger is off in log4j2.properties.
 */
final class SpanExportFailures implements SpanExporter {

    private static final Logger LOG = LoggerFactory.getLogger(SpanExportFailures.class);

    private final SpanExporter exporter;
    private final String endpoint;
    private final AtomicBoolean failing = new AtomicBoolean();

    /** @param endpoint where the spans go, as the log may show it (no user or password) */
    SpanExportFailures(SpanExporter exporter, String endpoint) {
        this.exporter = exporter;
        this.endpoint = endpoint;
    }

    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
        CompletableResultCode result = exporter.export(spans);
        result.whenComplete(() -> answered(result, spans.size()));
        return result;
    }

    private void answered(CompletableResultCode result, int spans) {
        if (!result.isSuccess() && failing.compareAndSet(false, true)) {
            LOG.warn(
                    "Spans cannot be exported to {}: {}. Batches are dropped until it takes them again (one line"
                            + " then); the bridge's work goes on",
                    endpoint,
                    reason(result.getFailureThrowable(), spans));
        } else if (result.isSuccess() && failing.compareAndSet(true, false)) {
            LOG.info("Spans are exported to {} again", endpoint);
        }
    }

    /** Why a batch was not taken: the collector's HTTP status, or what kept the request from it. */
    static String reason(Throwable failure, int spans) {
        if (failure instanceof FailedExportException.HttpExportException http && http.failedWithResponse()) {
            return "it answered HTTP " + http.getResponse().getStatusCode() + " to a batch of " + spans + " spans";
        }
        // the exporter's wrapper says nothing of its own; what it wraps names the trouble (ConnectException,
        // HttpTimeoutException, UnknownHostException with the host)
        Throwable cause =
                failure instanceof FailedExportException && failure.getCause() != null ? failure.getCause() : failure;
        if (cause == null) {
            return "a batch of " + spans + " spans was not taken";
        }
        String message = cause.getMessage();
        return cause.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }

    @Override
    public CompletableResultCode flush() {
        return exporter.flush();
    }

    @Override
    public CompletableResultCode shutdown() {
        return exporter.shutdown();
    }
}
