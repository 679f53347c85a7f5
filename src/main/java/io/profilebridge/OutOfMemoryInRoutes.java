package io.profilebridge;

import java.util.function.IntConsumer;
import org.apache.camel.Exchange;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.spi.CamelEvent.ExchangeEvent;
import org.apache.camel.spi.CamelEvent.ExchangeFailedEvent;
import org.apache.camel.spi.CamelEvent.ExchangeFailureHandlingEvent;
import org.apache.camel.spi.CamelEvent.ExchangeRedeliveryEvent;
import org.apache.camel.support.EventNotifierSupport;

/**
 * Ends the process, as {@link OutOfMemoryExit} does, when an exception inside a route carries an
 * {@link OutOfMemoryError} (a library that wraps it: H2's general error, a parser's). Camel hands such an exception to
 * the route's error handling, which would retry the step, give the job up as failed or log it, while the process runs
 * on short of heap (left open by the security re-audit: the uncaught-exception handler never sees these). An
 * {@link OutOfMemoryError} thrown as it is passes Camel by and reaches the consumer's thread, where
 * {@link OutOfMemoryExit} and the JMS listener's handler end the process. Camel's events of a failed, redelivered or
 * handled exchange are the one place every route's error passes.
 */
public final class OutOfMemoryInRoutes extends EventNotifierSupport {

    private final IntConsumer halt;

    OutOfMemoryInRoutes(IntConsumer halt) {
        this.halt = halt;
        setIgnoreCamelContextEvents(true);
        setIgnoreCamelContextInitEvents(true);
        setIgnoreRouteEvents(true);
        setIgnoreServiceEvents(true);
        setIgnoreStepEvents(true);
        setIgnoreExchangeCreatedEvent(true);
        setIgnoreExchangeCompletedEvent(true);
        setIgnoreExchangeSendingEvents(true);
        setIgnoreExchangeSentEvents(true);
        setIgnoreExchangeAsyncProcessingStartedEvents(true);
    }

    /** The one the bridge runs with: a halt of the JVM. */
    public static OutOfMemoryInRoutes halting() {
        return new OutOfMemoryInRoutes(OutOfMemoryExit.HALT);
    }

    @Override
    public boolean isEnabled(CamelEvent event) {
        return event instanceof ExchangeFailedEvent
                || event instanceof ExchangeFailureHandlingEvent
                || event instanceof ExchangeRedeliveryEvent;
    }

    @Override
    public void notify(CamelEvent event) {
        Exchange exchange = ((ExchangeEvent) event).getExchange();
        Throwable error = exchange.getException() != null
                ? exchange.getException()
                : exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        if (OutOfMemoryExit.causedBy(error)) {
            OutOfMemoryExit.haltWith(halt);
        }
    }
}
