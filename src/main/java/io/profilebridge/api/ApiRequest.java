package io.profilebridge.api;

import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.http.HttpMethods;

/**
 * Puts one HTTP request onto an exchange for the {@code direct:call-<api>} route: every other header is removed
 * first, because camel-http sends message headers as HTTP headers.
 */
public final class ApiRequest {

    /** What every body is sent as. */
    static final String JSON_UTF8 = "application/json; charset=UTF-8";

    /** Exchange property: true when the API has no key configured, so the call is not made at all. */
    public static final String KEY_MISSING = "bridgeApiKeyMissing";

    private ApiRequest() {}

    public static void prepare(
            Exchange exchange,
            ApiCredentials credentials,
            Api api,
            HttpMethods method,
            String path,
            String jsonBody,
            Map<String, String> headers) {
        Message message = exchange.getMessage();
        message.removeHeaders("*");
        exchange.removeProperty(Exchange.EXCEPTION_CAUGHT);
        // the enum camel-http asks for: a String costs a type-converter search on every call
        message.setHeader(Exchange.HTTP_METHOD, method);
        message.setHeader(Exchange.HTTP_PATH, path);
        message.setHeader("Accept", "application/json");
        headers.forEach(message::setHeader);
        // the charset named, and the exchange's own (set by whatever took the request in) dropped: camel-http encodes
        // the body by that property, and named it in the header on some calls only (encodings audit)
        exchange.removeProperty(Exchange.CHARSET_NAME);
        if (jsonBody != null) {
            message.setHeader(Exchange.CONTENT_TYPE, JSON_UTF8);
        }
        message.setBody(jsonBody);
        credentials
                .key(api)
                .ifPresentOrElse(
                        key -> {
                            message.setHeader("Authorization", "Bearer " + key);
                            exchange.setProperty(KEY_MISSING, false);
                        },
                        () -> exchange.setProperty(KEY_MISSING, true));
    }

    /** A read: a GET of {@code path}, with no body and no headers of its own. */
    public static void get(Exchange exchange, ApiCredentials credentials, Api api, String path) {
        prepare(exchange, credentials, api, HttpMethods.GET, path, null, Map.of());
    }

    /** What the answer looks like when the call was not made because no key is configured. */
    public static boolean keyWasMissing(Exchange exchange) {
        return exchange.getProperty(KEY_MISSING, false, Boolean.class);
    }
}
