package io.profilebridge.operations;

import org.apache.camel.Exchange;
import org.apache.camel.http.base.HttpHeaderFilterStrategy;

/**
 * The management port's answers carry no header a message holds: platform-http writes the status and Content-Type
 * itself, and everything else a message carries came from the caller (its query parameters and request headers become
 * message headers). Camel's own OpenAPI route answered {@code /openapi.json?Set-Cookie=a%3Db} with that cookie, echoed a
 * proxy's tokens, and a CR in a parameter made it a 500 (REST audit). Request headers come in as before, but for
 * X-Forwarded-*.
 */
final class FixedResponseHeaders extends HttpHeaderFilterStrategy {

    @Override
    public boolean applyFilterToCamelHeaders(String headerName, Object headerValue, Exchange exchange) {
        return true;
    }

    /**
     * X-Forwarded-* are not believed: no proxy is in front by default, and any caller could name the OpenAPI
     * document's server with them (REST audit: {@code X-Forwarded-Proto: javascript} gave {@code javascript://...}).
     */
    @Override
    public boolean applyFilterToExternalHeaders(String headerName, Object headerValue, Exchange exchange) {
        return headerName.regionMatches(true, 0, "X-Forwarded-", 0, "X-Forwarded-".length())
                || super.applyFilterToExternalHeaders(headerName, headerValue, exchange);
    }
}
