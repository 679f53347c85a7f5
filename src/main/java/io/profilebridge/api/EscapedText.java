package io.profilebridge.api;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

/**
 * A text with its escapes decoded, knowing for each decoded character the part of the original text it came from:
 * JSON's ({@code \u005f}, {@code \/}, {@code \\}, ...), percent escapes ({@code %5F}, {@code %5f}, UTF-8 runs such as {@code %C3%A9})
 * and HTML's character references ({@code &#95;}, {@code &#x5F;}, {@code &lowbar;}). An API may echo a key in any of
 * them, whole or for a few of its characters, and a reader may decode it later; {@link KeyMask} finds the key in the
 * decoded text and masks the original parts it came from, whole escapes and all.
 * <p>
 * Written here because no library decodes these three forms while keeping where each character came from.
 */
final class EscapedText {

    /**
     * The named references for the characters of a bearer token that are not letters or digits (RFC 6750; HTML has
     * no name for {@code -} and {@code ~}), and for the ampersand.
     */
    private static final Map<String, String> NAMED = Map.of(
            "lowbar", "_",
            "UnderBar", "_",
            "period", ".",
            "sol", "/",
            "equals", "=",
            "plus", "+",
            // an escaped escape ("&amp;#95;") is decoded in two steps
            "amp", "&");

    /** The longest named reference above, with its {@code &} and {@code ;}. */
    private static final int LONGEST_NAMED = "&UnderBar;".length();

    private final String text;
    /** Where decoded character i starts and ends in the original text; null when this is the original itself. */
    private final int[] from;

    private final int[] to;

    private EscapedText(String text, int[] from, int[] to) {
        this.text = text;
        this.from = from;
        this.to = to;
    }

    /** The text as it came: nothing decoded yet. */
    static EscapedText of(String text) {
        return new EscapedText(text, null, null);
    }

    String text() {
        return text;
    }

    /** Where decoded character i starts in the original text. */
    int from(int i) {
        return from == null ? i : from[i];
    }

    /** Where decoded character i ends in the original text. */
    int to(int i) {
        return to == null ? i + 1 : to[i];
    }

    /**
     * This text with one more layer of escapes decoded (an escape of an escape takes a second call); empty when it
     * holds none.
     */
    Optional<EscapedText> decoded() {
        int length = text.length();
        int at = 0;
        Escape escape = null;
        while (at < length && (escape = escapeAt(at)) == null) {
            at++;
        }
        if (escape == null) {
            return Optional.empty();
        }
        StringBuilder decoded = new StringBuilder(length).append(text, 0, at);
        int[] starts = new int[length];
        int[] ends = new int[length];
        for (int i = 0; i < at; i++) {
            starts[i] = from(i);
            ends[i] = to(i);
        }
        while (at < length) {
            escape = escape != null ? escape : escapeAt(at);
            if (escape == null) {
                starts[decoded.length()] = from(at);
                ends[decoded.length()] = to(at);
                decoded.append(text.charAt(at));
                at++;
                continue;
            }
            for (int i = 0; i < escape.value().length(); i++) {
                starts[decoded.length()] = from(at);
                ends[decoded.length()] = to(escape.end() - 1);
                decoded.append(escape.value().charAt(i));
            }
            at = escape.end();
            escape = null;
        }
        return Optional.of(new EscapedText(decoded.toString(), starts, ends));
    }

    /** What an escape starting here stands for, and where it ends; null when none starts here. */
    private record Escape(String value, int end) {}

    private Escape escapeAt(int at) {
        return switch (text.charAt(at)) {
            case '\\' -> jsonEscape(at);
            case '%' -> percentEscape(at);
            case '&' -> characterReference(at);
            default -> null;
        };
    }

    /**
     * Every JSON escape is one, {@code \\} and {@code \"} too: read from the left, an escaped backslash before
     * {@code u005f} is a backslash and text, which the next layer decodes (a JSON text inside a JSON string), never
     * a backslash and an escape (review: the mask began on the second backslash, and the answer was no JSON).
     */
    private Escape jsonEscape(int at) {
        if (at + 1 >= text.length()) {
            return null;
        }
        char escaped = text.charAt(at + 1);
        if (escaped == 'u') {
            int unit = at + 6 <= text.length() ? hex(at + 2, at + 6) : -1;
            return unit < 0 ? null : new Escape(String.valueOf((char) unit), at + 6);
        }
        String value = JSON_ESCAPES.get(escaped);
        return value == null ? null : new Escape(value, at + 2);
    }

    /** The two-character escapes of JSON (RFC 8259, section 7), by the character after the backslash. */
    private static final Map<Character, String> JSON_ESCAPES =
            Map.of('"', "\"", '\\', "\\", '/', "/", 'b', "\b", 'f', "\f", 'n', "\n", 'r', "\r", 't', "\t");

    /** A percent escape; a byte above 127 with the ones that follow it in its UTF-8 sequence. */
    private Escape percentEscape(int at) {
        int lead = percentByte(at);
        if (lead < 0) {
            return null;
        }
        if (lead < 0x80) {
            return new Escape(String.valueOf((char) lead), at + 3);
        }
        int size = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
        byte[] bytes = new byte[size];
        bytes[0] = (byte) lead;
        for (int i = 1; i < size; i++) {
            int next = percentByte(at + 3 * i);
            if (next < 0) {
                return null;
            }
            bytes[i] = (byte) next;
        }
        try {
            String value = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
            return new Escape(value, at + 3 * size);
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private int percentByte(int at) {
        return at + 3 <= text.length() && text.charAt(at) == '%' ? hex(at + 1, at + 3) : -1;
    }

    /** {@code &#95;}, {@code &#x5F;} (the semicolon may be left out, as browsers allow), or a named one. */
    private Escape characterReference(int at) {
        if (at + 2 < text.length() && text.charAt(at + 1) == '#') {
            boolean hex = text.charAt(at + 2) == 'x' || text.charAt(at + 2) == 'X';
            int radix = hex ? 16 : 10;
            int digits = at + (hex ? 3 : 2);
            int end = digits;
            int codePoint = 0;
            for (int digit; end < text.length() && (digit = Character.digit(text.charAt(end), radix)) >= 0; end++) {
                codePoint = codePoint * radix + digit;
                if (codePoint > Character.MAX_CODE_POINT) {
                    return null;
                }
            }
            if (end == digits) {
                return null;
            }
            boolean semicolon = end < text.length() && text.charAt(end) == ';';
            return new Escape(new String(Character.toChars(codePoint)), semicolon ? end + 1 : end);
        }
        int semicolon = at + 1;
        while (semicolon < Math.min(text.length(), at + LONGEST_NAMED) && text.charAt(semicolon) != ';') {
            semicolon++;
        }
        if (semicolon >= text.length() || text.charAt(semicolon) != ';') {
            return null;
        }
        String value = NAMED.get(text.substring(at + 1, semicolon));
        return value == null ? null : new Escape(value, semicolon + 1);
    }

    /** The hex number text[start, end) spells; -1 when it is not one. */
    private int hex(int start, int end) {
        int value = 0;
        for (int i = start; i < end; i++) {
            int digit = Character.digit(text.charAt(i), 16);
            if (digit < 0) {
                return -1;
            }
            value = value << 4 | digit;
        }
        return value;
    }
}
