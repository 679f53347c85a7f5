package io.profilebridge.jms;

import java.util.Locale;
import org.apache.camel.Exchange;
import org.apache.camel.component.jms.JmsHeaderFilterStrategy;

/**
 * Camel's JMS header filter with the caller's properties kept out of the bridge's own names whatever their case:
 * Camel's filter takes out {@code CamelFilePath} but let {@code CAMELFILEPATH} in, which Camel then reads as
 * {@code CamelFilePath} (its headers ignore case), and it let {@code bridge*} in, the names the routes keep their own
 * state under (outside-data audit: no effect found, as every outgoing call and result clears the headers, but a
 * caller's property has no business there).
 */
public final class CallerHeaderFilter extends JmsHeaderFilterStrategy {

    @Override
    public boolean applyFilterToExternalHeaders(String headerName, Object headerValue, Exchange exchange) {
        String name = headerName.toLowerCase(Locale.ROOT);
        return name.startsWith("camel")
                || name.startsWith("org.apache.camel")
                || name.startsWith("bridge")
                || super.applyFilterToExternalHeaders(headerName, headerValue, exchange);
    }
}
