package io.profilebridge.intake;

import org.apache.camel.builder.AggregationStrategies;
import org.apache.camel.builder.RouteBuilder;

/**
 * {@code direct:accept-request}: the one entry of every intake route (inbox folders, JMS). A valid request is
 * recorded as a job; a rejected one gets its failed result at once.
 */
public class AcceptRequestRoute extends RouteBuilder {

    private final RequestAcceptance acceptance;

    public AcceptRequestRoute(RequestAcceptance acceptance) {
        this.acceptance = acceptance;
    }

    @Override
    public void configure() {
        from("direct:accept-request").routeId("accept-request")
                .process(acceptance::accept)
                .filter(exchangeProperty(RequestAcceptance.REJECTION).isNotNull())
                    // delivered on a copy: the intake's own headers (file name, JMS ids) must stay for its commit
                    .enrich("direct:deliver-rejection", AggregationStrategies.useOriginal(true))
                .end();

        from("direct:deliver-rejection").routeId("deliver-rejection")
                .process(acceptance::describeRejection)
                .to("direct:deliver-result");
    }
}
