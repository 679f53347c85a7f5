package io.profilebridge.operations;

import org.apache.camel.CamelContext;
import org.apache.camel.component.micrometer.eventnotifier.MicrometerExchangeEventNotifier;
import org.apache.camel.support.EventNotifierSupport;

/**
 * Camel's exchange event notifier ({@code camel.metrics.enable-exchange-event-notifier}) serves
 * {@code camel_exchanges_inflight}, gauges read at a scrape, and a timer per endpoint sent to, updated on every
 * exchange together with a search through every meter of the registry. Only the gauges are kept: the notifier
 * ignores the exchanges themselves (their cost: docs/benchmarks.md).
 */
public final class CamelExchangeMetrics {

    private CamelExchangeMetrics() {}

    /** Once the context has its notifiers (before any route starts), lets Camel's see no exchange. */
    public static void keepOnlyInflightGauges(CamelContext context) throws Exception {
        context.addStartupListener(
                (started, alreadyStarted) -> started.getManagementStrategy().getEventNotifiers().stream()
                        .filter(MicrometerExchangeEventNotifier.class::isInstance)
                        .forEach(notifier -> ((EventNotifierSupport) notifier).setIgnoreExchangeEvents(true)));
    }
}
