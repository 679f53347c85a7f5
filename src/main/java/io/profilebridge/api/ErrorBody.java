package io.profilebridge.api;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.profilebridge.ErrorText;
import io.profilebridge.Json;
import java.io.IOException;
import java.util.regex.Pattern;

/**
 * What an API's error answer may put into a job, a result and the status page: its code whole, its text bounded.
 * An error answer is read only as far as {@link #MAX_READ_BYTES} (its code and message come first); the first
 * {@link #MAX_TEXT_CHARS} characters of a message or other text member are kept, marked as cut.
 */
public final class ErrorBody {

    /** How much of an error answer is read; the rest is not read at all (ApiCallLimits). */
    public static final int MAX_READ_BYTES = 64 * 1024;
    /** The longest message (or other text member of an error) kept. */
    public static final int MAX_TEXT_CHARS = 4096;
    /** The member a cut answer gets, saying so. */
    static final String CUT = "cut";
    /** What {@link #bounded(String)} puts after the first {@link #MAX_TEXT_CHARS} characters. */
    private static final Pattern CUT_NOTE = Pattern.compile("\\.\\.\\. \\[cut: \\d+ characters in all]");

    private ErrorBody() {}

    /**
     * {@code text} if short enough, else its start and a note saying how long it was. A text this cut already is kept
     * as it is, so an error read back from the store (and bounded again) still names its first length.
     */
    public static String bounded(String text) {
        if (text == null || text.length() <= MAX_TEXT_CHARS || alreadyCut(text)) {
            return text;
        }
        return ErrorText.shortened(text, MAX_TEXT_CHARS) + " [cut: " + text.length() + " characters in all]";
    }

    /**
     * The note ends the text, after the first {@link #MAX_TEXT_CHARS} characters or one fewer (a surrogate pair is not
     * cut in two: review, a text cut so was cut again and named the wrong length).
     */
    private static boolean alreadyCut(String text) {
        for (int start = MAX_TEXT_CHARS - 1; start <= MAX_TEXT_CHARS; start++) {
            if (CUT_NOTE.matcher(text).region(start, text.length()).matches()) {
                return true;
            }
        }
        return false;
    }

    /**
     * The members an answer cut short after {@code readBytes} still shows: every complete scalar member of the top
     * level and of its {@code error} object, and the text member it was cut inside as far as it goes; plus
     * {@value #CUT}, saying it was cut. Null when the cut text is no JSON object at all.
     */
    static ObjectNode salvage(String cutText, long readBytes) {
        ObjectNode top = Json.object();
        // the parser's offsets count from after a byte-order mark (review: a cut message began with a stray quote)
        String text = Json.withoutByteOrderMark(cutText);
        try (JsonParser parser = Json.answerParser(text)) {
            if (!startsAnObject(parser)) {
                return null;
            }
            readMembers(parser, top, text, true);
        } catch (IOException endOfTheCut) {
            // the answer ends here; what was read so far stands
        }
        ObjectNode error = top.get("error") instanceof ObjectNode inner ? inner : top;
        error.put(CUT, "the answer was longer than " + readBytes + " bytes; only its start was read");
        return top;
    }

    private static boolean startsAnObject(JsonParser parser) {
        try {
            return parser.nextToken() == JsonToken.START_OBJECT;
        } catch (IOException notJson) {
            return false;
        }
    }

    private static void readMembers(JsonParser parser, ObjectNode into, String cutText, boolean topLevel)
            throws IOException {
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            JsonToken value = parser.nextToken();
            if (value == JsonToken.START_OBJECT && topLevel && name.equals("error")) {
                readMembers(parser, into.putObject("error"), cutText, false);
            } else if (value == JsonToken.VALUE_STRING) {
                // a string's text is read when asked for: a string the cut went through fails here
                int start = (int) parser.currentTokenLocation().getCharOffset() + 1;
                try {
                    into.put(name, parser.getText());
                } catch (IOException cutInside) {
                    into.put(name, cutText.substring(Math.min(start, cutText.length())));
                    throw cutInside;
                }
            } else if (value != null && value.isScalarValue()) {
                into.set(name, parser.readValueAsTree());
            } else {
                parser.skipChildren();
            }
        }
    }
}
