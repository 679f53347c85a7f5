package io.profilebridge.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.profilebridge.Json;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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

    /** The characters of a bearer token besides letters and digits (RFC 6750). */
    private static final String KEY_ALPHABET = "-._~+/=";

    /** Every part of {@link #FRAGMENT} characters of every key (a key shorter than that: the key). */
    private final Set<String> windows = new LinkedHashSet<>();

    public KeyMask(ApiCredentials credentials) {
        List<String> keys = List.of(Api.values()).stream()
                .flatMap(api -> credentials.key(api).stream())
                .toList();
        for (String key : keys) {
            int length = Math.min(FRAGMENT, key.length());
            for (int start = 0; start + length <= key.length(); start++) {
                windows.add(key.substring(start, start + length));
            }
        }
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
        if (masked == null || windows.isEmpty() || text.indexOf('\\') < 0) {
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
        for (String window : windows) {
            for (int at = text.indexOf(window); at >= 0; at = text.indexOf(window, at + 1)) {
                covered = covered == null ? new BitSet(text.length()) : covered;
                covered.set(at, at + window.length());
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
