package io.profilebridge;

import java.util.regex.Pattern;

/** URLs as the log, the banner, the health checks and start-up refusals show them. */
public final class Urls {

    /**
     * A user (and password) before a host, in every URL of a text: an Artemis URL may list several. A password here may
     * hold a space, and a slash may be missing after the scheme (secrets audit: "http://ou:Pw 93@h" and "http:/u:pw@h"
     * were shown as given; up to the last {@code @} before the host, so a password holding one goes too: review), so
     * this is for a configured value or a refused start's one line, never for any log line:
     * "http://host answered 400 for jane@example.com" would lose its host (the logs' own mask stops at a space).
     */
    private static final Pattern USER_INFO =
            Pattern.compile("(?<![a-zA-Z0-9+.-])([a-zA-Z][a-zA-Z0-9+.-]{0,31}:/{1,3})[^/\\r\\n\"']{1,128}@");

    private Urls() {}

    /**
     * A URL without what may carry a secret: a user or password before its host becomes {@code ****}, and the text
     * ends before its parameters ({@code ?} or {@code ;}) or its fragment ({@code #}: re-check audit, an API root's
     * {@code #k=...} was shown whole).
     */
    public static String shown(String url) {
        String withoutUser = withoutUserInfo(url);
        int end = withoutUser.length();
        for (char separator : new char[] {'?', ';', '#'}) {
            int at = withoutUser.indexOf(separator);
            if (at >= 0) {
                end = Math.min(end, at);
            }
        }
        return withoutUser.substring(0, end);
    }

    /**
     * {@code host:port} as a URL writes it: an IPv6 address in brackets (ipv6 audit: the banner's {@code http://::1:9876/}
     * could not be opened, nor the broker's {@code tcp://0:0:0:0:0:0:0:1:61616} pasted into a client).
     */
    public static String hostPort(String host, int port) {
        boolean bare = host.indexOf(':') >= 0 && !host.startsWith("[");
        return (bare ? "[" + host + "]" : host) + ":" + port;
    }

    /** The text with a user (and password) before the host of each URL in it as {@code ****}. */
    public static String withoutUserInfo(String text) {
        return USER_INFO.matcher(text).replaceAll("$1****@");
    }
}
