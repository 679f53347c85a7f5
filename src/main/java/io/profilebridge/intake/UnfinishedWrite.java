package io.profilebridge.intake;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What a request file still being written looks like: its bytes end before its JSON does. The intake leaves such a
 * file for a later poll instead of refusing it as no JSON ({@link RequestAcceptance}).
 */
final class UnfinishedWrite {

    /** What a text cut inside a literal ends with: a start of one of these ({@link #endsInsideAValue}). */
    private static final List<String> LITERALS = List.of("true", "false", "null");
    /** A number that its next character must complete: a sign, a decimal point or an exponent without digits. */
    private static final Pattern NUMBER_CUT_SHORT = Pattern.compile("-|-?[0-9]+(\\.|\\.[0-9]+[eE][+-]?|[eE][+-]?)");

    private UnfinishedWrite() {}

    /**
     * Whether the content ends before its JSON does: nothing or only white space yet, a value cut short (a string, a
     * {@code nu} of {@code null}, a {@code -1.} of a number), a last character cut inside its UTF-8 bytes (half a
     * byte-order mark), or NUL bytes where a writer that sets the size first has not written yet (JSON has none).
     * What a file still being written looks like.
     */
    static boolean endsEarly(byte[] content) {
        // UTF-16 and UTF-32 (an editor's "Unicode") have NUL bytes in every character: wrong as written, not
        // unfinished (hostile-files audit: such a file waited bridge.inbox.incomplete-ms before its request_not_utf8)
        if (RequestReader.utf16Or32(content) != null) {
            return false;
        }
        if (endsInsideACharacter(content) || hasNul(content)) {
            return true;
        }
        // bytes that are no UTF-8 before the end are wrong as written, whatever comes (inbox audit: a bad byte in a
        // field name read as a name cut short, and the file was held 30 s before its request_not_utf8)
        if (!RequestReader.isUtf8(content)) {
            return false;
        }
        try (JsonParser parser = RequestReader.STRICT_JSON.createParser(content)) {
            if (parser.nextToken() == null) {
                return true;
            }
            while (parser.nextToken() != null) {
                // to the end: only where the text stops matters
            }
            return false;
        } catch (JsonEOFException e) {
            return true;
        } catch (JsonProcessingException e) {
            // Jackson reports some ends (between an object's entries) as a plain parse error, with the same words, and
            // a literal or a number cut short as a wrong token found where the text stops (inbox audit: a writer
            // pausing after "nu" or "-1." had its request rejected as not JSON)
            return String.valueOf(e.getOriginalMessage()).startsWith("Unexpected end-of-input")
                    || endsInsideAValue(content);
        } catch (IOException e) {
            return false;
        }
    }

    /** Whether the text stops inside a literal ({@code t}, {@code fal}, {@code nu}) or a number ({@code -1.}). */
    static boolean endsInsideAValue(byte[] content) {
        int start = content.length;
        while (start > 0 && isValueByte(content[start - 1])) {
            start--;
        }
        String tail = new String(content, start, content.length - start, StandardCharsets.US_ASCII);
        return !tail.isEmpty()
                && (LITERALS.stream().anyMatch(literal -> literal.startsWith(tail) && !literal.equals(tail))
                        || NUMBER_CUT_SHORT.matcher(tail).matches());
    }

    private static boolean isValueByte(byte b) {
        return (b >= 'a' && b <= 'z') || (b >= '0' && b <= '9') || b == '.' || b == '+' || b == '-' || b == 'E';
    }

    private static boolean hasNul(byte[] content) {
        for (byte b : content) {
            if (b == 0) {
                return true;
            }
        }
        return false;
    }

    /** Whether the last bytes begin a UTF-8 sequence that the content ends before. */
    static boolean endsInsideACharacter(byte[] content) {
        int lead = content.length - 1;
        int continuations = 0;
        while (lead >= 0 && continuations < 3 && (content[lead] & 0xC0) == 0x80) {
            continuations++;
            lead--;
        }
        if (lead < 0) {
            return false;
        }
        int first = content[lead] & 0xFF;
        int needed = first >= 0xF0 ? 3 : first >= 0xE0 ? 2 : first >= 0xC0 ? 1 : 0;
        return needed > continuations;
    }
}
