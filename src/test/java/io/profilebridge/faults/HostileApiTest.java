package io.profilebridge.faults;

import static io.profilebridge.BridgeRun.drop;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.profilebridge.BridgeRun;
import io.profilebridge.api.Api;
import io.profilebridge.job.Job;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An API server that answers in ways no API document describes, written byte by byte. */
class HostileApiTest {

    @TempDir
    Path root;

    @Test
    void aMalformedAnswerQuotingTheKeyLeavesItOutOfTheJobAndItsResult() throws Exception {
        // HTTP-edges audit: a server that echoed the key in a malformed header line had HttpClient quote that line, and
        // /jobs' lastError (and the job store) held the key unmasked
        String answer = "HTTP/1.1 202 Accepted\r\nEcho " + BridgeRun.OPENPROSPECT_KEY + "\r\nContent-Length: 0\r\n\r\n";
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread serving = new Thread(() -> answerEach(server, answer), "hostile-api");
            serving.setDaemon(true);
            serving.start();
            Map<String, String> properties =
                    BridgeRun.testProperties(root, "http://127.0.0.1:" + server.getLocalPort());
            try (BridgeRun bridge = BridgeRun.start(root, properties)) {
                drop(
                        root,
                        "openprospect/echo.json",
                        "{\"profile_name\": \"Echo\", \"ideal_customer_profile\": \"B2B\","
                                + " \"target_countries\": [\"DE\"]}");
                await().atMost(Duration.ofSeconds(20))
                        .until(() -> lastErrors(bridge).stream().anyMatch(error -> error.contains("transport_error")));
                assertThat(lastErrors(bridge))
                        .allSatisfy(error -> assertThat(error)
                                .doesNotContain(BridgeRun.OPENPROSPECT_KEY)
                                .contains("[API key]"));
            }
        }
    }

    private static List<String> lastErrors(BridgeRun bridge) {
        return bridge.store().list(Api.OPENPROSPECT, null, 0, 10).stream()
                .map(Job::lastError)
                .filter(error -> error != null)
                .toList();
    }

    /** Reads each request's head and writes {@code answer}, until the server is closed. */
    private static void answerEach(ServerSocket server, String answer) {
        while (!server.isClosed()) {
            try (Socket socket = server.accept()) {
                InputStream in = socket.getInputStream();
                String head = "";
                while (!head.endsWith("\r\n\r\n")) {
                    int next = in.read();
                    if (next < 0) {
                        break;
                    }
                    head += (char) next;
                }
                OutputStream out = socket.getOutputStream();
                out.write(answer.getBytes(StandardCharsets.US_ASCII));
                out.flush();
            } catch (IOException closed) {
                // the test is over, or the client gave up on this connection
            }
        }
    }
}
