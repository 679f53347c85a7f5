package io.profilebridge.jms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.profilebridge.CapturedLog;
import io.profilebridge.ResultTally;
import jakarta.jms.TextMessage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.camel.CamelContext;
import org.apache.camel.component.jms.JmsConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jms.listener.AbstractMessageListenerContainer;

/**
 * Stop/start audit: a request received while the requests route stopped was rolled back (Spring's "Rejecting received
 * message" warning), and each rollback counted as a delivery, so a few stops in a row could send a good request to the
 * DLQ. The route takes such a message in ({@code acceptMessagesWhileStopping}). The window is what is left of the
 * listeners' receive when the stop begins (Spring's receive timeout, 1 s): a request sent as the stop begins lands in it
 * almost always, so without the option this test fails almost every run, and with it never.
 */
class JmsRouteStopTest {

    @TempDir
    Path root;

    @Test
    void aRequestReceivedAsTheRequestsRouteStopsIsTakenInNotRolledBack() throws Exception {
        try (CapturedLog log = CapturedLog.start();
                JmsBridgeRun jms = JmsBridgeRun.start(root, Map.of());
                ResultTally tally = jms.tally()) {
            CamelContext context = jms.bridge.context();
            AbstractMessageListenerContainer listeners =
                    ((JmsConsumer) context.getRoute("jms-requests").getConsumer()).getListenerContainer();
            CompletableFuture<Void> stop = CompletableFuture.runAsync(() -> {
                try {
                    context.getRouteController().stopRoute("jms-requests");
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            await().pollInterval(Duration.ofMillis(1))
                    .atMost(Duration.ofSeconds(20))
                    .until(() -> !listeners.isRunning());
            TextMessage sent = jms.send("{\"email\": \"jane.doe@example.com\"}", Map.of("api", "orbit"), null, null);
            stop.get(30, TimeUnit.SECONDS);
            context.getRouteController().startRoute("jms-requests");

            tally.assertExactlyOneEach(List.of(sent.getJMSMessageID()), Duration.ofSeconds(30), Duration.ofMillis(500));
            assertThat(log.lines()).noneMatch(line -> line.contains("Rejecting received message"));
        }
    }
}
