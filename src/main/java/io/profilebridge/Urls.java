package io.profilebridge;

import java.util.regex.Pattern;

/** URLs as the log, the banner, the health checks and start-up refusals show them. */
public final class Urls {

    /** A user (and password) before a host, in every URL of a text: an Artemis URL may list several. */
    private static final Pattern USER_INFO = Pattern.compile("([a-zA-Z][a-zA-Z0-9+.-]*:/{1,3})[^/@\\r\\n\"']{1,128}@");

    private Urls() {}

    /**
     * A URL without what may carry a secret: a user or password before its host becomes {@code ****}, and the text
     * ends before its parameters ({@code ?} or {@code ;}).
     */
    public static String shown(String url) {
        String withoutUser = USER_INFO.matcher(url).replaceAll("$1****@");
        int end = withoutUser.length();
        for (char separator : new char[] {'?', ';'}) {
            int at = withoutUser.indexOf(separator);
            if (at >= 0) {
                end = Math.min(end, at);
            }
        }
        return withoutUser.substring(0, end);
    }
}
