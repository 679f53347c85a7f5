package io.profilebridge;

/** How an exception is named where an operator reads it: a log line, a job's last error. */
public final class ErrorText {

    /** Bound as {@code errorText} for the YAML routes' log lines: {@code ${bean:errorText?method=withRootCause(${exception})}}. */
    public ErrorText() {}

    /**
     * Its message, and its root cause's where that says more: "Cannot store file: ..." says nothing of the full disk
     * behind it, "Uncategorized exception occurred during JMS processing" nothing of the broker (both audits).
     */
    public static String withRootCause(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = String.valueOf(error.getMessage());
        String rootMessage = root.getMessage();
        if (root == error || rootMessage == null || message.contains(rootMessage)) {
            return message;
        }
        return message + " (" + root.getClass().getSimpleName() + ": " + rootMessage + ")";
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
