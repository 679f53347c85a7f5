package io.profilebridge.delivery;

import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeExtension;

/**
 * {@code direct:deliver-result} ended with neither its result delivered nor a failure handed back: an error handler of
 * one's own in routes/delivery-errors.camel.yaml handled what failed ({@code handled: true}, a dead letter channel), or
 * a step stopped the exchange. Camel then ends the whole exchange as if all went well: a job was left unsaved and read
 * its run again twice a second without end, an inbox file went to {@code .done} with no result (integrator audit). Both
 * callers take it for a failed delivery instead.
 */
public final class UnansweredDelivery extends Exception {

    private UnansweredDelivery(String message) {
        super(message);
    }

    /** True when the exchange came back from deliver-result handled by an error handler, or stopped. */
    private static boolean endedWithoutAnswer(Exchange exchange) {
        ExchangeExtension extension = exchange.getExchangeExtension();
        // isErrorHandlerHandled() unboxes a Boolean that is null until an error handler ran
        return (extension.isErrorHandlerHandledSet() && extension.isErrorHandlerHandled()) || exchange.isRouteStop();
    }

    /** What the exchange that came back unanswered tells: the failure a handler kept to itself, if it names one. */
    public static UnansweredDelivery of(Exchange exchange) {
        Exception handled = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        String how = handled == null
                ? "a step stopped the exchange"
                : "an error handler handled " + handled.getClass().getSimpleName() + ": " + handled.getMessage();
        return new UnansweredDelivery(
                "the result was not delivered: " + how + " (routes/delivery-errors.camel.yaml must"
                        + " hand what failed back to its caller, handled: false and no dead letter channel, for the bridge to"
                        + " deliver the result again)");
    }

    /**
     * For the intake's enrich of deliver-result: the original exchange, with the resource's failure, or this one when
     * it came back unanswered.
     */
    public static AggregationStrategy failedUnlessAnswered() {
        return (original, resource) -> {
            if (resource.getException() != null) {
                original.setException(resource.getException());
            } else if (endedWithoutAnswer(resource)) {
                original.setException(of(resource));
            }
            return original;
        };
    }
}
