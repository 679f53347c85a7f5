package io.profilebridge.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.socket.ConnectionSocketFactory;
import org.apache.hc.client5.http.socket.PlainConnectionSocketFactory;
import org.apache.hc.core5.http.config.RegistryBuilder;
import org.apache.hc.core5.http.io.SocketConfig;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.junit.jupiter.api.Test;

/**
 * Idle-connections audit: a firewall that drops idle connections without a word left them in the pool, where
 * HttpClient's check before reuse cannot see it, and a start after an idle spell waited its whole deadline once per
 * such connection (185 s through five). Pooled connections idle for {@code bridge.http.idle-close-ms} are closed.
 */
class IdleConnectionsTest {

    @Test
    void aPooledConnectionIdleForTheIdleCloseTimeIsClosed() throws Exception {
        HttpServer api = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        api.createContext("/", exchange -> {
            exchange.sendResponseHeaders(200, 2);
            exchange.getResponseBody().write("{}".getBytes());
            exchange.close();
        });
        api.start();
        PoolingHttpClientConnectionManager pool = (PoolingHttpClientConnectionManager) new BoundedHeadHttpComponent(300)
                .createConnectionManager(
                        RegistryBuilder.<ConnectionSocketFactory>create()
                                .register("http", PlainConnectionSocketFactory.getSocketFactory())
                                .build(),
                        0,
                        0,
                        SocketConfig.DEFAULT);
        try (CloseableHttpClient client =
                HttpClients.custom().setConnectionManager(pool).build()) {
            client.execute(
                    new HttpGet("http://127.0.0.1:" + api.getAddress().getPort() + "/"),
                    answer -> EntityUtils.toString(answer.getEntity()));
            assertThat(pool.getTotalStats().getAvailable())
                    .as("kept for the next call")
                    .isEqualTo(1);
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> pool.getTotalStats().getAvailable() == 0);
        } finally {
            api.stop(0);
        }
    }
}
