package io.profilebridge.jms;

import io.profilebridge.LoopbackHost;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The brokers an Artemis core URL names: {@code scheme://[user@]host[:port]} at its start or in a list's parentheses
 * ({@code (tcp://a:61616,tcp://b:61616)?ha=true}), not in a parameter's value ({@code trustStorePath=file:///...}).
 * Read by the start-up checks and to tell whether two instances name one broker.
 */
public final class BrokerAddresses {

    /** Group 1 the scheme, group 2 the host (an IPv6 one bracketed), group 3 the port, if one is given. */
    private static final Pattern ADDRESS = Pattern.compile("(?:^|(?<=[(,]))\\s*([a-zA-Z][a-zA-Z0-9+.-]*)://"
            + "(?:[^@/?,()\\s]*@)?(\\[[^\\]]*]|[^:/?,()\\s]*)(?::([^/?,()\\s]*))?");

    /** An IPv4 literal, or a bracketed IPv6 one. */

    /** The port Artemis's core client takes where a URL names none. */
    private static final String DEFAULT_PORT = "61616";

    /** One broker address. */
    public record Address(String scheme, String host, String port) {}

    private BrokerAddresses() {}

    /** The addresses the URL names, in its order. */
    public static List<Address> of(String url) {
        List<Address> addresses = new ArrayList<>();
        Matcher address = ADDRESS.matcher(url);
        while (address.find()) {
            addresses.add(new Address(address.group(1), address.group(2), address.group(3)));
        }
        return addresses;
    }

    /**
     * Whether something stands before the URL's list: {@code failover:(tcp://...)} is ActiveMQ Classic's, which Artemis
     * does not read ("Schema failover not found").
     */
    public static boolean hasPrefixBeforeList(String url) {
        int list = url.indexOf('(');
        String before = list > 0 ? url.substring(0, list) : "";
        // a parenthesis in a parameter's value (trustStorePassword=ENC(...)) comes after an address or a '?'
        return !before.isBlank() && !before.contains("://") && !before.contains("?");
    }

    /**
     * The URL's brokers as one text, whatever its parameters, user, order or case: the scheme, host and port of each
     * (Artemis's 61616 where none is written), sorted. A loopback host ({@code localhost}, {@code 127.0.0.1}, {@code
     * [::1]}, {@code 0.0.0.0}) stands for this machine's broker, named by the machine (asked only then): one broker on
     * one machine however written, another machine's {@code localhost} another broker. Other names of one broker still
     * differ.
     */
    public static String identity(String url, Supplier<String> machine) {
        return of(url).stream()
                .map(a -> (a.scheme() + "://"
                                + (LoopbackHost.isOrAnyLocal(a.host()) ? "loopback@" + machine.get() : a.host()) + ":"
                                + (a.port() == null ? DEFAULT_PORT : a.port()))
                        .toLowerCase(Locale.ROOT))
                .sorted()
                .distinct()
                .collect(Collectors.joining(","));
    }
}
