package io.profilebridge.jms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.profilebridge.BridgeRun;
import io.profilebridge.Json;
import io.profilebridge.ResultTally;
import io.profilebridge.api.Api;
import io.profilebridge.job.JobState;
import io.profilebridge.sandbox.Simulator;
import io.profilebridge.sandbox.SimulatorSettings;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.activemq.artemis.api.core.ActiveMQException;
import org.apache.activemq.artemis.core.security.Role;
import org.apache.activemq.artemis.core.settings.impl.AddressFullMessagePolicy;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ESB's broker goes away and comes back. Before: readiness stayed UP throughout (Artemis reconnects for ever, so
 * no listener container or pool ever saw a failed connection), and stopping the bridge while the broker was away hung
 * in a listener's rollback, which waited for the broker without a limit.
 */
class BrokerOutageTest {

    @TempDir
    Path root;

    Simulator simulator;
    EsbBroker esb;
    BridgeRun bridge;
    Map<String, String> properties;

    @AfterEach
    void stop() throws Exception {
        if (bridge != null) {
            bridge.close();
        }
        if (esb != null) {
            esb.close();
        }
        if (simulator != null) {
            simulator.close();
        }
    }

    @Test
    void readinessIsDownWhileTheBrokerIsAwayRequestsFlowWhenItIsBackAndAStopDoesNotWaitForIt() throws Exception {
        startWithBroker(100, Map.of());

        esb.stop();
        await().atMost(Duration.ofSeconds(30))
                .until(() -> "DOWN".equals(brokerCheck().path("status").asText()));
        assertThat(brokerCheck().path("message").asText())
                .contains("JMS broker 127.0.0.1:")
                .contains("unreachable since")
                .doesNotContain("bridge-secret");
        assertThat(health().path("status").asText())
                .as("the whole of readiness")
                .isEqualTo("DOWN");

        esb.restart();
        await().atMost(Duration.ofSeconds(60))
                .until(() -> "UP".equals(brokerCheck().path("status").asText()));
        try (ResultTally tally = ResultTally.listen(esb.client(), EsbBroker.RESULTS, EsbBroker.FAILED);
                Connection connection = esb.client().createConnection()) {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            try (MessageProducer producer = session.createProducer(session.createQueue(EsbBroker.REQUESTS))) {
                TextMessage request = session.createTextMessage("{\"email\": \"back@example.com\"}");
                request.setStringProperty("api", "orbit");
                request.setJMSCorrelationID("after-outage");
                producer.send(request);
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> tally.jmsResults("after-outage") == 1);
            assertThat(Json.parse(tally.body("after-outage")).path("outcome").asText())
                    .isEqualTo("succeeded");
        }

        esb.stop();
        await().atMost(Duration.ofSeconds(30))
                .until(() -> "DOWN".equals(brokerCheck().path("status").asText()));
        long began = System.nanoTime();
        bridge.close();
        bridge = null;
        assertThat(Duration.ofNanos(System.nanoTime() - began))
                .as("a stop with the broker away")
                .isLessThan(Duration.ofSeconds(25));
    }

    @Test
    void resultsWaitForTheBrokerWithoutHoldingWorkersOrSpendingTheirAttempts() throws Exception {
        // JMS audit: with the broker away, each send of a waiting result held a job worker for up to 54 s and counted
        // an attempt: 16 waiting results stopped every file result for the whole outage, and an outage longer than
        // the attempts gave every waiting result up (delivery_gave_up), never sent once the broker was back
        startWithBroker(
                2500,
                Map.of(
                        "bridge.poll.concurrency", "3",
                        "bridge.delivery.max-attempts", "2",
                        "bridge.retry.base-delay-ms", "100",
                        "bridge.retry.max-delay-ms", "200"));
        List<String> ids = new ArrayList<>();
        try (Connection connection = esb.client().createConnection()) {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            try (MessageProducer producer = session.createProducer(session.createQueue(EsbBroker.REQUESTS))) {
                for (int i = 0; i < 6; i++) {
                    TextMessage request = session.createTextMessage("{\"email\": \"wait-" + i + "@example.com\"}");
                    request.setStringProperty("api", "orbit");
                    request.setJMSCorrelationID("waits-" + i);
                    producer.send(request);
                    ids.add("waits-" + i);
                }
            }
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> simulator.ledger().runsStarted("orbit") == 6);
        esb.stop();
        await().atMost(Duration.ofSeconds(30))
                .until(() -> "DOWN".equals(brokerCheck().path("status").asText()));

        // twice the job workers' worth of results wait for the broker, and files still get theirs
        BridgeRun.drop(root, "openprospect/meanwhile.json", BridgeRun.openProspectRequest("meanwhile"));
        await().atMost(Duration.ofSeconds(30))
                .until(() -> BridgeRun.results(root).containsKey("openprospect/meanwhile.json"));
        await().atMost(Duration.ofSeconds(30)).until(() -> waitingForTheBroker() == 6);
        assertThat(bridge.store().list(Api.ORBIT, null, 0, 10))
                .as("no attempt spent on the broker's absence")
                .allSatisfy(job -> assertThat(job.attempts()).isZero());

        esb.restart();
        try (ResultTally tally = ResultTally.listen(esb.client(), EsbBroker.RESULTS, EsbBroker.FAILED)) {
            tally.assertExactlyOneEach(ids, Duration.ofSeconds(60), Duration.ofSeconds(2));
            assertThat(ids)
                    .allSatisfy(id -> assertThat(
                                    Json.parse(tally.body(id)).path("outcome").asText())
                            .isEqualTo("succeeded"));
        }
    }

