package io.profilebridge;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Contract audit: a management port another process took after the start-up check passed for bound, because Vert.x
 * reports the port asked for as its actual port whether or not the bind succeeded.
 */
class ManagementAddressTest {

    @Test
    void aServerWhoseBindFailedIsNotListeningThoughItNamesItsPort() throws Exception {
        Vertx vertx = Vertx.vertx();
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            HttpServer server = vertx.createHttpServer()
                    .requestHandler(request -> request.response().end());
            Throwable failure = server.listen(taken.getLocalPort(), "127.0.0.1")
                    .toCompletionStage()
                    .toCompletableFuture()
                    .handle((bound, error) -> error)
                    .get(10, TimeUnit.SECONDS);
            assertThat(failure).as("the port is taken").isNotNull();
            assertThat(server.actualPort()).as("what Vert.x reports anyway").isEqualTo(taken.getLocalPort());
            assertThat(ManagementAddress.listening(server)).isFalse();

            HttpServer free = vertx.createHttpServer()
                    .requestHandler(request -> request.response().end());
            free.listen(0, "127.0.0.1")
                    .toCompletionStage()
                    .toCompletableFuture()
                    .get(10, TimeUnit.SECONDS);
            assertThat(ManagementAddress.listening(free)).isTrue();
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }
}
