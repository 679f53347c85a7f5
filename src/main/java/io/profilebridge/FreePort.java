package io.profilebridge;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * Checks that the bridge can listen on an address before the server that needs it starts: a port another process
 * holds stops the start-up with a line naming the address and the key that sets it, instead of a library's stack
 * trace or, worse, a server that logs the error and runs on without its port.
 */
public final class FreePort {

    private FreePort() {}

    /** Throws a {@link StartupFailure} naming {@code what}, the address and {@code key} when it cannot be bound. */
    public static void require(String what, String host, int port, String key) {
        require(what, host, port, key, key);
    }

    /** The same, naming {@code hostKey} when the host is no address (configuration audit: it named the port's key). */
    public static void require(String what, String host, int port, String key, String hostKey) {
        // resolved once: the bind below takes the same address
        InetSocketAddress address = new InetSocketAddress(host, port);
        if (address.isUnresolved()) {
            throw new StartupFailure(cannotListen(what, Urls.hostPort(host, port), "no such host", hostKey));
        }
        if (port == 0) {
            return; // any free port: nothing can clash
        }
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true); // as the servers themselves bind: a closed connection's TIME_WAIT is no clash
            socket.bind(address);
        } catch (IOException e) {
            // an address that is no one of this machine's (re-check audit: named the port's key)
            boolean notHere = e instanceof BindException
                    && String.valueOf(e.getMessage()).contains("Cannot assign requested address");
            throw new StartupFailure(
                    cannotListen(what, Urls.hostPort(host, port), e.getMessage(), notHere ? hostKey : key), e);
        }
    }

    /** The line for an address that could not be bound, e.g. because another process listens there. */
    public static String cannotListen(String what, String address, String reason, String key) {
        return "the " + what + " cannot listen on " + address + " (" + reason + "); set another with " + key + " ("
                + UnknownSettings.variable(key) + ")";
    }
}
