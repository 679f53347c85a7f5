package io.profilebridge.api;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.BitSet;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * Masks the configured API keys in what an API answers. An API may echo the key it was sent ("Invalid API key:
 * lnc_live_..."), and its answers reach results, the job store, {@code /jobs}, the health check and the logs; the
 * contract says a key appears in none of them.
 */
public final class KeyMask {

    /** What stands where a key was. */
    public static final String MASK = "[API key]";

    /** The shortest part of a key that is masked wherever it stands. */
    static final int FRAGMENT = 8;

    private static final Pattern JSON_NUMBER = Pattern.compile("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?");

    /** How many escapes of escapes are decoded ("%255F", "&amp;#95;"): more than anyone writes by accident. */
    private static final int MOST_ESCAPE_LAYERS = 3;

    /**
     * Every part of {@link #FRAGMENT} characters of every key (a key shorter than that: the key), and of its base64
     * forms, by length. Its escaped forms (JSON, percent, HTML) are found in the text decoded ({@link EscapedText}).
     */
    private final Map<Integer, Set<String>> windowsByLength = new TreeMap<>();

    /**
     * The first two characters of every window, folded to their low bytes: a text is read once, and a place where no
     * window starts is passed over at once (a scan per window cost 30 us per answer of 1 KB, 140 us with the encoded
     * forms).
     */
    private final BitSet starts = new BitSet(1 << 16);

    /** The mask of whole keys only, for text a caller wrote ({@link #applyToCallerText}); itself when it is that. */
    private final KeyMask wholeKeys;

    public KeyMask(ApiCredentials credentials) {
        this(
                List.of(Api.values()).stream()
                        .flatMap(api -> credentials.key(api).stream())
                        .toList(),
                FRAGMENT);
    }

    /** {@code fragment}: the shortest part of a key masked; {@link Integer#MAX_VALUE} for whole keys only. */
    private KeyMask(List<String> keys, int fragment) {
        for (String key : keys) {
            addWindows(key, Math.min(fragment, key.length()));
            // the form an API may echo it in that is not an escape of its characters: base64 (an Authorization header
            // it repeats, after "user:" or any other prefix)
            for (String encoded : base64Runs(key)) {
                addWindows(encoded, Math.min(fragment, encoded.length()));
            }
        }
        this.wholeKeys = fragment == Integer.MAX_VALUE ? this : new KeyMask(keys, Integer.MAX_VALUE);
    }

    private void addWindows(String form, int length) {
        for (int start = 0; start + length <= form.length(); start++) {
            String window = form.substring(start, start + length);
            windowsByLength.computeIfAbsent(length, any -> new HashSet<>()).add(window);
            if (length == 1) {
                int first = startIndex(window.charAt(0), 0);
                starts.set(first, first + 256); // a one-character key: any character may follow
            } else {
                starts.set(startIndex(window.charAt(0), window.charAt(1)));
            }
        }
    }

    private static int startIndex(int first, int second) {
        return (first & 0xFF) << 8 | (second & 0xFF);
    }

    /**
     * The runs of base64 characters that the key's bytes alone decide, at each of the three places it can start in
     * a base64 text (after 0, 1 or 2 bytes of a prefix), in both alphabets (RFC 4648's standard and URL-safe ones).
     */
    static Set<String> base64Runs(String key) {
        byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
        Set<String> runs = new LinkedHashSet<>();
        for (int offset = 0; offset < 3; offset++) {
            byte[] shifted = new byte[offset + bytes.length];
            System.arraycopy(bytes, 0, shifted, offset, bytes.length);
            String encoded = Base64.getEncoder().withoutPadding().encodeToString(shifted);
            int first = (offset * 8 + 5) / 6; // the first character with no bit of the prefix
            int end = shifted.length * 8 / 6; // past the last character with no bit of what may follow
            if (end - first >= FRAGMENT) {
                String run = encoded.substring(first, end);
                runs.add(run);
                runs.add(run.replace('+', '-').replace('/', '_'));
            }
        }
        return runs;
    }

    /**
     * The text with every configured key replaced by {@link #MASK}; the same instance when it holds none. The key is
     * looked for as written and in the text with its escapes decoded, layer by layer ({@link EscapedText}: JSON's
     * {@code \u005f} and {@code \/}, percent and HTML escapes, in full or for a few characters; black-box and security
     * audits: each passed a mask of the plain text and was decoded by the reader later); each escape that spells a
     * part of a key is masked whole, so an answer that was JSON stays JSON, and one cut at its cap stays as it came.
     */
    public String apply(String text) {
        if (text == null || windowsByLength.isEmpty()) {
            return text;
        }
        BitSet covered = new BitSet();
        EscapedText view = EscapedText.of(text);
        for (int layer = 0; layer <= MOST_ESCAPE_LAYERS; layer++) {
            BitSet found = covered(view.text());
            for (int i = found.nextSetBit(0); i >= 0; i = found.nextSetBit(i + 1)) {
                covered.set(view.from(i), view.to(i));
            }
            // no layer is decoded that will not be looked at
            Optional<EscapedText> decoded = layer < MOST_ESCAPE_LAYERS ? view.decoded() : Optional.empty();
            if (decoded.isEmpty()) {
                break;
            }
            view = decoded.get();
        }
        return covered.isEmpty() ? text : masked(text, covered);
    }

    /**
     * The text with every whole configured key masked, as {@link #apply} does, but not a part of one: for what holds
     * a caller's own words (a request echoed in its result, a file name, an id asked for on {@code /jobs}) beside
     * answers already masked as they came (ApiCallRoutes). A part masked there answers a caller's guess: jobs-API
     * audit, {@code /jobs/lnc_live_s} echoed {@code [API key]} and {@code /jobs/lnc_live_x} did not, and both keys were
     * read back a character at a time, in 315 requests and 1.3 s. A caller who writes a whole key knew it already.
     */
    public String applyToCallerText(String text) {
        return wholeKeys.apply(text);
    }

    /**
     * An API's answer masked: a whole key in any answer, a part of one only in an answer about the key ({@link
     * #isAboutTheKey}). Any other answer may repeat what a caller wrote (Orbit's {@code request_id} is the caller's
     * {@code requestId}, a 400 quotes the field it refuses), in any spelling the API decodes or the mask decodes, and
     * a part masked there answers a caller's guess. Re-check audits: {@code status.request_id} of 8-character guesses
     * gave both keys back in 494 requests; once what the call sent was spared as written, a guess percent-, JSON- or
     * HTML-escaped in a refused URL gave each key back in 13 requests.
     */
    public String applyToAnswer(int httpStatus, String answer) {
        return isAboutTheKey(httpStatus) ? apply(answer) : wholeKeys.apply(answer);
    }

    /**
     * An answer about the key it was sent with, which the caller has no say in: 401 (missing or invalid key) and 403
     * (a scope it lacks), as both APIs document them. Such an answer may name the key by a part ("key ending in ...";
     * API-answers audit: the last 12 characters of a key reached a result and {@code /jobs}).
     */
    static boolean isAboutTheKey(int httpStatus) {
        return httpStatus == 401 || httpStatus == 403;
    }

    /**
     * Reads the answer's body as text (every reader of an answer reads it so, {@link ApiAnswer}) and masks it by its
     * status ({@link #applyToAnswer}); so is a redirect's {@code Location}, which its error names.
     */
    public void applyToAnswer(Message answer) {
        Integer status = answer.getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        int code = status == null ? 0 : status;
        if (answer.getBody() != null) {
            answer.setBody(applyToAnswer(code, answer.getBody(String.class)));
        }
        String location = answer.getHeader("Location", String.class);
        if (location != null) {
            answer.setHeader("Location", applyToAnswer(code, location));
        }
    }

    /**
     * Where the text holds a run of at least {@link #FRAGMENT} characters that also stands in a key: the whole key,
     * and a part of it an API echoes ("key ending in ..."; API-answers audit: the last 12 characters of a key reached
     * a result and {@code /jobs}). Shorter parts, such as the last four characters by which a key is commonly named,
     * are not.
     */
    private BitSet covered(String text) {
        BitSet covered = new BitSet();
        // each window of a key found in the text marks its characters; overlapping windows join into one run
        int length = text.length();
        for (int at = 0; at < length; at++) {
            if (!starts.get(startIndex(text.charAt(at), at + 1 < length ? text.charAt(at + 1) : 0))) {
                continue;
            }
            for (Map.Entry<Integer, Set<String>> sized : windowsByLength.entrySet()) {
                int end = at + sized.getKey();
                if (end <= length && sized.getValue().contains(text.substring(at, end))) {
                    covered.set(at, end);
                }
            }
        }
        return covered;
    }

    /**
     * The text with each run of covered characters replaced by one {@link #MASK}; a run inside a JSON number makes
     * the whole number the string {@code "[API key]"}, so an answer that was JSON stays JSON (config-and-APIs audit: a
     * key holding digits masked part of a long number in a status answer, which then read as no JSON, and the
     * finished run was given up).
     */
    private static String masked(String text, BitSet covered) {
        StringBuilder masked = new StringBuilder(text.length());
        int from = 0;
        for (int run = covered.nextSetBit(0); run >= 0; run = covered.nextSetBit(from)) {
            int end = covered.nextClearBit(run);
            int numberStart = numberStart(text, run);
            int numberEnd = numberEnd(text, end);
            if (numberStart >= from && isJsonNumber(text, numberStart, numberEnd) && !insideString(text, numberStart)) {
                masked.append(text, from, numberStart).append('"').append(MASK).append('"');
                from = numberEnd;
            } else {
                masked.append(text, from, run).append(MASK);
                from = end;
            }
        }
        return masked.append(text, from, text.length()).toString();
    }

    /**
     * Whether the place stands inside a JSON string (an odd number of unescaped quotes before it): digits there are
     * text, which a mask replaces where they stand (review: "key ending: 1234567890, check" had quotes put inside it).
     */
    private static boolean insideString(String text, int at) {
        boolean inside = false;
        for (int i = 0; i < at; i++) {
            char c = text.charAt(i);
            if (inside && c == '\\') {
                i++;
            } else if (c == '"') {
                inside = !inside;
            }
        }
        return inside;
    }

    private static int numberStart(String text, int at) {
        while (at > 0 && isNumberChar(text.charAt(at - 1))) {
            at--;
        }
        return at;
    }

    private static int numberEnd(String text, int at) {
        while (at < text.length() && isNumberChar(text.charAt(at))) {
            at++;
        }
        return at;
    }

    private static boolean isNumberChar(char c) {
        return (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E';
    }

    /** Whether text[start, end) is a JSON number standing as a value: after {@code : [ ,}, before {@code , ] }}. */
    private static boolean isJsonNumber(String text, int start, int end) {
        if (!JSON_NUMBER.matcher(text).region(start, end).matches()) {
            return false;
        }
        int before = start - 1;
        while (before >= 0 && Character.isWhitespace(text.charAt(before))) {
            before--;
        }
        int after = end;
        while (after < text.length() && Character.isWhitespace(text.charAt(after))) {
            after++;
        }
        return (before < 0 || ":[,".indexOf(text.charAt(before)) >= 0)
                && (after == text.length() || ",]}".indexOf(text.charAt(after)) >= 0);
    }
}