    /**
     * Seen by hand: a broker that went away just after the stop began (its loss not yet known when the stop looked)
     * made the stop wait the whole shutdown timeout for the listeners' calls to it. A loss noticed during the stop
     * now closes the broker's connections as one noticed before it does.
     */
    @Test
    void aBrokerLostWhileTheBridgeStopsDoesNotHoldTheStop() throws Exception {
        startWithBroker(100, Map.of());
        await().atMost(Duration.ofSeconds(30))
                .until(() -> "UP".equals(check("jms-requests").path("status").asText()));
        long started = System.nanoTime();
        java.util.concurrent.CompletableFuture<Void> stopping =
                java.util.concurrent.CompletableFuture.runAsync(bridge::close);
        await().atMost(Duration.ofSeconds(10)).until(() -> bridge.context().isStopping() || stopping.isDone());
        esb.stop();
        stopping.get(60, java.util.concurrent.TimeUnit.SECONDS);
        bridge = null;
        assertThat(Duration.ofNanos(System.nanoTime() - started))
                .as("the stop, with the broker lost during it")
                .isLessThan(Duration.ofSeconds(15));
    }

    /**
     * Operations audit: with the results queue refused to the bridge's account, each result was tried against it (and,
     * "to the default queue", against it again) until bridge.delivery.max-attempts gave it up, readiness UP. It waits
     * now, never given up, with the jms-results check DOWN naming the queue, and goes out once the broker takes it.
     */
    @Test
    void resultsTheBrokerRefusesWaitWithReadinessDownAndGoOutOnceItTakesThem() throws Exception {
        startWithBroker(
                200,
                Map.of(
                        "bridge.delivery.max-attempts", "2",
                        "bridge.retry.base-delay-ms", "100",
                        "bridge.retry.max-delay-ms", "200"));
        var security = esb.broker().server().getSecurityRepository();
        security.addMatch(EsbBroker.RESULTS, Set.of(role(BrokerAccounts.CLIENT_ROLE, false)));
        try (Connection connection = esb.client().createConnection()) {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            try (MessageProducer producer = session.createProducer(session.createQueue(EsbBroker.REQUESTS))) {
                TextMessage request = session.createTextMessage("{\"email\": \"refused@example.com\"}");
                request.setStringProperty("api", "orbit");
                request.setJMSCorrelationID("refused-0");
                producer.send(request);
            }
        }
        await().atMost(Duration.ofSeconds(30))
                .until(() -> "DOWN".equals(check("jms-results").path("status").asText()));
        assertThat(check("jms-results").path("message").asText())
                .contains(EsbBroker.RESULTS)
                .contains("permission");
        await().atMost(Duration.ofSeconds(30))
                .until(() -> bridge.store().list(Api.ORBIT, null, 0, 10).get(0).attempts() > 3);
        assertThat(bridge.store().list(Api.ORBIT, null, 0, 10))
                .singleElement()
                .satisfies(job -> assertThat(job.state()).isEqualTo(JobState.DELIVERING));

        security.addMatch(
                EsbBroker.RESULTS,
                Set.of(role(BrokerAccounts.CLIENT_ROLE, false), role(BrokerAccounts.BRIDGE_ROLE, true)));
        try (ResultTally tally = ResultTally.listen(esb.client(), EsbBroker.RESULTS, EsbBroker.FAILED)) {
            tally.assertExactlyOneEach(List.of("refused-0"), Duration.ofSeconds(30), Duration.ofSeconds(1));
        }
        await().atMost(Duration.ofSeconds(10))
                .until(() -> "UP".equals(check("jms-results").path("status").asText()));
    }

