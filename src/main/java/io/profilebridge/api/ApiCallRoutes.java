package io.profilebridge.api;

import java.io.IOException;

import io.profilebridge.operations.JobMetrics;
import org.apache.camel.builder.RouteBuilder;

/**
 * {@code direct:call-openprospect} and {@code direct:call-orbit}: the only places the bridge talks HTTP.
 * Failures come back as data (status code, or the caught IOException) for the API route to classify; nothing
 * here retries, and the Authorization header is dropped as soon as the call returns.
 */
public class ApiCallRoutes extends RouteBuilder {

    private final ApiHolds holds;
    private final JobMetrics metrics;

    public ApiCallRoutes(ApiHolds holds, JobMetrics metrics) {
        this.holds = holds;
        this.metrics = metrics;
    }

    private void observe(Api api, ApiAnswer answer) {
        holds.observe(api, answer);
        metrics.answered(api, answer);
    }

    @Override
    public void configure() {
        for (Api api : Api.values()) {
            from("direct:call-" + api.id()).routeId("call-" + api.id())
                    .choice()
                        .when(exchangeProperty(ApiRequest.KEY_MISSING))
                            .log(org.apache.camel.LoggingLevel.DEBUG, "No " + api.id() + " API key configured; call skipped")
                        .otherwise()
                            .doTry()
                                .to("{{" + api.id() + ".base-url}}?throwExceptionOnFailure=false")
                            .doCatch(IOException.class)
                            .end()
                    .end()
                    .removeHeader("Authorization")
                    .process(exchange -> observe(api, ApiAnswer.peek(exchange)));
        }
    }
}
