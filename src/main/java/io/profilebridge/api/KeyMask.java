package io.profilebridge.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.profilebridge.Json;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.BitSet;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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

    /**
     * The JSON escapes that can spell a character of a key (a bearer token's are letters, digits and {@code -._~+/=}):
     * a Unicode escape, and {@code \/}, which PHP's json_encode writes for every slash.
     */
    private static final List<String> ESCAPES_IN_KEYS = List.of("\\u", "\\/");

    /** A Unicode escape (its four hex digits captured) or an escaped slash. */
    private static final Pattern KEY_CHARACTER_ESCAPE = Pattern.compile("\\\\u([0-9a-fA-F]{4})|\\\\/");

    /** A percent escape, such as {@code %2F}. */
    private static final Pattern PERCENT_ESCAPE = Pattern.compile("%[0-9A-F]{2}");

    /** The characters of a bearer token besides letters and digits (RFC 6750). */
    private static final String KEY_ALPHABET = "-._~+/=";

    /**
     * Every part of {@link #FRAGMENT} characters of every key (a key shorter than that: the key), and of its
     * percent-encoded and base64 forms, by length.
     */
    private final Map<Integer, Set<String>> windowsByLength = new TreeMap<>();

    /**
     * The first two characters of every window, folded to their low bytes: a text is read once, and a place where no
     * window starts is passed over at once (a scan per window cost 30 us per answer of 1 KB, 140 us with the encoded
     * forms).
     */
    private final BitSet starts = new BitSet(1 << 16);

    public KeyMask(ApiCredentials credentials) {
        List<String> keys = List.of(Api.values()).stream()
                .flatMap(api -> credentials.key(api).stream())
                .toList();
        for (String key : keys) {
            addWindows(key, Math.min(FRAGMENT, key.length()));
            // the forms an API may echo it in besides JSON's: in a URL (a query it repeats), in base64 (an
            // Authorization header it repeats, after "user:" or any other prefix)
            for (String encoded : percentEncoded(key)) {
                addWindows(encoded, FRAGMENT);
            }
            for (String encoded : base64Runs(key)) {
                addWindows(encoded, FRAGMENT);
            }
        }
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

    /** The key percent-encoded, with upper- and lower-case hex digits; none when encoding changes nothing. */
    static Set<String> percentEncoded(String key) {
        Set<String> forms = new LinkedHashSet<>();
        String upper = URLEncoder.encode(key, StandardCharsets.UTF_8);
        if (!upper.equals(key)) {
            forms.add(upper);
            Matcher escape = PERCENT_ESCAPE.matcher(upper);
            forms.add(escape.replaceAll(match -> match.group().toLowerCase(Locale.ROOT)));
        }
        return forms;
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
     * The text with every configured key replaced by {@link #MASK}; the same instance when it holds none. A JSON
     * answer with escapes is masked value by value and written again where it may spell a key with them (its
     * underscores as Unicode escapes, its slashes as {@code \/}, which parsing turns back into the key: black-box and
     * security audits) or where a key stands beside one (masking the text could cut an escape in two and leave JSON
     * that no longer parses: security audit); any other answer is masked as text.
     */
    public String apply(String text) {
        String masked = replaced(text);
        if (masked == null || windowsByLength.isEmpty() || text.indexOf('\\') < 0) {
            return masked;
        }
        if (masked == text && ESCAPES_IN_KEYS.stream().noneMatch(text::contains)) {
            return text;
        }
        return Json.parseAnswer(text)
                .map(parsed -> {
                    JsonNode clean = masked(parsed);
                    return clean == parsed ? text : Json.write(clean);
                })
                .orElseGet(() -> maskedWithKeyCharactersDecoded(text, masked));
    }

    /**
     * A text that is not JSON as a whole may still be read as JSON later: the start of an error answer the bridge cut
     * at its cap is kept as it came, and its escapes decoded when shown (security re-audit: a key written wholly in
     * Unicode escapes before 70,000 characters of padding reached a result, /jobs and the status page). The escapes
     * that can spell a key's characters are decoded and the text masked again; the text as it came when that finds
     * nothing more.
     */
    private String maskedWithKeyCharactersDecoded(String text, String masked) {
        Matcher escape = KEY_CHARACTER_ESCAPE.matcher(text);
        StringBuilder decoded = new StringBuilder(text.length());
        while (escape.find()) {
            char character = escape.group(1) == null ? '/' : (char) Integer.parseInt(escape.group(1), 16);
            String replacement =
                    character < 128 && (KEY_ALPHABET.indexOf(character) >= 0 || Character.isLetterOrDigit(character))
                            ? String.valueOf(character)
                            : escape.group();
            escape.appendReplacement(decoded, Matcher.quoteReplacement(replacement));
        }
        escape.appendTail(decoded);
        String plain = decoded.toString();
        String maskedPlain = replaced(plain);
        return maskedPlain == plain ? masked : maskedPlain;
    }

    /** Reads the answer's body as text (every reader of an answer reads it so, {@link ApiAnswer}) and masks it. */
    public void applyToBody(Message answer) {
        if (answer.getBody() != null) {
            answer.setBody(apply(answer.getBody(String.class)));
        }
    }

    /**
     * The text with every run of at least {@link #FRAGMENT} characters that also stands in a key replaced by
     * {@link #MASK}: the whole key, and a part of it an API echoes ("key ending in ..."; API-answers audit: the last
     * 12 characters of a key reached a result and {@code /jobs}). Shorter parts, such as the last four characters
     * by which a key is commonly named, stay. The same instance when nothing is masked.
     */
    private String replaced(String text) {
        if (text == null) {
            return null;
        }
        BitSet covered = null;
        // each window of a key found in the text marks its characters; overlapping windows join into one run
        int length = text.length();
        for (int at = 0; at < length; at++) {
            if (!starts.get(startIndex(text.charAt(at), at + 1 < length ? text.charAt(at + 1) : 0))) {
                continue;
            }
            for (Map.Entry<Integer, Set<String>> sized : windowsByLength.entrySet()) {
                int end = at + sized.getKey();
                if (end <= length && sized.getValue().contains(text.substring(at, end))) {
                    covered = covered == null ? new BitSet(length) : covered;
                    covered.set(at, end);
                }
            }
        }
        if (covered == null) {
            return text;
        }
        StringBuilder masked = new StringBuilder(text.length());
        int from = 0;
        for (int run = covered.nextSetBit(0); run >= 0; run = covered.nextSetBit(from)) {
            masked.append(text, from, run).append(MASK);
            from = covered.nextClearBit(run);
        }
        return masked.append(text, from, text.length()).toString();
    }

    /**
     * The node with the keys masked in every string, field name and number (a key of digits, as the text mask masks
     * it); the same instance when it holds none.
     */
    private JsonNode masked(JsonNode node) {
        if (node.isTextual() || node.isNumber()) {
            String value = node.asText();
            String text = replaced(value);
            return text == value ? node : TextNode.valueOf(text);
        }
        if (node instanceof ArrayNode array) {
            ArrayNode copy = null;
            for (int i = 0; i < array.size(); i++) {
                JsonNode item = masked(array.get(i));
                if (item != array.get(i)) {
                    copy = copy == null ? array.deepCopy() : copy;
                    copy.set(i, item);
                }
            }
            return copy == null ? node : copy;
        }
        if (node instanceof ObjectNode object) {
            boolean changed = false;
            List<Map.Entry<String, JsonNode>> fields = new ArrayList<>();
            for (var field : object.properties()) {
                String name = replaced(field.getKey());
                JsonNode value = masked(field.getValue());
                changed |= name != field.getKey() || value != field.getValue();
                fields.add(Map.entry(name, value));
            }
            if (!changed) {
                return node;
            }
            ObjectNode copy = object.objectNode();
            fields.forEach(field -> copy.set(field.getKey(), field.getValue()));
            return copy;
        }
        return node;
    }
}