    /**
     * External-broker audit: a broker that refuses the bridge's request consumer (its account lost the permission to
     * consume) left readiness UP while Spring retried quietly, and the requests waited on the queue unseen.
     */
    @Test
    void aBrokerRefusingTheRequestConsumerMakesReadinessDownUntilItTakesItAgain() throws Exception {
        startWithBroker(100, Map.of());
        await().atMost(Duration.ofSeconds(30))
                .until(() -> "UP".equals(check("jms-requests").path("status").asText()));
        var server = esb.broker().server();
        server.getSecurityRepository().addMatch(EsbBroker.REQUESTS, requestsQueueRoles(false));
        // the bridge's connections dropped: its consumers are made again, under the new rules
        server.getRemotingService()
                .getConnections()
                .forEach(connection -> connection.fail(new ActiveMQException("dropped by the test")));
        // first the dropped session, then the broker's refusal of the new consumer
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(
                        () -> assertThat(check("jms-requests").path("message").asText())
                                .contains("no consumer takes requests from queue " + EsbBroker.REQUESTS)
                                .contains("permission='CONSUME'"));
        assertThat(check("jms-requests").path("status").asText()).isEqualTo("DOWN");

        server.getSecurityRepository().addMatch(EsbBroker.REQUESTS, requestsQueueRoles(true));
        await().atMost(Duration.ofSeconds(30))
                .until(() -> "UP".equals(check("jms-requests").path("status").asText()));
    }

