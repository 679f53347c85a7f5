package io.profilebridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSException;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Results counted, not collected: every JMS result per correlation id (a listener on the result queues, for as long
 * as the tally is open), and every result file per request file. A request that got two results shows as a count
 * of two, however late the second came within the {@link RedeliveryWindow}.
 */
public final class ResultTally implements AutoCloseable {

    private final Connection connection;
    private final Map<String, Integer> perCorrelationId = new ConcurrentHashMap<>();
    private final Map<String, String> lastBody = new ConcurrentHashMap<>();

    private ResultTally(Connection connection) {
        this.connection = connection;
    }

    /** Starts counting the messages arriving on {@code queues}. */
    public static ResultTally listen(ConnectionFactory broker, String... queues) throws JMSException {
        Connection connection = broker.createConnection();
        ResultTally tally = new ResultTally(connection);
        try {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            for (String queue : queues) {
                MessageConsumer consumer = session.createConsumer(session.createQueue(queue));
                consumer.setMessageListener(message -> {
                    try {
                        String correlationId = String.valueOf(message.getJMSCorrelationID());
                        tally.lastBody.put(correlationId, message.getBody(String.class));
                        tally.perCorrelationId.merge(correlationId, 1, Integer::sum);
                    } catch (JMSException e) {
                        throw new IllegalStateException(e);
                    }
                });
            }
            connection.start();
        } catch (JMSException | RuntimeException e) {
            connection.close();
            throw e;
        }
        return tally;
    }

    /** JMS results so far, per correlation id. */
    public Map<String, Integer> jmsResults() {
        return Map.copyOf(perCorrelationId);
    }

    public int jmsResults(String correlationId) {
        return perCorrelationId.getOrDefault(correlationId, 0);
    }

    /** The body of the last JMS result for {@code correlationId}, or null. */
    public String body(String correlationId) {
        return lastBody.get(correlationId);
    }

    /**
     * Waits until every one of {@code correlationIds} has a JMS result and every one of {@code requestFiles} (paths
     * below the inbox of {@code root}) a result file (at most {@code atMost}), keeps counting for {@code window}
     * more, and then requires exactly one result for each and none for anything else.
     */
    public void assertExactlyOneEach(
            Collection<String> correlationIds,
            Path root,
            Collection<String> requestFiles,
            Duration atMost,
            Duration window) {
        await().atMost(atMost)
                .until(() -> perCorrelationId.keySet().containsAll(correlationIds)
                        && filesPerRequest(root).keySet().containsAll(requestFiles));
        await().during(window).atMost(window.plusSeconds(5)).untilAsserted(() -> {
            assertOnlyOnes("JMS results per correlation id", jmsResults());
            assertOnlyOnes("result files per request file", filesPerRequest(root));
        });
        assertThat(jmsResults()).as("JMS results per correlation id").isEqualTo(ones(correlationIds));
        assertThat(filesPerRequest(root)).as("result files per request file").isEqualTo(ones(requestFiles));
    }

    /** The same for JMS results only. */
    public void assertExactlyOneEach(Collection<String> correlationIds, Duration atMost, Duration window) {
        await().atMost(atMost).until(() -> perCorrelationId.keySet().containsAll(correlationIds));
        await().during(window)
                .atMost(window.plusSeconds(5))
                .untilAsserted(() -> assertOnlyOnes("JMS results per correlation id", jmsResults()));
        assertThat(jmsResults()).as("JMS results per correlation id").isEqualTo(ones(correlationIds));
    }

    /** Result files per request file ({@code source} of each result under the outbox): each must be 1. */
    public static Map<String, Integer> filesPerRequest(Path root) {
        Map<String, Integer> perRequest = new HashMap<>();
        for (JsonNode result : BridgeRun.results(root).values()) {
            JsonNode source = result.path("source");
            String folder = source.path("folder").asText("");
            String request =
                    (folder.isEmpty() ? "" : folder + "/") + source.path("file").asText();
            perRequest.merge(request, 1, Integer::sum);
        }
        return perRequest;
    }

    private static void assertOnlyOnes(String what, Map<String, Integer> counts) {
        assertThat(counts)
                .as(what)
                .allSatisfy((request, count) -> assertThat(count).as(request).isEqualTo(1));
    }

    private static Map<String, Integer> ones(Collection<String> names) {
        Map<String, Integer> expected = new HashMap<>();
        names.forEach(name -> expected.put(name, 1));
        return expected;
    }

    @Override
    public void close() throws JMSException {
        connection.close();
    }
}
