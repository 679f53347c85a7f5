package io.profilebridge;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Whether a host, as a URL or a Host header writes it, is this machine's own, read without asking DNS: a name by its
 * words ({@code localhost}, {@code *.localhost}), an address literal by its value. A name is never looked up: what it
 * resolves to is what a DNS-rebinding page controls.
 */
public final class LoopbackHost {

    /** An IPv4 literal, or an IPv6 one (a colon in it), in brackets or not. */
    private static final Pattern IP_LITERAL = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}|\\[?[0-9a-f.]*:[0-9a-f:.]*]?");

    private LoopbackHost() {}

    /** localhost, 127.0.0.0/8 or ::1. */
    public static boolean is(String host) {
        return named(host) || literal(host).map(InetAddress::isLoopbackAddress).orElse(false);
    }

    /** As {@link #is}, or the any-local address ({@code 0.0.0.0}, {@code [::]}), which reaches this machine too. */
    public static boolean isOrAnyLocal(String host) {
        return named(host)
                || literal(host)
                        .map(address -> address.isLoopbackAddress() || address.isAnyLocalAddress())
                        .orElse(false);
    }

    private static boolean named(String host) {
        String name = host.toLowerCase(Locale.ROOT);
        return name.equals("localhost") || name.endsWith(".localhost");
    }

    private static Optional<InetAddress> literal(String host) {
        String name = host.toLowerCase(Locale.ROOT);
        if (!IP_LITERAL.matcher(name).matches()) {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByName(name)); // a literal: parsed, never looked up
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }
}