    /**
     * JMS audit: a JMSReplyTo whose address is full under address-full-policy BLOCK held the intake thread sending a
     * rejection's result, with no timeout and readiness UP. The jms-results check now says the broker holds a send.
     */
    @Test
    void aSendTheBrokerHoldsMakesReadinessDownUntilItGoesOut() throws Exception {
        startWithBroker(100, Map.of());
        blockWhenFull("blocked.#");
        try (Connection connection = esb.client().createConnection()) {
            connection.start();
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            var replies = session.createQueue("blocked.replies");
            try (MessageProducer filler = session.createProducer(replies);
                    MessageProducer requests = session.createProducer(session.createQueue(EsbBroker.REQUESTS))) {
                filler.send(session.createTextMessage("x".repeat(3000))); // the address is full from now on
                TextMessage rejected = session.createTextMessage("{\"email\": \"x");
                rejected.setStringProperty("api", "orbit");
                rejected.setJMSCorrelationID("held-1");
                rejected.setJMSReplyTo(replies);
                requests.send(rejected);
            }
            await().atMost(Duration.ofSeconds(30))
                    .until(() ->
                            "DOWN".equals(check("jms-results").path("status").asText()));
            assertThat(check("jms-results").path("message").asText())
                    .contains("a result sent to JMSReplyTo blocked.replies has waited")
                    .contains("BLOCK");

            // the caller reads its replies: the held result goes out, and the check is UP again
            assertThat(resultsRead(session, replies, 1)).containsExactly("held-1");
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> "UP".equals(check("jms-results").path("status").asText()));
        }
    }

    /**
     * Delivery audit: a results address full under BLOCK held every job worker in a send, and file requests were not
     * even started until the queue was read. At most half the workers now send JMS results at once.
     */
    @Test
    void aBrokerHoldingResultSendsHoldsAtMostHalfTheJobWorkers() throws Exception {
        startWithBroker(100, Map.of("bridge.poll.concurrency", "4"));
        blockWhenFull("blocked.#");
        try (Connection connection = esb.client().createConnection()) {
            connection.start();
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            var replies = session.createQueue("blocked.replies");
            try (MessageProducer filler = session.createProducer(replies);
                    MessageProducer requests = session.createProducer(session.createQueue(EsbBroker.REQUESTS))) {
                filler.send(session.createTextMessage("x".repeat(3000))); // the address is full from now on
                sendOrbitRequests(session, requests, "held", 6, replies);
            }
            await().atMost(Duration.ofSeconds(30))
                    .until(() ->
                            "DOWN".equals(check("jms-results").path("status").asText()));
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> bridge.store().list(Api.ORBIT, JobState.DELIVERING, 0, 10).stream()
                                    .filter(job -> job.lastError() != null
                                            && job.lastError().contains("JMS send places"))
                                    .count()
                            >= 1);

            for (int i = 0; i < 3; i++) {
                BridgeRun.drop(root, "orbit/meanwhile-" + i + ".json", "{\"email\": \"file" + i + "@example.com\"}");
            }
            await("file requests go on while the broker holds JMS results")
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> BridgeRun.results(root).size() == 3);

            // the caller reads its replies: every held and waiting result goes out, once each
            assertThat(resultsRead(session, replies, 6))
                    .containsExactlyInAnyOrder("held-0", "held-1", "held-2", "held-3", "held-4", "held-5");
        }
    }

    /**
     * Reply-to audit: one caller's reply address full under BLOCK took every JMS send place, and the other callers' results
     * came 2 min 40 s late, once it was read. One reply address has a quarter of the places at most.
     */
    @Test
    void aReplyAddressTheBrokerHoldsDoesNotHoldUpOtherCallersResults() throws Exception {
        Answers answers = besideAHeldReplyAddress(
                BrokerOutageTest::sendOrbitRequests,
                4,
                // one send held, the other three wait for their address's share (a job's state is saved as it
                // waits: the one in the held send still shows the step before)
                () -> await("the held address's other results wait")
                        .atMost(Duration.ofSeconds(30))
                        .until(() -> waitingForTheirReplyTo() == 3),
                BrokerOutageTest::sendOrbitRequests,
                3,
                () -> assertThat(waitingForTheirReplyTo())
                        .as("the held address's results still wait")
                        .isEqualTo(3));
        assertThat(answers.other())
                .as("the other caller's results go out while the held address is not read")
                .containsExactlyInAnyOrder("other-0", "other-1", "other-2");
        assertThat(answers.held()).containsExactlyInAnyOrder("held-0", "held-1", "held-2", "held-3");
    }

    /**
     * Hold audit: requests refused at intake whose JMSReplyTo the broker holds (full under BLOCK) each held a JMS
     * consumer in the send of its failed result, and four such requests stopped the intake of every caller. The intake
     * never sends to a JMSReplyTo itself: the later callers' sweep answers such refusals.
     */
    @Test
    void rejectionsToAReplyAddressTheBrokerHoldsDoNotStopTheIntake() throws Exception {
        Answers answers = besideAHeldReplyAddress(
                BrokerOutageTest::sendInvalidOrbitRequests, 6, BrokerOutageTest::sendOrbitRequests, 3);
        assertThat(answers.other())
                .as("the other caller's requests are taken in and answered while the held address is not read")
                .containsExactlyInAnyOrder("other-0", "other-1", "other-2");
        assertThat(answers.held())
                .as("each refused request answered once, when its address takes results again")
                .containsExactlyInAnyOrder("held-0", "held-1", "held-2", "held-3", "held-4", "held-5");
    }

    /**
     * Review of the intake change above: the later callers' sweep, one thread, held in the send to one caller's held
     * reply address stopped the refusals of every other caller. Each reply address has its share of the sweep's sends.
     */
    @Test
    void aHeldReplyAddressDoesNotHoldOtherCallersRefusals() throws Exception {
        Answers answers = besideAHeldReplyAddress(
                BrokerOutageTest::sendInvalidOrbitRequests, 3, BrokerOutageTest::sendInvalidOrbitRequests, 2);
        assertThat(answers.other())
                .as("the other caller's refusals are answered while the held address is not read")
                .containsExactlyInAnyOrder("other-0", "other-1");
        assertThat(answers.held()).containsExactlyInAnyOrder("held-0", "held-1", "held-2");
    }

    /** Requests of one kind, answered at {@code replyTo}, correlation ids {@code prefix-0} and on. */
    @FunctionalInterface
    private interface Requests {
        void send(Session session, MessageProducer requests, String prefix, int count, Queue replyTo)
                throws JMSException;
    }

    /** The correlation ids the held reply address and the other caller's got. */
    private record Answers(List<String> held, List<String> other) {}

    /**
     * {@code held} requests answered at a reply address full under BLOCK, then, once a send there is held, {@code
     * other} requests of another caller: the other's answers are read while the held address is not; the held
     * address's are read whatever came of that, as sends held there would hold the bridge's stop.
     */
    private Answers besideAHeldReplyAddress(Requests held, int heldCount, Requests other, int otherCount)
            throws Exception {
        return besideAHeldReplyAddress(held, heldCount, () -> {}, other, otherCount, () -> {});
    }

    /** A check a test makes at one point of {@link #besideAHeldReplyAddress}. */
    @FunctionalInterface
    private interface Check {
        void run() throws Exception;
    }

    /**
     * As above, with {@code whileHeld} checked once a send is held, before the other caller sends, and {@code
     * otherAnswered} once the other caller's answers are read.
     */
    private Answers besideAHeldReplyAddress(
            Requests held, int heldCount, Check whileHeld, Requests other, int otherCount, Check otherAnswered)
            throws Exception {
        startWithBroker(100, Map.of("bridge.poll.concurrency", "8"));
        blockWhenFull("blocked.#");
        try (Connection connection = esb.client().createConnection()) {
            connection.start();
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            var blocked = session.createQueue("blocked.replies");
            var healthy = session.createQueue("esb.replies");
            try (MessageProducer filler = session.createProducer(blocked);
                    MessageProducer requests = session.createProducer(session.createQueue(EsbBroker.REQUESTS))) {
                filler.send(session.createTextMessage("x".repeat(3000))); // the address is full from now on
                held.send(session, requests, "held", heldCount, blocked);
                await("a held send")
                        .atMost(Duration.ofSeconds(30))
                        .until(() -> "DOWN"
                                .equals(check("jms-results").path("status").asText()));
                whileHeld.run();
                other.send(session, requests, "other", otherCount, healthy);
            }
            List<String> heldAnswers = new ArrayList<>(); // filled below, whatever comes of the other's
            try {
                Answers answers = new Answers(heldAnswers, resultsRead(session, healthy, otherCount));
                otherAnswered.run();
                return answers;
            } finally {
                heldAnswers.addAll(resultsRead(session, blocked, heldCount));
            }
        }
    }

    private static void sendInvalidOrbitRequests(
            Session session, MessageProducer requests, String prefix, int count, Queue replyTo) throws JMSException {
        for (int i = 0; i < count; i++) {
            TextMessage invalid = session.createTextMessage("{\"email\": " + i + "}");
            invalid.setStringProperty("api", "orbit");
            invalid.setJMSCorrelationID(prefix + "-" + i);
            invalid.setJMSReplyTo(replyTo);
            requests.send(invalid);
        }
    }

    private static void sendOrbitRequests(
            Session session, MessageProducer requests, String prefix, int count, Queue replyTo) throws JMSException {
        for (int i = 0; i < count; i++) {
            TextMessage request = session.createTextMessage("{\"email\": \"" + prefix + i + "@example.com\"}");
            request.setStringProperty("api", "orbit");
            request.setJMSCorrelationID(prefix + "-" + i);
            request.setJMSReplyTo(replyTo);
            requests.send(request);
        }
    }

    /**
     * Delivery audit: a request rejected at intake whose failed result the broker refused (the failed queue full
     * under FAIL) used up its redeliveries within a quarter of a second and went to the dead-letter queue with no
     * result. It is now taken, and answered once the failed queue takes results again, once.
     */
    @Test
    void aRejectedRequestWhoseResultTheBrokerRefusesIsAnsweredOnceTheQueueTakesResults() throws Exception {
        startWithBroker(100, Map.of());
        fullAt(EsbBroker.FAILED, AddressFullMessagePolicy.FAIL);
        try (Connection connection = esb.client().createConnection()) {
            connection.start();
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            var failed = session.createQueue(EsbBroker.FAILED);
            try (MessageProducer filler = session.createProducer(failed);
                    MessageProducer requests = session.createProducer(session.createQueue(EsbBroker.REQUESTS))) {
                filler.send(session.createTextMessage("x".repeat(3000))); // the address is full from now on
                for (int i = 0; i < 3; i++) {
                    TextMessage rejected = session.createTextMessage("{\"email\": \"x");
                    rejected.setStringProperty("api", "orbit");
                    rejected.setJMSCorrelationID("refused-" + i);
                    requests.send(rejected);
                }
            }
            var server = esb.broker().server();
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> server.locateQueue(EsbBroker.REQUESTS).getMessageCount() == 0
                            && "DOWN".equals(check("jms-results").path("status").asText()));
            assertThat(server.locateQueue(EsbBroker.REQUESTS).getMessagesAcknowledged())
                    .as("taken, not rolled back until they reach the dead-letter queue")
                    .isEqualTo(3);

            // the ESB reads the failed queue: the filler, then each rejection's result, once
            assertThat(resultsRead(session, failed, 3))
                    .containsExactlyInAnyOrder("refused-0", "refused-1", "refused-2");
        }
    }

    /**
     * The correlation ids of the results read from {@code queue} (the address fillers, which have none, passed over)
     * once {@code expected} have come, and then a second's wait for any other: a result sent twice shows.
     */
    private static List<String> resultsRead(Session session, Queue queue, int expected) throws JMSException {
        List<String> correlations = new ArrayList<>();
        try (var consumer = session.createConsumer(queue)) {
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                var message = consumer.receive(500);
                if (message != null && message.getJMSCorrelationID() != null) {
                    correlations.add(message.getJMSCorrelationID());
                }
                return correlations.size() >= expected;
            });
            var more = consumer.receive(1000);
            if (more != null && more.getJMSCorrelationID() != null) {
                correlations.add(more.getJMSCorrelationID());
            }
        }
        return correlations;
    }

    /**
     * The addresses {@code match} names take 2,000 bytes, then hold every send (address-full-policy BLOCK); the ESB
     * account reads and writes them, the bridge sends there.
     */
    private void blockWhenFull(String match) {
        fullAt(match, AddressFullMessagePolicy.BLOCK);
    }

    /** As {@link #blockWhenFull}, with the policy given for a full address. */
    private void fullAt(String match, AddressFullMessagePolicy policy) {
        var server = esb.broker().server();
        server.getAddressSettingsRepository()
                .addMatch(match, new AddressSettings().setMaxSizeBytes(2000).setAddressFullMessagePolicy(policy));
        server.getSecurityRepository()
                .addMatch(
                        match,
                        Set.of(
                                access(BrokerAccounts.CLIENT_ROLE, true, true, true, true),
                                access(BrokerAccounts.BRIDGE_ROLE, true, false, false, true)));
    }

    /** The requests queue's roles: the ESB sends; the bridge browses, and consumes when so. */
    private static Set<Role> requestsQueueRoles(boolean bridgeConsumes) {
        return Set.of(
                access(BrokerAccounts.CLIENT_ROLE, true, false, false, false),
                access(BrokerAccounts.BRIDGE_ROLE, false, bridgeConsumes, true, false));
    }

    /** An account's role on a queue: sending when so, always consuming and browsing. */
    private static Role role(String name, boolean send) {
        return access(name, send, true, true, false);
    }

    /** An account's role on an address: create stands for making its addresses and queues, durable or not. */
    private static Role access(String name, boolean send, boolean consume, boolean browse, boolean create) {
        return new Role(name, send, consume, create, false, create, false, false, browse, create, false, false, false);
    }

    /** The simulator, the ESB's broker and the bridge, with the broker reached. */
    private void startWithBroker(long jobDurationMs, Map<String, String> settings) throws Exception {
        simulator = Simulator.start(new SimulatorSettings().jobDurationMs(jobDurationMs));
        properties = BridgeRun.testProperties(root, simulator.baseUrl());
        properties.put("bridge.jms.max-delivery-attempts", "3");
        properties.put("bridge.jms.redelivery-delay-ms", "200");
        properties.put("bridge.jms.call-failover-timeout-ms", "2000");
        properties.putAll(settings);
        esb = EsbBroker.start(root.resolve("broker"), properties);
        bridge = BridgeRun.start(root, properties);
        await().atMost(Duration.ofSeconds(60))
                .until(() -> "UP".equals(brokerCheck().path("status").asText()));
    }

    private long waitingForTheirReplyTo() {
        return bridge.store().list(Api.ORBIT, JobState.DELIVERING, 0, 10).stream()
                .filter(job -> job.lastError() != null && job.lastError().contains("its JMSReplyTo"))
                .count();
    }

    private long waitingForTheBroker() {
        return bridge.store().list(Api.ORBIT, JobState.DELIVERING, 0, 10).stream()
                .filter(job -> job.lastError() != null && job.lastError().contains("delivery_waiting"))
                .count();
    }

    private JsonNode brokerCheck() throws Exception {
        return check("jms-broker");
    }

    private JsonNode check(String name) throws Exception {
        return BridgeRun.readinessCheck(properties.get("camel.management.port"), name);
    }

    private JsonNode health() throws Exception {
        String url = "http://127.0.0.1:" + properties.get("camel.management.port") + "/observe/health/ready";
        return Json.parse(HttpClient.newHttpClient()
                .send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString())
                .body());
    }
}
