package io.profilebridge.intake;

import io.profilebridge.delivery.UnansweredDelivery;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.file.FileConstants;

/**
 * {@code direct:accept-request}: the one entry of every intake route (inbox folders, JMS). A valid request is
 * recorded as a job; a rejected one gets its failed result at once, and so does a file dropped again after its
 * job is done (the stored result). {@code direct:reject-unreadable-request} answers an inbox file that cannot be
 * read (routes/inbox-errors.camel.yaml).
 */
public class AcceptRequestRoute extends RouteBuilder {

    private final RequestAcceptance acceptance;

    public AcceptRequestRoute(RequestAcceptance acceptance) {
        this.acceptance = acceptance;
    }

    @Override
    public void configure() {
        // no error handling of their own: a failure goes back to the intake route that called, whose error handling
        // knows what becomes of its source (routes/inbox-errors.camel.yaml; a JMS transaction rolls back)
        from("direct:accept-request")
                .routeId("accept-request")
                .errorHandler(noErrorHandler())
                .process(acceptance::traceRequest)
                .process(acceptance::accept)
                .filter(exchangeProperty(RequestAcceptance.INTAKE_RESULT).isNotNull())
                .to("direct:deliver-intake-result-or-wait")
                .end();

        // delivered on a copy: the intake's own headers (file name, JMS ids) must stay for its commit. Refused, the
        // failure still goes back to the intake route, and an inbox file waits before it is taken again
        from("direct:deliver-intake-result-or-wait")
                .routeId("deliver-intake-result-or-wait")
                .errorHandler(noErrorHandler())
                .setProperty(RequestAcceptance.INBOX_FILE, header(FileConstants.FILE_ABSOLUTE_PATH))
                // a caller's JMSReplyTo is never sent to from the consumer's thread
                .process(acceptance::leaveReplyToTheSweep)
                .filter(exchangeProperty(RequestAcceptance.ANSWERED_LATER).isNull())
                .doTry()
                .enrich("direct:deliver-intake-result", UnansweredDelivery.failedUnlessAnswered())
                .doCatch(Exception.class)
                .process(acceptance::resultNotDelivered)
                .process(exchange -> {
                    if (!exchange.getProperty(RequestAcceptance.ANSWERED_LATER, false, Boolean.class)) {
                        throw exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
                    }
                })
                .end()
                .end();

        from("direct:reject-unreadable-request")
                .routeId("reject-unreadable-request")
                .errorHandler(noErrorHandler())
                .process(acceptance::rejectUnreadable)
                .to("direct:deliver-intake-result-or-wait");

        // the outbox or the broker refusing the result: a few quick tries here (routes/delivery-errors.camel.yaml logs
        // each), then the failure goes back to the intake route and the request is taken again later
        from("direct:deliver-intake-result")
                .routeId("deliver-intake-result")
                .errorHandler(defaultErrorHandler().redeliveryPolicyRef("intakeRetries"))
                .process(acceptance::describeIntakeResult)
                .to("direct:deliver-result");
    }
}
