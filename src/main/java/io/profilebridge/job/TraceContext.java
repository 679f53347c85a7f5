package io.profilebridge.job;

import java.util.Optional;
import java.util.regex.Pattern;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * The W3C trace context a request's work runs under, stored with its job: taken at intake from the
 * {@code traceparent} Camel's span of {@code direct:accept-request} wrote (a child of a JMS request's own
 * {@code traceparent}, else the root of a new trace), and put back on the job's exchange whenever it is handed to a
 * worker, so that every step, in any process and after a restart, continues that one trace. Camel's tracer takes a
 * span's parent from these headers when the exchange has no active span.
 */
public record TraceContext(String traceParent, String traceState) {

    public static final String TRACEPARENT = "traceparent";
    public static final String TRACESTATE = "tracestate";
    /**
     * Exchange property where Camel's tracer (camel-telemetry's {@code SpanStorageManagerExchange}) keeps the active
     * span; a copied exchange inherits it, and with it the trace of the exchange it was copied from.
     */
    public static final String CAMEL_ACTIVE_SPAN = "tracing.activeSpan";

    /** Version 00 as Camel's W3C propagator writes it: trace id, parent span id, flags, in lower-case hex. */
    private static final Pattern TRACEPARENT_FORMAT = Pattern.compile("00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}");
    /** The W3C limit a tracestate may be cut to; printable ASCII only. */
    private static final Pattern TRACESTATE_FORMAT = Pattern.compile("[\\x20-\\x7e]{1,512}");

    public TraceContext {
        if (!TRACEPARENT_FORMAT.matcher(traceParent).matches()) {
            throw new IllegalArgumentException("not a W3C traceparent: " + traceParent);
        }
        if (traceState != null && !TRACESTATE_FORMAT.matcher(traceState).matches()) {
            traceState = null;
        }
    }

    /** The context in the message's headers, if they hold a valid {@code traceparent}. */
    public static Optional<TraceContext> of(Message message) {
        return Optional.ofNullable(
                stored(message.getHeader(TRACEPARENT, String.class), message.getHeader(TRACESTATE, String.class)));
    }

    /** A stored context; null for a job recorded before contexts were kept, or while tracing was off. */
    public static TraceContext stored(String traceParent, String traceState) {
        return traceParent == null || !TRACEPARENT_FORMAT.matcher(traceParent).matches()
                ? null
                : new TraceContext(traceParent, traceState);
    }

    /** The 32 hex digits naming the trace. */
    public String traceId() {
        return traceParent.substring(3, 35);
    }

    /**
     * Makes the exchange's next span continue {@code trace} (a new trace when null): no span of the exchange it was
     * copied from stays active, and its headers carry the context.
     */
    public static void continueIn(Exchange exchange, TraceContext trace) {
        exchange.removeProperty(CAMEL_ACTIVE_SPAN);
        Message message = exchange.getMessage();
        message.removeHeader(TRACEPARENT);
        message.removeHeader(TRACESTATE);
        if (trace != null) {
            message.setHeader(TRACEPARENT, trace.traceParent());
            if (trace.traceState() != null) {
                message.setHeader(TRACESTATE, trace.traceState());
            }
        }
    }
}
