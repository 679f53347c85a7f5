package io.profilebridge.api;

import java.io.IOException;

import io.profilebridge.operations.JobMetrics;
import org.apache.camel.Exchange;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.http.HttpMethods;

/**
 * {@code direct:call-openprospect} and {@code direct:call-orbit}: the only places the bridge talks HTTP.
 * Failures come back as data (status code, or the caught IOException) for the API route to classify; nothing
 * here retries, and the Authorization header is dropped as soon as the call returns. Every answer is shown to the
 * key's budgets at once, so a 429 or a 503 with Retry-After pauses the calls of every job, not just this one.
 * Every call has an overall deadline and a cap on what it reads ({@link ApiCallLimits}, in the HTTP client).
 */
public class ApiCallRoutes extends RouteBuilder {

    /** Exchange property: the budget bucket the call spends from. */
    private static final String BUCKET = "bridgeApiBucket";

    private final ApiHolds holds;
    private final JobMetrics metrics;
    private final ApiBudgets budgets;

    public ApiCallRoutes(ApiHolds holds, JobMetrics metrics, ApiBudgets budgets) {
        this.holds = holds;
        this.metrics = metrics;
        this.budgets = budgets;
    }

    private void observe(Exchange exchange, Api api) {
        ApiAnswer answer = ApiAnswer.peek(exchange);
        budgets.observe(exchange.getProperty(BUCKET, ApiBucket.class), answer);
        holds.observe(api, answer);
        metrics.answered(api, answer);
    }

    @Override
    public void configure() {
        for (Api api : Api.values()) {
            from("direct:call-" + api.id()).routeId("call-" + api.id())
                    .process(exchange -> exchange.setProperty(BUCKET, ApiBucket.forCall(api,
                            exchange.getMessage().getHeader(Exchange.HTTP_METHOD, HttpMethods.class))))
                    .choice()
                        .when(exchangeProperty(ApiRequest.KEY_MISSING))
                            .log(LoggingLevel.DEBUG, "No " + api.id() + " API key configured; call skipped")
                        .otherwise()
                            .doTry()
                                .to("{{" + api.id() + ".base-url}}?throwExceptionOnFailure=false")
                            .doCatch(IOException.class)
                            .end()
                    .end()
                    .removeHeader("Authorization")
                    .process(exchange -> observe(exchange, api));
        }
    }
}
