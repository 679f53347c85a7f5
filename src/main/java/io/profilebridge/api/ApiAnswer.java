package io.profilebridge.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.profilebridge.Json;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.camel.Exchange;

/**
 * What one HTTP call to an API gave back: a status and body, or the transport failure that took its place.
 * Read off the exchange right after the camel-http step (which runs with throwExceptionOnFailure=false).
 */
public record ApiAnswer(
        int httpStatus,
        JsonNode body,
        Duration retryAfter,
        Long creditsRemaining,
        Exception transportFailure,
        String redirectedTo) {

    /** The longest redirect target kept: enough for a host and an API path, no more of what a server wrote. */
    static final int MAX_REDIRECT_TARGET = 200;

    /** An answer that is no redirect. */
    public ApiAnswer(
            int httpStatus, JsonNode body, Duration retryAfter, Long creditsRemaining, Exception transportFailure) {
        this(httpStatus, body, retryAfter, creditsRemaining, transportFailure, null);
    }

    /** The code of the answer the bridge gives itself when an API has no key configured. */
    public static final String API_KEY_MISSING = "api_key_missing";

    /** Where the two APIs put an error's code and message: OpenProspect at the top, Orbit under {@code error}. */
    private static final Set<String> MESSAGE_MEMBERS =
            Set.of("error_code", "code", "error_message", "message", "detail");

    /**
     * Names the result's error gives its own members (a gave_up's last cause, the answer's status): an API's member of
     * that name would be lost beside them or pass for the bridge's.
     */
    private static final Set<String> BRIDGE_MEMBERS = Set.of("httpStatus", "lastCause");

    /** The most members of an API's error kept besides its code and message. */
    private static final int MAX_DETAILS = 20;
    /** How the APIs write their error codes: developer_api_idempotency_key_refunded, not_found. */
    private static final Pattern CODE = Pattern.compile("[a-z][a-z0-9]*(_[a-z0-9]+)+");

    /** The longest Retry-After read from an answer: a day, longer than any API means; see {@link #parseRetryAfter}. */
    public static final Duration RETRY_AFTER_CEILING = Duration.ofDays(1);

    /** IMF-fixdate ({@code Sun, 06 Nov 1994 08:49:37 GMT}), RFC 850 ({@code Sunday, 06-Nov-94 08:49:37 GMT}), asctime. */
    private static final List<DateTimeFormatter> HTTP_DATES = List.of(
            DateTimeFormatter.RFC_1123_DATE_TIME,
            new DateTimeFormatterBuilder()
                    .appendPattern("EEEE, dd-MMM-")
                    .appendValueReduced(ChronoField.YEAR, 2, 2, 1970)
                    .appendPattern(" HH:mm:ss 'GMT'")
                    .toFormatter(Locale.US)
                    .withZone(ZoneOffset.UTC),
            DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.US).withZone(ZoneOffset.UTC));

    /** Reads the answer without clearing a caught transport failure from the exchange. */
    public static ApiAnswer peek(Exchange exchange) {
        Exception failure = exchange.getException();
        ApiAnswer answer = from(exchange);
        exchange.setException(failure);
        return answer;
    }

    public static ApiAnswer from(Exchange exchange) {
        if (ApiRequest.keyWasMissing(exchange)) {
            var body = Json.object()
                    .put("code", API_KEY_MISSING)
                    .put("message", "no API key is configured for this API; the request is held until one is");
            return new ApiAnswer(0, body, null, null, null);
        }
        Exception failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        if (failure == null) {
            failure = exchange.getException();
        }
        Integer status = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        if (failure != null || status == null) {
            exchange.setException(null);
            return new ApiAnswer(
                    0, null, null, null, failure != null ? failure : new IllegalStateException("no HTTP answer"));
        }
        String text = exchange.getMessage().getBody(String.class);
        String cut = exchange.getMessage().getHeader(ApiCallLimits.ANSWER_CUT, String.class);
        JsonNode body = cut == null ? Json.parseLenient(text) : salvageCut(text, Long.parseLong(cut));
        return new ApiAnswer(
                status,
                body,
                longestRetryAfter(
                        retryAfterValues(exchange.getMessage().getHeader("Retry-After")),
                        answeredAt(exchange.getMessage().getHeader("Date", String.class), Instant.now())),
                parseLong(exchange.getMessage().getHeader("X-Developer-API-Credits-Remaining", String.class)),
                null,
                isRedirect(status) ? redirectTarget(exchange.getMessage().getHeader("Location", String.class)) : null);
    }

    /** A 3xx: the docs give none, so the API's address answered for it elsewhere (never followed). */
    public boolean isRedirect() {
        return isRedirect(httpStatus);
    }

    private static boolean isRedirect(int status) {
        return status >= 300 && status < 400;
    }

    /**
     * Where a redirect points, for an operator to set the base URL by: scheme, host, port and path only (a login or a
     * query's or a path parameter's token in it is no one's business), bounded; "no Location" or "an unreadable
     * Location" otherwise.
     */
    static String redirectTarget(String location) {
        if (location == null || location.isBlank()) {
            return "no Location";
        }
        try {
            URI uri = new URI(location.strip());
            if (uri.getRawAuthority() != null && uri.getHost() == null) {
                return "an unreadable Location";
            }
            String server = uri.getHost() == null
                    ? ""
                    : (uri.getScheme() == null ? "" : uri.getScheme() + ":") + "//" + uri.getHost()
                            + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
            String path = Objects.toString(uri.getRawPath(), "");
            // a path parameter may carry a session (;jsessionid=...): no one's business either (re-check audit)
            String target = server + (path.indexOf(';') < 0 ? path : path.substring(0, path.indexOf(';')));
            if (target.isEmpty()) {
                return "an unreadable Location";
            }
            return target.length() > MAX_REDIRECT_TARGET ? target.substring(0, MAX_REDIRECT_TARGET) + "..." : target;
        } catch (URISyntaxException e) {
            return "an unreadable Location";
        }
    }

    public boolean isSuccess() {
        return httpStatus >= 200 && httpStatus < 300;
    }

    public boolean isKeyMissing() {
        return httpStatus == 0 && transportFailure == null;
    }

    /** The call never went out ({@link ApiCallRoutes.CallWithdrawn}). */
    public boolean isWithdrawn() {
        return transportFailure instanceof ApiCallRoutes.CallWithdrawn;
    }

    public boolean isTransportFailure() {
        return transportFailure != null;
    }

    /** The API's own error code and message: OpenProspect puts them at the top, Orbit under {@code error}. */
    public ApiError error() {
        if (isTransportFailure()) {
            return ApiError.of("transport_error", describe(transportFailure));
        }
        JsonNode source = body != null && body.has("error") && body.get("error").isObject() ? body.get("error") : body;
        String code = firstText(source, "error_code", "code");
        String message = firstText(source, "error_message", "message", "detail");
        if (code == null) {
            code = errorAsCode(body).orElse("http_" + httpStatus);
        }
        if (httpStatus == FaultClass.PROXY_AUTHENTICATION_REQUIRED) {
            // a proxy's page, not the API's word: who refused, and what to set
            message = "HTTP 407: a proxy between the bridge and the API wants other credentials"
                    + " (camel.component.https.proxy-auth-*); the calls are held until it lets them through";
        } else if (isRedirect()) {
            // the body is a server's page; where it points is what an operator needs
            message = "HTTP " + httpStatus + " to " + Objects.requireNonNullElse(redirectedTo, "no Location")
                    + " (a redirect: not followed, it would carry the"
                    + " API key; if the API has moved, set its base-url there); tried again with the same key";
        } else if (message == null) {
            message = body != null && body.isTextual() ? body.asText() : "HTTP " + httpStatus;
        }
        return new ApiError(
                ErrorBody.bounded(code),
                message, // bounded by ApiError itself
                httpStatus == 0 ? null : httpStatus,
                details(source, body));
    }

    /**
     * Orbit's documents list its error codes but not the body they come in: {@code {"error": "<code>"}} is read as
     * that code too (documented-answers audit: a refunded 409 so written was a permanent {@code http_409}). Only a
     * value written like a code counts, never a sentence.
     */
    private static Optional<String> errorAsCode(JsonNode body) {
        JsonNode error = body != null && body.isObject() ? body.get("error") : null;
        return error != null
                        && error.isTextual()
                        && CODE.matcher(error.textValue()).matches()
                ? Optional.of(error.textValue())
                : Optional.empty();
    }

    /** An error answer read only in part: what its start shows, or its start as text when that is no JSON object. */
    private static JsonNode salvageCut(String text, long readBytes) {
        JsonNode salvaged = ErrorBody.salvage(text, readBytes);
        return salvaged != null
                ? salvaged
                : Json.MAPPER
                        .getNodeFactory()
                        .textNode(text + "... [cut: the answer was " + "longer than " + readBytes
                                + " bytes; only its start was read]");
    }

    /**
     * The members of the API's error besides code and message, such as Orbit's 402 requiredCredits and
     * remainingCredits, or a 422's {@code detail} list naming the fields (local-checks audit: an error answer to a
     * start is kept nowhere else, so a 422 whose message named no field gave a failed result naming none). Bounded like
     * the message: the first {@link #MAX_DETAILS}, each text cut at {@link ErrorBody#MAX_TEXT_CHARS}, and a nested one
     * longer than that as its JSON text, cut.
     */
    private static ObjectNode details(JsonNode source, JsonNode body) {
        ObjectNode details = Json.object();
        addDetails(details, source);
        // Orbit's docs do not say where its 402 puts requiredCredits and remainingCredits: beside the error object
        // counts too (API-doc audit: amounts at the top were missing from the health check), the error's own first
        if (body != source) {
            addDetails(details, body);
        }
        return details.isEmpty() ? null : details;
    }

    private static void addDetails(ObjectNode details, JsonNode source) {
        if (source == null || !source.isObject()) {
            return;
        }
        for (var members = source.fields(); members.hasNext() && details.size() < MAX_DETAILS; ) {
            var member = members.next();
            JsonNode value = member.getValue();
            String name = ErrorBody.bounded(member.getKey());
            if (details.has(name) || value.isNull() || BRIDGE_MEMBERS.contains(member.getKey())) {
                continue;
            }
            if (value.isContainerNode()) {
                // Orbit's error object is the source itself; a nested code or message is not one to keep apart
                if (member.getKey().equals("error")
                        || (MESSAGE_MEMBERS.contains(member.getKey())
                                && !member.getKey().equals("detail"))) {
                    continue;
                }
                String text = Json.write(value);
                details.set(
                        name,
                        text.length() <= ErrorBody.MAX_TEXT_CHARS ? value : details.textNode(ErrorBody.bounded(text)));
            } else if (!MESSAGE_MEMBERS.contains(member.getKey())) {
                details.set(name, value.isTextual() ? details.textNode(ErrorBody.bounded(value.asText())) : value);
            }
        }
    }

    /**
     * The longest wait of the answer's Retry-After headers: two of them (a proxy's and the API's) waited only the
     * first's (HTTP-edges audit: 30 s of "30" and "45"); the longer one is the one no caller may cut short.
     */
    static Duration longestRetryAfter(List<String> values, Instant now) {
        return values.stream()
                .flatMap(value -> waits(value, now))
                .filter(Objects::nonNull)
                .max(Comparator.naturalOrder())
                .orElse(null);
    }

    /**
     * One header's waits: "30, 60", as a proxy may join repeated headers into one (time audit: ignored, a 1 s pause),
     * is each of its values. An HTTP-date holds a comma of its own, so the value is read whole first.
     */
    private static Stream<Duration> waits(String value, Instant now) {
        Duration whole = parseRetryAfter(value, now);
        if (whole != null || value == null) {
            return Stream.ofNullable(whole);
        }
        return Arrays.stream(value.split(",")).map(part -> parseRetryAfter(part, now));
    }

    /**
     * The time an HTTP-date Retry-After counts from: the answer's own {@code Date}, when it has a readable one, so the
     * wait is the one the server meant whatever its clock says (time audit: a server 10 minutes ahead held the key's
     * starts for 10 minutes, one 10 minutes behind was called again 1.5 s into its 20 s); else this clock's now.
     */
    static Instant answeredAt(String dateHeader, Instant now) {
        Instant date = dateHeader == null ? null : httpDate(dateHeader.trim());
        return date == null ? now : date;
    }

    /** The header's values as camel-http hands them: one text, or a list when the header came more than once. */
    private static List<String> retryAfterValues(Object header) {
        if (header instanceof Collection<?> values) {
            return values.stream().map(String::valueOf).toList();
        }
        return header == null ? List.of() : List.of(String.valueOf(header));
    }

    /**
     * Retry-After in either form RFC 9110 gives it: delta-seconds, or an HTTP-date (IMF-fixdate and the two obsolete
     * formats a recipient must still accept). Anything else is ignored (null). A wait beyond {@link #RETRY_AFTER_CEILING}
     * (up to {@code 9223372036854775807} seconds, or a date centuries ahead) is read as the ceiling, so no sum with
     * it can overflow; the job schedule applies the configured, smaller cap.
     */
    static Duration parseRetryAfter(String value, Instant now) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String trimmed = value.trim();
        if (trimmed.chars().allMatch(c -> c >= '0' && c <= '9')) {
            String digits = trimmed.replaceFirst("^0+(?=.)", "");
            boolean beyondCeiling = digits.length() > 18 || Long.parseLong(digits) > RETRY_AFTER_CEILING.toSeconds();
            return beyondCeiling ? RETRY_AFTER_CEILING : Duration.ofSeconds(Long.parseLong(digits));
        }
        Instant when = httpDate(trimmed);
        if (when == null) {
            return null;
        }
        Duration wait = Duration.between(now, when);
        return wait.isNegative() ? Duration.ZERO : wait.compareTo(RETRY_AFTER_CEILING) > 0 ? RETRY_AFTER_CEILING : wait;
    }

    /** An HTTP-date in any of the three forms RFC 9110 gives; null when the text is none of them. */
    private static Instant httpDate(String text) {
        for (DateTimeFormatter format : HTTP_DATES) {
            try {
                return ZonedDateTime.parse(text, format).toInstant();
            } catch (DateTimeParseException notThisForm) {
                // try the next form
            }
        }
        return null;
    }

    private static Long parseLong(String value) {
        try {
            return value == null ? null : Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static String firstText(JsonNode node, String... fields) {
        if (node == null || !node.isObject()) {
            return null;
        }
        for (String field : fields) {
            JsonNode value = node.get(field);
            if (value != null && !value.isNull()) {
                return value.isTextual() ? value.asText() : value.toString();
            }
        }
        return null;
    }

    private static String describe(Throwable failure) {
        if (failure instanceof ApiCallRoutes.MaskedFailure) {
            return failure.getMessage(); // names the failure's own type already
        }
        String message = failure.getMessage();
        return failure.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
}
