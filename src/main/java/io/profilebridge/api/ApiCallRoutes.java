package io.profilebridge.api;

import io.profilebridge.BridgeEvent;
import java.io.IOException;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.apache.camel.Exchange;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.http.HttpMethods;

/**
 * {@code direct:call-openprospect} and {@code direct:call-orbit}: the only places the bridge talks HTTP.
 * Failures come back as data (status code, or the caught IOException) for the API route to classify; nothing
 * here retries, and the Authorization header is dropped as soon as the call returns. The call names the budget
 * bucket it spends, so the answer's head can pause that bucket for every job ({@link AnswerHeads}); every call has
 * an overall deadline and a cap on what it reads ({@link ApiCallLimits}; both live in the HTTP client). An answer
 * has the configured keys masked before anything reads it ({@link KeyMask}). Each answer is published as an
 * {@link ApiAnswerEvent} (the metrics listen).
 */
public class ApiCallRoutes extends RouteBuilder {

    /**
     * Exchange property: a {@link BooleanSupplier} saying whether the call may still go out, asked right before its
     * request is written ({@link SendPermission}; the job is still this instance's, its place in the gate its own).
     */
    public static final String MAY_CALL = "bridgeMayCall";
    /** Exchange property: the budget bucket the call spends from. */
    static final String BUCKET = "bridgeApiBucket";
    /** The HTTP method of the call, by which a hold of one scope is told ({@link ApiHolds#observe}). */
    static final String CALL_METHOD = "bridgeApiCallMethod";

    /**
     * The call was not made: the job may belong to another instance now, or its place in the call gate went to
     * another call while it waited.
     */
    public static final class CallWithdrawn extends IOException {
        public CallWithdrawn() {
            super("not sent: the job may be another instance's now, or its place went to another call");
        }
    }

    /**
     * A transport failure whose text quoted a configured key (HttpClient names a malformed header line as the server
     * sent it, and a server may echo the request's): the text masked, the failure itself kept as the cause, whose
     * type still decides the fault. HTTP-edges audit: such a key reached /jobs' lastError and the job store.
     */
    public static final class MaskedFailure extends IOException {
        MaskedFailure(Exception failure, String maskedMessage) {
            super(failure.getClass().getSimpleName() + ": " + maskedMessage, failure);
        }
    }

    private final ApiHolds holds;
    private final ApiBudgets budgets;
    private final KeyMask keyMask;

    public ApiCallRoutes(ApiHolds holds, ApiBudgets budgets, KeyMask keyMask) {
        this.holds = holds;
        this.budgets = budgets;
        this.keyMask = keyMask;
    }

    private void observe(Exchange exchange, Api api) {
        ApiAnswer answer = ApiAnswer.peek(exchange);
        if (answer.isWithdrawn()) {
            return; // nothing was sent, so nothing was answered
        }
        ApiBucket bucket = exchange.getProperty(BUCKET, ApiBucket.class);
        HttpMethods method = exchange.getProperty(CALL_METHOD, HttpMethods.class);
        List<ApiBucket> held = holds.observe(bucket, method, answer);
        if (FaultClass.of(answer) == FaultClass.HOLD) {
            // with a 402's requiredCredits and remainingCredits, which the other instances' health checks show
            // (budget audit: theirs named the code alone)
            String cause = answer.httpStatus() + " " + answer.error().code()
                    + answer.error().scalarDetailsShown();
            if (held.isEmpty()) {
                budgets.refused(bucket, method, holds.probeIntervalMs(), cause); // one method's calls (a scope)
            } else {
                budgets.refused(held, holds.probeIntervalMs(), cause);
            }
        }
        if (answer.isSuccess()) {
            budgets.accepted(bucket, method);
        }
        // the job's id, the exchange property camel-mdc logs (JobRoutes.JOB_ID)
        BridgeEvent.publish(
                exchange.getContext(), new ApiAnswerEvent(api, answer, exchange.getProperty("jobId", String.class)));
    }

    /** Masks the keys a transport failure's text quotes, before any answer, job or log line is made of it. */
    private void maskFailure(Exchange exchange) {
        Exception failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        String message = failure == null ? null : failure.getMessage();
        String masked = keyMask.apply(message);
        if (masked != message) {
            exchange.setProperty(Exchange.EXCEPTION_CAUGHT, new MaskedFailure(failure, masked));
        }
    }

    @Override
    public void configure() {
        for (Api api : Api.values()) {
            from("direct:call-" + api.id())
                    .routeId("call-" + api.id())
                    .process(exchange -> {
                        // kept beside the bucket: the answer's message need not carry the request's headers
                        HttpMethods method = exchange.getMessage().getHeader(Exchange.HTTP_METHOD, HttpMethods.class);
                        exchange.setProperty(CALL_METHOD, method);
                        exchange.setProperty(BUCKET, ApiBucket.forCall(api, method));
                    })
                    .choice()
                    .when(exchangeProperty(ApiRequest.KEY_MISSING))
                    .log(LoggingLevel.DEBUG, "No " + api.id() + " API key configured; call skipped")
                    .otherwise()
                    // asked inside HttpClient, right before the request is written (SendPermission)
                    .process(exchange -> SendPermission.ask(exchange.getProperty(MAY_CALL, BooleanSupplier.class)))
                    .doTry()
                    .to("{{" + api.id() + ".base-url}}?throwExceptionOnFailure=false")
                    .doCatch(IOException.class)
                    .doFinally()
                    .process(exchange -> SendPermission.ask(null))
                    .end()
                    .end()
                    .removeHeader("Authorization")
                    .process(exchange -> keyMask.applyToAnswer(exchange.getMessage()))
                    .process(this::maskFailure)
                    .process(exchange -> observe(exchange, api));
        }
    }
}
