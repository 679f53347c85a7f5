package io.profilebridge.jms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.profilebridge.LogCapture;
import io.profilebridge.job.JobStoreException;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.builder.AdviceWith;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A request whose intake fails on every delivery attempt is not dropped: it waits in the dead-letter queue, which
 * the status page counts. Before the fix no DLQ queue existed (auto-creation off), so Artemis dropped it.
 */
class DeadLetterTest {

    @TempDir
    Path root;

    JmsBridgeRun jms;

    @AfterEach
    void stop() throws JMSException {
        jms.close();
    }

    @Test
    void aPoisonMessageEndsInTheDeadLetterQueueShownOnTheStatusPage() throws Exception {
        jms = JmsBridgeRun.start(
                root, Map.of("bridge.jms.max-delivery-attempts", "2", "bridge.jms.redelivery-delay-ms", "100"));
        AtomicInteger attempts = new AtomicInteger();
        AdviceWith.adviceWith(
                jms.bridge.context(),
                "jms-requests",
                route -> route.weaveAddFirst().process(exchange -> {
                    attempts.incrementAndGet();
                    throw new IllegalStateException("simulated job store outage");
                }));
        jms.send("{\"email\": \"poison@example.com\"}", Map.of("api", "orbit"), null, "poison-1");
        await().atMost(Duration.ofSeconds(20))
                .until(() -> attempts.get() == 2
                        && jms.broker()
                                        .activeServer()
                                        .locateQueue(JmsBridgeRun.REQUESTS)
                                        .getMessageCount()
                                == 0);

        // nobody has read the dead-letter queue yet (a reader would create it): it must exist and hold the message
        String statusPage = "http://127.0.0.1:" + jms.properties.get("camel.management.port") + "/";
        await().atMost(Duration.ofSeconds(20)).until(() -> get(statusPage).contains("data-dead-letters=\"1\""));
        assertThat(get(statusPage)).contains("JMS dead letters").contains(EmbeddedBroker.DEAD_LETTER_QUEUE);
        Message dead = jms.receive(EmbeddedBroker.DEAD_LETTER_QUEUE);
        assertThat(dead).as("the message is kept, not dropped").isNotNull();
        assertThat(dead.getJMSCorrelationID()).isEqualTo("poison-1");
        assertThat(attempts.get()).isEqualTo(2);
    }

    /**
     * Store-failure audit: a job store away gave every JMS request, at every delivery, an ERROR from Camel's error
     * handler and a WARN from the listener, each with a full stack trace (477 lines in a 25 s outage), and neither
     * named the refused connection in its first line. Now each try is one WARN line naming it.
     */
    @Test
    void aJobStoreAwayIsOneLinePerTryNamingItsCause() throws Exception {
        jms = JmsBridgeRun.start(
                root,
                Map.of(
                        "bridge.jms.max-delivery-attempts", "2",
                        "bridge.jms.redelivery-delay-ms", "100",
                        "camel.beans.jmsIntakeRetries.maximum-redeliveries", "1",
                        "camel.beans.jmsIntakeRetries.redelivery-delay", "100"));
        AtomicInteger attempts = new AtomicInteger();
        failWhileStoreAway(attempts, Integer.MAX_VALUE);
        List<String> lines;
        try (LogCapture logs = LogCapture.start()) {
            jms.send("{\"email\": \"away@example.com\"}", Map.of("api", "orbit"), null, "away-1");
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> attempts.get() == 4
                            && jms.broker()
                                            .activeServer()
                                            .locateQueue(JmsBridgeRun.REQUESTS)
                                            .getMessageCount()
                                    == 0);
            lines = logs.lines();
        }
        assertThat(lines)
                .filteredOn(line -> line.contains("goes back to the broker"))
                .as("once per delivery")
                .hasSize(2)
                .allSatisfy(line -> assertThat(line)
                        .contains("WARN")
                        .containsPattern("correlation away-1, delivery [12]\\)")
                        .contains("moves it to its dead-letter address")
                        .contains("Connection to 127.0.0.1:5432 refused"));
        assertThat(lines)
                .filteredOn(line -> line.contains("On delivery attempt"))
                .as("each of the four tries: two in each delivery")
                .hasSize(4)
                .allSatisfy(line -> assertThat(line).contains("WARN").contains("Connection to 127.0.0.1:5432 refused"));
        assertThat(eventsOfCamelThreads(lines))
                .as("no stack trace, nothing from the JMS listener")
                .isNotEmpty()
                .noneMatch(event -> event.contains("\n\tat ") || event.contains("EndpointMessageListener"));
    }

    /**
     * The log events (a line and the lines of its stack trace) of Camel's threads, where the intake runs: test classes
     * run beside this one log too (ci350: another's connection pool, retrying a database it had stopped, logged a
     * stack trace from its own thread).
     */
    private static List<String> eventsOfCamelThreads(List<String> lines) {
        List<StringBuilder> events = new ArrayList<>();
        StringBuilder event = null;
        for (String line : lines) {
            if (line.matches("\\d{4}-\\d{2}-\\d{2}T.*")) {
                event = line.contains("[Camel (") ? new StringBuilder(line) : null;
                if (event != null) {
                    events.add(event);
                }
            } else if (event != null) {
                event.append('\n').append(line);
            }
        }
        return events.stream().map(StringBuilder::toString).toList();
    }

    /**
     * Review: with a write waiting 5 s for a connection, a JMS request spent its five delivery attempts in about 40 s
     * of a store outage and went to the DLQ. It is now tried again within its delivery, so a short outage costs no
     * delivery attempt at all.
     */
    @Test
    void aShortJobStoreOutageIsRiddenOutWithinOneDelivery() throws Exception {
        jms = JmsBridgeRun.start(root, Map.of("camel.beans.jmsIntakeRetries.redelivery-delay", "100"));
        AtomicInteger attempts = new AtomicInteger();
        List<Boolean> redelivered = new java.util.concurrent.CopyOnWriteArrayList<>();
        AdviceWith.adviceWith(
                jms.bridge.context(),
                "jms-requests",
                route -> route.weaveAddFirst().process(exchange -> {
                    redelivered.add(exchange.getMessage().getHeader("JMSRedelivered", false, Boolean.class));
                    if (attempts.incrementAndGet() <= 3) {
                        throw new JobStoreException(
                                "cannot record the job", new SQLException("Connection to 127.0.0.1:5432 refused"));
                    }
                }));
        jms.send("{\"email\": \"brief@example.com\"}", Map.of("api", "orbit"), null, "brief-1");
        Message result = jms.receive("profile-bridge.results");
        assertThat(result).as("its result").isNotNull();
        assertThat(result.getJMSCorrelationID()).isEqualTo("brief-1");
        assertThat(attempts).hasValue(4);
        assertThat(redelivered).as("all four tries within the first delivery").containsOnly(false);
        assertThat(jms.broker().activeServer().locateQueue("DLQ").getMessagesAdded())
                .isZero();
    }

    /** The job store away for the first {@code failures} tries of the intake, counted in {@code attempts}. */
    private void failWhileStoreAway(AtomicInteger attempts, int failures) throws Exception {
        AdviceWith.adviceWith(
                jms.bridge.context(),
                "jms-requests",
                route -> route.weaveAddFirst().process(exchange -> {
                    if (attempts.incrementAndGet() <= failures) {
                        throw new JobStoreException(
                                "cannot record the job", new SQLException("Connection to 127.0.0.1:5432 refused"));
                    }
                }));
    }

    private static String get(String url) throws Exception {
        return HttpClient.newHttpClient()
                .send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString())
                .body();
    }
}
