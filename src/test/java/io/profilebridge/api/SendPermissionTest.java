package io.profilebridge.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.http.HttpComponent;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.apache.hc.core5.http.io.HttpClientResponseHandler;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SendPermissionTest {

    static final HttpClientResponseHandler<Integer> STATUS = answer -> answer.getCode();
    static final HttpClientResponseHandler<String> BODY = answer -> EntityUtils.toString(answer.getEntity());

    /** Connections the server accepted, and requests it read. */
    final AtomicInteger accepted = new AtomicInteger();

    final AtomicInteger requests = new AtomicInteger();
    ServerSocket server;
    CloseableHttpClient client;

    @BeforeEach
    void start() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread serving = new Thread(this::serve, "send-permission-test-server");
        serving.setDaemon(true);
        serving.start();
        HttpClientBuilder builder = HttpClientBuilder.create().disableAutomaticRetries();
        new SendPermission().configureHttpClient(builder);
        client = builder.build();
    }

    @AfterEach
    void stop() throws IOException {
        SendPermission.ask(null);
        client.close();
        server.close();
    }

    @Test
    void aCallRefusedAtTheLastMomentIsWithdrawnAndNothingIsWritten() {
        AtomicInteger asked = new AtomicInteger();
        SendPermission.ask(() -> {
            asked.incrementAndGet();
            // asked once the connection is made: the cold path before it is behind the question, not after it
            await().atMost(Duration.ofSeconds(5)).until(() -> accepted.get() == 1);
            return false;
        });
        assertThatThrownBy(() -> client.execute(get(), STATUS)).isInstanceOf(ApiCallRoutes.CallWithdrawn.class);
        assertThat(asked).hasValue(1);
        assertThat(requests).as("no request was written").hasValue(0);
    }

    @Test
    void aCallAllowedGoesOutAskedOnce() throws IOException {
        AtomicInteger asked = new AtomicInteger();
        SendPermission.ask(() -> asked.incrementAndGet() > 0);
        assertThat(client.execute(get(), BODY)).isEqualTo("ok");
        assertThat(asked).hasValue(1);
        assertThat(requests).hasValue(1);
    }

    @Test
    void aThreadWithNoQuestionCallsUnasked() throws IOException {
        SendPermission.ask(() -> false);
        SendPermission.ask(null);
        assertThat(client.execute(get(), STATUS)).isEqualTo(200);
        assertThat(requests).hasValue(1);
    }

    @Test
    void camelHttpHandsTheWithdrawalToTheRouteAsItIs() throws Exception {
        // ApiAnswer.isWithdrawn reads the caught exception itself: camel-http must not wrap it
        try (CamelContext camel = new DefaultCamelContext()) {
            camel.getComponent("http", HttpComponent.class).setHttpClientConfigurer(new SendPermission());
            camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("direct:call")
                            .process(exchange -> SendPermission.ask(() -> false))
                            .doTry()
                            .to("http://127.0.0.1:" + server.getLocalPort() + "/status?throwExceptionOnFailure=false")
                            .doCatch(IOException.class)
                            .doFinally()
                            .process(exchange -> SendPermission.ask(null))
                            .end();
                }
            });
            camel.start();
            Exchange done = camel.createProducerTemplate().send("direct:call", exchange -> {});
            assertThat(ApiAnswer.from(done).isWithdrawn()).isTrue();
        }
        assertThat(requests).hasValue(0);
    }

    private HttpGet get() {
        return new HttpGet("http://127.0.0.1:" + server.getLocalPort() + "/status");
    }

    private void serve() {
        while (!server.isClosed()) {
            try (Socket socket = server.accept()) {
                accepted.incrementAndGet();
                if (readHead(socket.getInputStream())) {
                    requests.incrementAndGet();
                    socket.getOutputStream()
                            .write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"
                                    .getBytes(StandardCharsets.US_ASCII));
                }
            } catch (IOException closed) {
                // the test ended, or the client closed a connection it wrote nothing on
            }
        }
    }

    /** True when a whole request head arrived before the connection closed. */
    private static boolean readHead(InputStream in) throws IOException {
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        for (int b = in.read(); b >= 0; b = in.read()) {
            matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
            if (matched == end.length) {
                return true;
            }
        }
        return false;
    }
}
