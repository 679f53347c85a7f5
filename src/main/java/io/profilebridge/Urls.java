package io.profilebridge;

/** URLs as the log, the banner and the health checks show them. */
public final class Urls {

    private Urls() {}

    /** A URL up to its parameters, which may carry a user or password. */
    public static String withoutParameters(String url) {
        int end = url.length();
        for (char separator : new char[] {'?', ';'}) {
            int at = url.indexOf(separator);
            if (at >= 0) {
                end = Math.min(end, at);
            }
        }
        return url.substring(0, end);
    }
}
