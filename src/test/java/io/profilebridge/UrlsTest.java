package io.profilebridge;

import static org.assertj.core.api.Assertions.assertThat;

import io.profilebridge.jms.BrokerReachability;
import org.junit.jupiter.api.Test;

class UrlsTest {

    /** IPv6 audit: the banner printed http://::1:9876/ and the broker tcp://0:0:0:0:0:0:0:1:61616, neither usable. */
    @Test
    void anIpv6AddressIsBracketedBeforeItsPort() {
        assertThat(Urls.hostPort("::1", 9876)).isEqualTo("[::1]:9876");
        assertThat(Urls.hostPort("0:0:0:0:0:0:0:1", 61616)).isEqualTo("[0:0:0:0:0:0:0:1]:61616");
        assertThat(Urls.hostPort("[::1]", 9876)).isEqualTo("[::1]:9876");
        assertThat(Urls.hostPort("127.0.0.1", 9876)).isEqualTo("127.0.0.1:9876");
        assertThat(Urls.hostPort("localhost", 9876)).isEqualTo("localhost:9876");
    }

    @Test
    void aUrlIsShownWithoutItsUserPasswordOrParameters() {
        assertThat(Urls.shown("tcp://bridge:BrkSecretXYZ@127.0.0.1:61616?user=u&password=p"))
                .isEqualTo("tcp://****@127.0.0.1:61616");
        assertThat(Urls.shown("jdbc:postgresql://db:5432/bridge;password=p"))
                .isEqualTo("jdbc:postgresql://db:5432/bridge");
        assertThat(Urls.shown("(tcp://a:pw1@one:61616,tcp://b:pw2@two:61616)?ha=true"))
                .as("every URL of an Artemis list")
                .isEqualTo("(tcp://****@one:61616,tcp://****@two:61616)");
        assertThat(Urls.shown("https://api.example.com/v2/x@y")).isEqualTo("https://api.example.com/v2/x@y");
        // secrets audit: a password with a space, a URL missing a slash
        assertThat(Urls.shown("http://uu:Sec Pw A6@h")).isEqualTo("http://****@h");
        assertThat(Urls.shown("http:/uu:SecPwA4@h")).isEqualTo("http:/****@h");
        assertThat(Urls.shown("http://u:p@ss@h/x")).as("an @ in the password").isEqualTo("http://****@h/x");
    }

    @Test
    void theBrokerAHealthCheckNamesIsShownSo() {
        // operations audit: /observe/health said "JMS broker bridge:BrkSecretXYZ@127.0.0.1:27998 unreachable"
        assertThat(new BrokerReachability("tcp://bridge:BrkSecretXYZ@127.0.0.1:27998").address())
                .isEqualTo("****@127.0.0.1:27998");
    }

    /** Secrets audit: a refused start quoted a password with a space, which the logs' own mask stops at. */
    @Test
    void aRefusedStartsLineMasksAUserBeforeAHostWhateverThePasswordHolds() {
        assertThat(StartupFailure.describe(new IllegalArgumentException(
                        "Invalid endpoint, must be a URL: http://ou:OtEp SpacePw93@h/v1/traces")))
                .isEqualTo("IllegalArgumentException: Invalid endpoint, must be a URL: http://****@h/v1/traces");
        assertThat(StartupFailure.describe(new StartupFailure("not \"http:/uu:OneSlashPw4@h\"")))
                .isEqualTo("not \"http:/****@h\"");
    }
}
