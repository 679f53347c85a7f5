package io.profilebridge;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostNameTest {

    @TempDir
    Path folder;

    private static final HostName.Lookup UNRESOLVED = () -> {
        throw new UnknownHostException("pod-7: Name or service not known");
    };

    @Test
    void aNameDnsGivesIsTaken() {
        assertThat(HostName.of(() -> "node-1.example", folder.resolve("none"), Map.of("HOSTNAME", "env")))
                .isEqualTo("node-1.example");
    }

    @Test
    void aNameDnsCannotResolveIsTheKernelsNotOneEveryMachineShares() throws Exception {
        // deploy audit: replicas whose host name did not resolve were all "localhost", one instance to the store
        Path kernel = Files.writeString(folder.resolve("hostname"), "pod-7\n");
        assertThat(HostName.of(UNRESOLVED, kernel, Map.of())).isEqualTo("pod-7");
        assertThat(HostName.of(UNRESOLVED, folder.resolve("none"), Map.of("HOSTNAME", "pod-8")))
                .isEqualTo("pod-8");
        assertThat(HostName.of(UNRESOLVED, folder.resolve("none"), Map.of())).isEqualTo("localhost");
    }
}
