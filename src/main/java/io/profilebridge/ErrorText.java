package io.profilebridge;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/** How an exception is named where an operator reads it: a log line, a job's last error. */
public final class ErrorText {

    /** Bound as {@code errorText} for the YAML routes' log lines: {@code ${bean:errorText?method=withRootCause(${exception})}}. */
    public ErrorText() {}

    /**
     * Its message, and its root cause's where that says more: "Cannot store file: ..." says nothing of the full disk
     * behind it, "Uncategorized exception occurred during JMS processing" nothing of the broker (both audits).
     */
    public static String withRootCause(Throwable error) {
        Throwable root = rootCause(error);
        // an exception without a message is named by its class (Camel-tools audit: a stopped delivery route's
        // DirectConsumerNotAvailableException read "null" in the log and at /jobs)
        String message = error.getMessage() != null
                ? error.getMessage()
                : error.getClass().getSimpleName();
        String rootMessage = root.getMessage();
        if (root == error || rootMessage == null || message.contains(rootMessage)) {
            return message;
        }
        return message + " (" + root.getClass().getSimpleName() + ": " + rootMessage + ")";
    }

    /** The innermost cause of {@code error}, or the error itself when it has none. */
    public static Throwable rootCause(Throwable error) {
        List<Throwable> chain = causes(error);
        return chain.get(chain.size() - 1);
    }

    /**
     * {@code error} and its causes, outermost first, each once: {@code initCause} allows a cycle (A caused by B caused
     * by A), on which a plain walk spins for ever (static-analysis audit).
     */
    public static List<Throwable> causes(Throwable error) {
        List<Throwable> chain = new ArrayList<>();
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Throwable cause = error; cause != null && seen.add(cause); cause = cause.getCause()) {
            chain.add(cause);
        }
        return chain;
    }

    /**
     * An outside value printed as part of one line, as the log layout prints it: CR and LF written as {@code \\r} and
     * {@code \\n}, any other control character, line or paragraph separator, bidirectional mark and unpaired surrogate
     * as U+FFFD, so no
     * value can end a line and forge the next one (hostile-content audit: a key holding a newline and "ERROR ..." did
     * so in {@code check}'s output).
     */
    public static String oneLine(String text) {
        StringBuilder line = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\r') {
                line.append("\\r");
            } else if (c == '\n') {
                line.append("\\n");
            } else if (Character.isHighSurrogate(c)
                    && i + 1 < text.length()
                    && Character.isLowSurrogate(text.charAt(i + 1))) {
                line.append(c).append(text.charAt(++i));
            } else if (Character.isSurrogate(c) || isControl(c) || isBidiControl(c)) {
                line.append('\uFFFD');
            } else {
                line.append(c);
            }
        }
        return line.toString();
    }

    /**
     * A quoted value with its invisible characters written as {@code \\uXXXX}: a space other than U+0020 (a
     * non-breaking one) and a format character (a zero-width space, a byte-order mark). A refusal quoting {@code
     * "orbit\u00A0"} read as {@code "orbit "}, which the bridge says it trims (winedit audit).
     */
    public static String visible(String text) {
        StringBuilder shown = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if ((Character.isSpaceChar(c) && c != ' ') || Character.getType(c) == Character.FORMAT) {
                shown.append(String.format("\\u%04X", (int) c));
            } else {
                shown.append(c);
            }
        }
        return shown.toString();
    }

    /**
     * A mark or embedding that turns the text after it around on screen (Unicode's bidirectional controls: U+061C,
     * U+200E/F, U+202A-U+202E, U+2066-U+2069), as the log layout's {@code control} property lists them: {@code check}
     * printed "n09-rtl-\u202Egnp.json" as "...nosj.png" (encodings audit; U+061C came through, log-injection audit).
     */
    private static boolean isBidiControl(char c) {
        return c == '\u061C'
                || c == '\u200E'
                || c == '\u200F'
                || (c >= '\u202A' && c <= '\u202E')
                || (c >= '\u2066' && c <= '\u2069');
    }

    /** A control character, or a line or paragraph separator: what may end a line or hide what follows it. */
    public static boolean isControl(int codePoint) {
        int type = Character.getType(codePoint);
        return Character.isISOControl(codePoint)
                || type == Character.LINE_SEPARATOR
                || type == Character.PARAGRAPH_SEPARATOR;
    }

    /**
     * An outside value in a line or a cause: at most {@code max} characters of it, then "..." (a surrogate pair is
     * never cut in two).
     */
    public static String shortened(String text, int max) {
        if (text.length() <= max) {
            return text;
        }
        int end = Character.isHighSurrogate(text.charAt(max - 1)) ? max - 1 : max;
        return text.substring(0, end) + "...";
    }
}
