package io.profilebridge;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * This machine's name, as other instances on a shared store see it in an instance id and a loopback broker's address:
 * as DNS gives it (what ids were made of before), else as the kernel has it, else the environment's {@code HOSTNAME};
 * never a name every such machine would share (deploy audit: replicas whose host name did not resolve all became
 * "localhost", one instance to the store).
 */
public final class HostName {

    private static final Path KERNEL = Path.of("/proc/sys/kernel/hostname");

    private HostName() {}

    public static String ofThisMachine() {
        return of(HostName::fromDns, KERNEL, System.getenv());
    }

    /** A DNS lookup that may fail. */
    interface Lookup {
        String name() throws UnknownHostException;
    }

    static String of(Lookup dns, Path kernel, Map<String, String> environment) {
        try {
            return dns.name();
        } catch (UnknownHostException e) {
            return fromKernel(kernel)
                    .or(() -> Optional.ofNullable(environment.get("HOSTNAME")).filter(name -> !name.isBlank()))
                    .orElse("localhost");
        }
    }

    private static String fromDns() throws UnknownHostException {
        return InetAddress.getLocalHost().getHostName();
    }

    private static Optional<String> fromKernel(Path kernel) {
        try {
            return Optional.of(Files.readString(kernel).strip()).filter(name -> !name.isEmpty());
        } catch (IOException e) {
            return Optional.empty(); // not Linux
        }
    }
}
