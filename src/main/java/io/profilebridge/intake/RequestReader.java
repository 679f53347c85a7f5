package io.profilebridge.intake;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.profilebridge.ErrorText;
import io.profilebridge.Json;
import io.profilebridge.api.Api;
import io.profilebridge.api.ApiError;
import io.profilebridge.api.PathSegment;
import io.profilebridge.job.IdempotencyKeys;
import io.profilebridge.job.RequestSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Turns the raw bytes of a file or JMS message into a {@link ReadRequest}: checks size, encoding and JSON,
 * unwraps the envelope form ({@code {"api", "idempotencyKey", "request"}}), applies the API's rules and settles
 * the idempotency key (explicit key, else Orbit's own {@code requestId}, else derived).
 */
public class RequestReader {

    /** Jackson's "Unrecognized token 'WORD': was expecting ..."; group 1 is the word. */
    private static final Pattern UNRECOGNIZED_TOKEN =
            Pattern.compile("Unrecognized token '(.*)'(?=: was expecting)", Pattern.DOTALL);

    private static final String BYTE_ORDER_MARK = "\uFEFF";
    /** A request is one JSON value with each field once: "{} {}" or {"a":1,"a":2} mean nothing clear to send. */
    static final JsonFactory STRICT_JSON = Json.MAPPER
            .getFactory()
            .copy()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            // an envelope is one level around a body of the full depth (hostile-content audit: a body of 64 levels was
            // taken in orbit/ and refused inside an envelope); a bare body's depth is checked once it is read
            .setStreamReadConstraints(Json.MAPPER
                    .getFactory()
                    .streamReadConstraints()
                    .rebuild()
                    .maxNestingDepth(Json.MAX_NESTING_DEPTH + 1)
                    .build());

    private final long maxBytes;
    private final RequestRules rules;

    public RequestReader(long maxBytes, RequestRules rules) {
        this.maxBytes = maxBytes;
        this.rules = rules;
    }

    public long maxBytes() {
        return maxBytes;
    }

    static boolean isUtf8(byte[] content) {
        return utf8(content) != null;
    }

    /** The text of the bytes, or null when they are not UTF-8. */
    private static String utf8(byte[] content) {
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(content))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /**
     * Where the first byte that begins no valid UTF-8 character stands, for the refusal to point at it as a JSON error
     * names its line and column (hostile-input audit); the bytes are known not to be UTF-8.
     */
    private static int firstMalformedByte(byte[] content) {
        ByteBuffer bytes = ByteBuffer.wrap(content);
        StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(bytes, CharBuffer.allocate(content.length), true);
        return Math.min(bytes.position(), content.length - 1);
    }

    /**
     * Reads one request: its JSON, its envelope if any, its key, and the documented rules.
     *
     * @param content     the raw request, or null when {@code size} already exceeds the limit (it is not read)
     * @param apiHint     the API named by the inbox folder or the JMS {@code api} property, may be null
     * @param explicitKey a key from the JMS {@code idempotencyKey} property, may be null
     */
    public ReadRequest read(byte[] content, long size, String apiHint, String explicitKey, RequestSource source) {
        // a refusal names the caller's own key, however early it comes (files-and-JMS audit: a body that was no JSON
        // lost the JMS property's key from the document and the result's property); from the parse on, callersKey
        Refusal early = new Refusal(apiHint, null, carriable(explicitKey), source);
        try {
            ObjectNode parsed = parsedObject(decoded(content, size, early), apiHint, early);
            // the key the caller gave, which every refusal from here names, so a caller matching results by it finds
            // this one
            String callers = callersKey(parsed, apiHint, explicitKey);
            refuseNonUnicode(parsed, new Refusal(apiHint, parsed, callers, source));
            // any non-empty text, spaces alone included, as the contract takes a caller's requestId in an Orbit body:
            // the same key must not be refused one way and taken another (idempotency audit); OpenProspect's header
            // rule below still refuses edge spaces
            if (explicitKey != null && explicitKey.isEmpty()) {
                throw new Refusal(apiHint, parsed, callers, source)
                        .of(
                                "idempotency_key_invalid",
                                "idempotencyKey (JMS property): must be a non-empty string when present");
            }
            Unwrapped request = isEnvelope(parsed, apiHint)
                    ? unwrapEnvelope(parsed, apiHint, explicitKey, callers, source)
                    : new Unwrapped(apiHint, parsed, explicitKey);
            Api api = knownApi(request, callers, source);
            refuseViolations(api, request.body(), looksLikeAnEnvelopeWithoutApi(parsed, apiHint), callers, source);
            return settleKey(api, request.body(), request.key(), callers, source);
        } catch (Refused refused) {
            return refused.request;
        }
    }

    /** A request with its envelope, if any, taken off: the API it names, the body to send, the key it gives. */
    private record Unwrapped(String api, ObjectNode body, String key) {}

    /** The request's text: within the size limit, not empty, UTF-8 (a byte-order mark dropped). */
    private String decoded(byte[] content, long size, Refusal as) {
        if (size > maxBytes || content == null) {
            throw as.of(
                    "request_too_large",
                    "the request has " + size + " bytes; at most " + maxBytes
                            + " are accepted (bridge.request.max-bytes)");
        }
        if (content.length == 0) {
            throw as.of("request_empty", "the request is empty; a JSON object is expected");
        }
        String wideEncoding = utf16Or32(content);
        if (wideEncoding != null) {
            // NUL bytes are UTF-8 too: without its mark such a file read as JSON with a control character in it
            throw as.of(
                    "request_not_utf8",
                    "the request is not UTF-8 text: it is " + wideEncoding + " (an editor's \"Unicode\"): save it as"
                            + " UTF-8");
        }
        String text = utf8(content);
        if (text == null) {
            int at = firstMalformedByte(content);
            throw as.of(
                    "request_not_utf8",
                    "the request is not UTF-8 text: byte " + at + " (counted from 0), 0x"
                            + String.format("%02X", content[at] & 0xFF) + ", begins no valid UTF-8 character");
        }
        // a byte-order mark is allowed (RFC 8259 lets a parser ignore it), and some editors write one
        if (text.startsWith(BYTE_ORDER_MARK)) {
            text = text.substring(1);
        }
        // white space alone is as empty as no bytes (inbox audit: it was "JSON but not an object (found nothing)")
        if (text.isBlank()) {
            throw as.of("request_empty", "the request is empty; a JSON object is expected");
        }
        return text;
    }

    /** Exactly one JSON object, each field once, no deeper than a body may be, its numbers within what is read. */
    private static ObjectNode parsedObject(String text, String apiHint, Refusal as) {
        JsonNode parsed;
        try (JsonParser parser = STRICT_JSON.createParser(text)) {
            try {
                parsed = Json.readExact(parser);
            } catch (StreamConstraintsException e) {
                // Jackson bounds a number's digits too (1,000): named as such, not as nesting
                if (String.valueOf(e.getOriginalMessage()).startsWith("Number value length")) {
                    throw numberOutOfRange(
                            as,
                            parser,
                            "the number has more than "
                                    + parser.streamReadConstraints().getMaxNumberLength()
                                    + " digits, more than the bridge reads");
                }
                throw tooDeep(as, at(parser.currentLocation()));
            } catch (NumberFormatException e) {
                // an exponent beyond an int's (1e9999999999): Jackson's BigDecimal refuses it unchecked, and the
                // file was taken again every poll, with a stack trace each time and no result (hostile-input audit)
                throw numberOutOfRange(as, parser, "the number's exponent is beyond what the bridge reads");
            } catch (JsonParseException e) {
                if (e.getOriginalMessage().startsWith("Duplicate field")) {
                    throw as.of(
                            "request_duplicate_field",
                            "field \"" + parser.currentName() + "\" appears twice in one object" + at(e.getLocation())
                                    + "; each field may appear once");
                }
                throw e;
            }
            String more = whatFollows(parser, text);
            if (more != null) {
                throw as.of(
                        "request_trailing_data",
                        "the request goes on after its JSON value" + more + "; a request is exactly one JSON object");
            }
        } catch (JsonProcessingException e) {
            throw as.of("request_not_json", "the request is not JSON: " + notJsonBecause(e) + at(e.getLocation()));
        } catch (IOException e) {
            throw new UncheckedIOException("reading a request held in memory", e);
        }
        if (parsed == null || !parsed.isObject()) {
            throw as.of(
                    "request_not_object",
                    "the request is JSON but not an object (found " + (parsed == null ? "nothing" : kindOf(parsed))
                            + ")");
        }
        if (nestsTooDeep((ObjectNode) parsed, apiHint)) {
            throw tooDeep(as, "");
        }
        return (ObjectNode) parsed;
    }

    /**
     * Jackson's words for what is not JSON, without the request's own words: an unquoted word is echoed whole, and may
     * be a person's name or address, into the log, the result and the job (personal-data audit); its place says where.
     */
    static String notJsonBecause(JsonProcessingException e) {
        String message = String.valueOf(e.getOriginalMessage());
        Matcher token = UNRECOGNIZED_TOKEN.matcher(message);
        return token.lookingAt()
                ? "Unrecognized token (" + token.group(1).length() + " characters, not shown)"
                        + message.substring(token.end(1) + 1)
                : message;
    }

    /** A text or field name holding half a surrogate pair can be neither sent nor written as UTF-8. */
    private static void refuseNonUnicode(ObjectNode parsed, Refusal as) {
        String notUnicode = firstNonUnicodePath(parsed, "");
        if (notUnicode == null) {
            return;
        }
        // an envelope is refused as its API's, showing its body, like every other envelope refusal (hostile-content
        // audit: it came back as api "unknown" with the whole envelope)
        boolean envelope = isEnvelope(parsed, as.api());
        // reject names a known API by its id, any other "unknown"
        String shownApi = as.api() != null || !envelope ? as.api() : Json.text(parsed, "api");
        throw new Refusal(
                        shownApi,
                        envelope && parsed.get("request") instanceof ObjectNode inner ? inner : parsed,
                        as.callers(),
                        as.source())
                .of(
                        "request_not_unicode",
                        notUnicode + ": holds a JSON escape of half a surrogate pair (D800-DFFF), not a character; it"
                                + " can be neither sent nor written as UTF-8");
    }

    /**
     * The envelope's API (agreeing with the folder's or property's), its key (agreeing with the JMS property's) and
     * its request; exactly the contract's fields.
     */
    private static Unwrapped unwrapEnvelope(
            ObjectNode envelope, String apiHint, String explicitKey, String callers, RequestSource source) {
        // what a refused envelope's result shows as its request: the body that would have been sent, where the
        // envelope has one (contract audit: the whole envelope was shown for some refusals, the body for others)
        ObjectNode wouldSend = envelope.get("request") instanceof ObjectNode inner ? inner : envelope;
        JsonNode envelopeApiField = envelope.get("api");
        if (envelopeApiField == null || !envelopeApiField.isTextual()) {
            throw new Refusal(apiHint, wouldSend, callers, source)
                    .of(
                            "envelope_api_invalid",
                            "api: " + (envelopeApiField == null ? "field required" : "must be a string")
                                    + " in an envelope, \"openprospect\" or \"orbit\"");
        }
        String api = envelopeApiField.asText();
        // both are read ignoring case and edge spaces, as each is alone (files-and-JMS audit: "Orbit" in the orbit
        // folder was refused as a mismatch)
        if (apiHint != null && !sameApi(apiHint, api)) {
            throw new Refusal(apiHint, wouldSend, callers, source)
                    .of(
                            "envelope_api_mismatch",
                            "the envelope says api \"" + api + "\" but it arrived for \"" + apiHint + "\"");
        }
        Refusal as = new Refusal(api, wouldSend, callers, source);
        Optional<String> unknownField = envelope.properties().stream()
                .map(Map.Entry::getKey)
                .filter(field -> !ENVELOPE_FIELDS.contains(field))
                .findFirst();
        if (unknownField.isPresent()) {
            // a misspelt "idempotency_key" was passed over, and a paid run started under a derived key the caller
            // never knew (hostile-input audit): the envelope is the contract's own form, exactly these fields
            throw as.of(
                    "envelope_field_unknown",
                    "\"" + IdempotencyKeys.shown(unknownField.get())
                            + "\": not a field of an envelope, which holds api, idempotencyKey (optional) and"
                            + " request; the request's own fields go inside request");
        }
        String key = explicitKey;
        JsonNode envelopeKey = envelope.get("idempotencyKey");
        if (envelopeKey != null && !envelopeKey.isNull()) {
            if (!envelopeKey.isTextual() || envelopeKey.asText().isEmpty()) {
                // the code of the same rule for the JMS property, whichever way the key came
                throw as.of(
                        "idempotency_key_invalid",
                        "idempotencyKey (envelope): must be a non-empty string when present");
            }
            if (key != null && !key.equals(envelopeKey.asText())) {
                throw as.of(
                        "idempotency_key_mismatch",
                        "the envelope's idempotencyKey \"" + IdempotencyKeys.shown(envelopeKey.asText())
                                + "\" and the JMS property \"" + IdempotencyKeys.shown(key)
                                + "\" differ; send one key");
            }
            key = envelopeKey.asText();
        }
        JsonNode request = envelope.get("request");
        if (request == null || !request.isObject()) {
            throw as.of(
                    "envelope_request_invalid",
                    "request: " + (request == null ? "field required in an envelope" : "must be a JSON object"));
        }
        return new Unwrapped(api, (ObjectNode) request, key);
    }

    /**
     * An envelope that lost its "api" reads as a bare body of the folder's or property's API, whose rules then name
     * "request" as a field they do not take: the refusal says what it looks like (files-and-JMS audit).
     */
    private static boolean looksLikeAnEnvelopeWithoutApi(ObjectNode parsed, String apiHint) {
        return apiHint != null
                && !parsed.has("api")
                && parsed.has("request")
                && parsed.get("request").isObject();
    }

    private static Api knownApi(Unwrapped request, String callers, RequestSource source) {
        String api = request.api();
        return Api.of(api)
                .orElseThrow(() -> new Refusal(api, request.body(), callers, source)
                        .of(
                                "api_unknown",
                                api == null
                                        ? source.isFile()
                                                ? "no api given: drop the file into inbox/openprospect or inbox/orbit, or use"
                                                        + " an envelope with \"api\""
                                                : "no api given: set the string property api to openprospect or orbit, or"
                                                        + " send an envelope with \"api\""
                                        : "api: \"" + ErrorText.visible(api) + "\" is not one of openprospect, orbit"));
    }

    /** The API's documented rules, every violation named in one refusal with the first one's code. */
    private void refuseViolations(
            Api api, ObjectNode body, boolean envelopeWithoutApi, String callers, RequestSource source) {
        Refusal as = new Refusal(api.id(), body, callers, source);
        List<ApiError> violations;
        try {
            violations = rules.violations(api, body);
        } catch (RuntimeException e) {
            // a rule that cannot judge this body is a bridge defect; the file must still get its answer, not loop
            throw as.of(
                    "request_uncheckable",
                    "the bridge could not apply the " + api.id() + " rules to this request (" + e
                            + "); please report it");
        }
        if (!violations.isEmpty()) {
            throw as.of(
                    violations.get(0).code(),
                    violations.stream().map(ApiError::message).collect(Collectors.joining("; "))
                            + (envelopeWithoutApi
                                    ? " (it looks like an envelope without its \"api\": an envelope names its API,"
                                            + " {\"api\": \"" + api.id() + "\", \"request\": {...}})"
                                    : ""));
        }
    }

    /** What a refusal at one stage of the read shows: the API, the request body, the caller's key, the source. */
    private record Refusal(String api, JsonNode body, String callers, RequestSource source) {
        Refused of(String code, String message) {
            return new Refused(reject(api, body, callers, source, code, message));
        }
    }

    /** Ends the read with its refusal, from whichever stage found it; no stack trace (it is no failure). */
    private static final class Refused extends RuntimeException {
        private final transient ReadRequest request;

        Refused(ReadRequest request) {
            super(null, null, false, false);
            this.request = request;
        }
    }

    private ReadRequest settleKey(Api api, ObjectNode body, String explicitKey, String callers, RequestSource source) {
        if (api == Api.ORBIT) {
            String requestId = Json.text(body, "requestId");
            if (requestId != null && explicitKey != null && !requestId.equals(explicitKey)) {
                return reject(
                        api.id(),
                        body,
                        callers,
                        source,
                        "idempotency_key_mismatch",
                        "requestId \"" + IdempotencyKeys.shown(requestId) + "\" and idempotencyKey \""
                                + IdempotencyKeys.shown(explicitKey) + "\" differ; send one key");
            }
            String key = requestId != null
                    ? requestId
                    : explicitKey != null ? explicitKey : IdempotencyKeys.derive(api, source, body);
            // the field the caller gave the key in: Orbit's body, else an envelope's or a JMS property's
            String keyField = requestId != null ? "requestId" : explicitKey != null ? "idempotencyKey" : null;
            String named = keyField != null ? keyField : "idempotencyKey";
            if (!PathSegment.isEncodable(key)) {
                // the status is read at /deep-search/{requestId}: a run we could never poll must not be started
                return reject(
                        api.id(),
                        body,
                        callers,
                        source,
                        "request_id_unusable",
                        named
                                + ": is not valid Unicode (it holds an unpaired surrogate), so no URL can name the run;"
                                + " send another key");
            }
            if (key.indexOf('\0') >= 0) {
                // PostgreSQL's text refuses U+0000: the job could not be recorded, and the file was taken again for
                // ever (hostile-input audit). Refused on every store, so a flow tried on H2 behaves the same there
                return reject(
                        api.id(),
                        body,
                        callers,
                        source,
                        "idempotency_key_invalid",
                        named
                                + ": holds the character U+0000 (NUL), which the job store cannot keep; send another"
                                + " key");
            }
            Optional<String> tooLong = tooLong(named, key);
            if (tooLong.isPresent()) {
                return reject(api.id(), body, callers, source, "idempotency_key_too_long", tooLong.get());
            }
            ObjectNode sent = body.deepCopy();
            sent.put("requestId", key);
            return new ReadRequest.Valid(api, sent, key, keyField, source);
        }
        if (explicitKey != null && !fitsAHeader(explicitKey)) {
            // HttpClient would send a line break as a space and the server drop edge spaces: another key than recorded.
            // The refusal still names it (a result and a JMS property carry it as written), so the caller can match it
            return reject(
                    api.id(),
                    body,
                    callers,
                    source,
                    "idempotency_key_invalid",
                    "idempotencyKey: OpenProspect takes the key as the Idempotency-Key HTTP header, which carries it"
                            + " as written only when it holds visible ASCII characters and inner spaces (no line break,"
                            + " tab or other control character, no character beyond ASCII, no leading or trailing"
                            + " space)");
        }
        Optional<String> tooLong = tooLong("idempotencyKey", explicitKey);
        if (tooLong.isPresent()) {
            return reject(api.id(), body, callers, source, "idempotency_key_too_long", tooLong.get());
        }
        String key = explicitKey != null ? explicitKey : IdempotencyKeys.derive(api, source, body);
        return new ReadRequest.Valid(api, body, key, explicitKey != null ? "idempotencyKey" : null, source);
    }

    /**
     * A key longer than every place that carries it can take: a URL (Orbit reads a run at
     * /v2/developer/deep-search/{requestId}; /jobs/{key}), a header (Idempotency-Key) and the JMS result's
     * idempotencyKey property. A run the bridge could start but never poll must not be started (black-box audit: a
     * 500,000-character requestId started a paid run whose status URL no server took).
     */
    private static Optional<String> tooLong(String field, String key) {
        if (key == null) {
            return Optional.empty();
        }
        int encoded = PathSegment.encode(key).length();
        if (encoded <= PathSegment.MAX_ENCODED_LENGTH) {
            return Optional.empty();
        }
        return Optional.of(field + ": at most " + PathSegment.MAX_ENCODED_LENGTH
                + " characters once percent-encoded for a URL (what a status URL, an HTTP header and a JMS property"
                + " can carry of a key); this one has " + encoded);
    }

    private static boolean fitsAHeader(String key) {
        return key.chars().allMatch(c -> c >= 0x20 && c <= 0x7E)
                && key.charAt(0) != ' '
                && key.charAt(key.length() - 1) != ' ';
    }

    /**
     * Where anything but whitespace follows the value (another value, or text that is no JSON at all) and, for text, what
     * Jackson says it is; null when nothing does. Text is placed where it begins: Jackson's position of a character no
     * JSON has (a DOS editor's Ctrl-Z, a NUL) is the value's last token, a valid closing brace (winedit audit).
     */
    private static String whatFollows(JsonParser parser, String text) throws IOException {
        int end = (int) parser.currentLocation().getCharOffset();
        try {
            return parser.nextToken() == null ? null : at(parser.currentTokenLocation());
        } catch (JsonProcessingException garbage) {
            int first = end;
            while (first < text.length() && JSON_WHITESPACE.indexOf(text.charAt(first)) >= 0) {
                first++;
            }
            return atOffset(text, first) + " (" + notJsonBecause(garbage) + ")";
        }
    }

    private static final String JSON_WHITESPACE = " \t\r\n";

    /** Line and column of a character of {@code text}, counted as Jackson counts them (CR LF, CR and LF end a line). */
    static String atOffset(String text, int offset) {
        int line = 1;
        int lineStart = 0;
        for (int i = 0; i < offset && i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\n' || (c == '\r' && (i + 1 >= text.length() || text.charAt(i + 1) != '\n'))) {
                line++;
                lineStart = i + 1;
            }
        }
        return " at line " + line + ", column " + (offset - lineStart + 1);
    }

    private static String at(JsonLocation location) {
        return location == null ? "" : " at line " + location.getLineNr() + ", column " + location.getColumnNr();
    }

    /**
     * The path of the first text value or field name in the tree that holds half a surrogate pair (not valid
     * Unicode), or null when there is none.
     */
    private static String firstNonUnicodePath(JsonNode node, String path) {
        if (node.isValueNode()) {
            return node.isTextual() && Json.hasUnpairedSurrogate(node.asText())
                    ? (path.isEmpty() ? "the request" : path)
                    : null;
        }
        for (var fields = node.fields(); fields.hasNext(); ) {
            var field = fields.next();
            String fieldPath = path.isEmpty() ? field.getKey() : path + "." + field.getKey();
            String found = Json.hasUnpairedSurrogate(field.getKey())
                    ? fieldPath
                    : firstNonUnicodePath(field.getValue(), fieldPath);
            if (found != null) {
                return found;
            }
        }
        for (int i = 0; node.isArray() && i < node.size(); i++) {
            String found = firstNonUnicodePath(node.get(i), path + "[" + i + "]");
            if (found != null) {
                return found;
            }
        }
        return null;
    }

    /** Nested deeper than the bridge reads; {@code where}: the parser's line and column, when it stopped there. */
    private static Refused tooDeep(Refusal as, String where) {
        return as.of(
                "request_too_deep",
                "the request nests deeper than " + Json.MAX_NESTING_DEPTH + " levels" + where + " (a body may have "
                        + Json.MAX_NESTING_DEPTH + ", an envelope one more around it)");
    }

    /** A JSON value's kind as a reader says it (error-codes audit: Jackson's "ARRAY", "NULL" were shown). */
    private static String kindOf(JsonNode value) {
        return switch (value.getNodeType()) {
            case ARRAY -> "an array";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "true or false";
            case NULL -> "null";
            default -> "no object";
        };
    }

    /** Deeper than a body may be: an envelope's request counts from itself, its other fields from the envelope. */
    private static boolean nestsTooDeep(ObjectNode parsed, String apiHint) {
        if (!isEnvelope(parsed, apiHint)) {
            return depth(parsed) > Json.MAX_NESTING_DEPTH;
        }
        for (var fields = parsed.fields(); fields.hasNext(); ) {
            var field = fields.next();
            int levels = depth(field.getValue()) + (field.getKey().equals("request") ? 0 : 1);
            if (levels > Json.MAX_NESTING_DEPTH) {
                return true;
            }
        }
        return false;
    }

    /** Levels of objects and arrays: a scalar 0, {} 1, {"a": []} 2; the parser has bounded it already. */
    private static int depth(JsonNode node) {
        int deepest = 0;
        for (JsonNode child : node) {
            deepest = Math.max(deepest, depth(child));
        }
        return node.isContainerNode() ? deepest + 1 : 0;
    }

    /** A number the bridge cannot read, named by the field the parser stood at. */
    private static Refused numberOutOfRange(Refusal as, JsonParser parser, String rule) throws IOException {
        String field = parser.currentName() == null ? "the request" : parser.currentName();
        return as.of("request_number_out_of_range", field + ": " + rule);
    }

    /**
     * The encoding of a text in UTF-16 or UTF-32 (an editor's "Unicode"; hostile-input audit), named with how it was
     * told: by its byte-order mark, or, as RFC 4627 reads a JSON text without one, by the NUL bytes of its first two
     * characters, which are ASCII; null for any other content. Content ending in four NUL bytes or more is none: a
     * writer that sets the size first has not written it yet (encodings audit: without a mark, such files were held
     * bridge.inbox.incomplete-ms, then refused as JSON with a control character).
     */
    static String utf16Or32(byte[] content) {
        int[] first = new int[4];
        for (int i = 0; i < first.length; i++) {
            first[i] = i < content.length ? content[i] & 0xFF : -1;
        }
        if (first[0] == 0xFF && first[1] == 0xFE) {
            return first[2] == 0 && first[3] == 0
                    ? "UTF-32LE, by its byte-order mark"
                    : "UTF-16LE, by its byte-order mark";
        }
        if (first[0] == 0xFE && first[1] == 0xFF) {
            return "UTF-16BE, by its byte-order mark";
        }
        if (first[0] == 0 && first[1] == 0 && first[2] == 0xFE && first[3] == 0xFF) {
            return "UTF-32BE, by its byte-order mark";
        }
        if (content.length < 4 || endsInNuls(content, 4)) {
            return null;
        }
        boolean nul0 = first[0] == 0, nul1 = first[1] == 0, nul2 = first[2] == 0, nul3 = first[3] == 0;
        if (nul0 && nul1 && nul2 && !nul3) {
            return "UTF-32BE without a byte-order mark";
        }
        if (!nul0 && nul1 && nul2 && nul3) {
            return "UTF-32LE without a byte-order mark";
        }
        if (nul0 && !nul1 && nul2 && !nul3) {
            return "UTF-16BE without a byte-order mark";
        }
        if (!nul0 && nul1 && !nul2 && nul3) {
            return "UTF-16LE without a byte-order mark";
        }
        return null;
    }

    private static boolean endsInNuls(byte[] content, int count) {
        for (int i = content.length - count; i < content.length; i++) {
            if (content[i] != 0) {
                return false;
            }
        }
        return true;
    }

    /** An envelope's fields (CONTRACT.md): any other is refused. */
    private static final Set<String> ENVELOPE_FIELDS = Set.of("api", "idempotencyKey", "request");

    /**
     * The envelope has an {@code api} string and a {@code request}; neither API's body has both fields. Where no API
     * is known yet (the inbox itself, a JMS message without an {@code api} property) only an envelope can name one,
     * so an object with either field is read as one, and told what it lacks.
     */
    static boolean isEnvelope(ObjectNode body, String apiHint) {
        return (body.has("request") && body.has("api") && body.get("api").isTextual())
                || (apiHint == null && (body.has("request") || body.has("api")));
    }

    /**
     * A request refused before its body was read (its type, size or JMS headers), naming the caller's key when a
     * result can carry it; {@code apiHint} and {@code callersKey} may be null.
     */
    public static ReadRequest refuse(String apiHint, String callersKey, RequestSource source, ApiError error) {
        return reject(apiHint, null, carriable(callersKey), source, error.code(), error.message());
    }

    private static ReadRequest reject(
            String api, JsonNode body, String key, RequestSource source, String code, String message) {
        return new ReadRequest.Rejected(
                Api.of(api).map(Api::id).orElse("unknown"), body, key, source, ApiError.of(code, message));
    }

    /**
     * The key the caller gave, as a refusal names it: the JMS property's, else the envelope's, else Orbit's
     * {@code requestId}; the first a result can carry ({@link #carriable}: a key no URL, header or JMS property could
     * take, too long or with an unpaired surrogate, is not repeated). Null when the caller gave none: a key the bridge
     * would have derived was never used. Review: a refusal named Orbit's requestId before the JMS property, and an
     * envelope's key only for some refusals.
     */
    private static String callersKey(JsonNode parsed, String apiHint, String explicitKey) {
        boolean envelope = parsed instanceof ObjectNode object && isEnvelope(object, apiHint);
        JsonNode request = envelope ? parsed.get("request") : parsed;
        String api =
                envelope && parsed.path("api").isTextual() ? parsed.get("api").asText() : apiHint;
        return Stream.of(
                        explicitKey,
                        envelope ? textOf(parsed.get("idempotencyKey")) : null,
                        Api.of(api).filter(Api.ORBIT::equals).isPresent() && request != null
                                ? textOf(request.get("requestId"))
                                : null)
                .map(RequestReader::carriable)
                .filter(Objects::nonNull)
                .findFirst()
                .orElse(null);
    }

    private static String textOf(JsonNode node) {
        return node != null && node.isTextual() ? node.asText() : null;
    }

    /** The key when a result can carry it (a URL, a header, a JMS property), else null. */
    private static String carriable(String key) {
        return key != null
                        && !key.isEmpty()
                        && PathSegment.isEncodable(key)
                        && tooLong("idempotencyKey", key).isEmpty()
                ? key
                : null;
    }

    /** Both name the same API as {@link Api#of} reads a name; two names of no API compare as written, trimmed. */
    private static boolean sameApi(String one, String other) {
        Optional<Api> first = Api.of(one);
        return first.isPresent() ? first.equals(Api.of(other)) : one.trim().equals(other.trim());
    }
}
