package io.profilebridge.jms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.zaxxer.hikari.HikariDataSource;
import io.profilebridge.BridgeRun;
import io.profilebridge.Json;
import io.profilebridge.api.Api;
import io.profilebridge.api.KeyMask;
import io.profilebridge.job.Job;
import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.MapMessage;
import jakarta.jms.Message;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TemporaryQueue;
import jakarta.jms.TextMessage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.security.Role;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.apache.activemq.artemis.jms.client.ActiveMQQueue;
import org.apache.camel.component.jms.JmsComponent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an ESB peer puts into a JMS request is data: its reply destination, its properties and its message type
 * cannot make the bridge evaluate, deserialize or write anything. The placeholder and the MapMessage tests failed
 * against the code before their fix (run with the earlier deliver-result-jms route and intake: reply destinations
 * went through {@code toD "jms:${...}"}, every body was read as bytes whatever its type); the others guard what
 * already held (Camel headers from a peer are filtered by camel-jms; a temporary, topic or stored reply-to works).
 */
class JmsHostileInputTest {

    private static final String DACH = "{\"profile_name\": \"DACH SaaS buyers\", "
            + "\"ideal_customer_profile\": \"B2B SaaS companies in DACH\", \"target_countries\": [\"DE\"]}";

    @TempDir
    Path root;

    JmsBridgeRun jms;

    @BeforeEach
    void start() throws JMSException {
        jms = JmsBridgeRun.start(root, Map.of());
    }

    @AfterEach
    void stop() throws JMSException {
        jms.close();
    }

    @Test
    void aReplyToWithPlaceholdersIsRefusedClearlyAndNothingInItIsEvaluated() throws Exception {
        // before: the first made a queue named after the Orbit key, the second closed the job store
        for (String name : List.of("exfil.{{orbit.api-key}}", "{{bean:jobStoreDataSource.close}}")) {
            jms.send(DACH, Map.of("api", "openprospect"), jms.session.createQueue(name), "hostile-" + name.hashCode());
            Message failed = jms.receive("profile-bridge.failed");
            assertThat(failed).as("a failed result for reply-to %s", name).isNotNull();
            assertThat(failed.getJMSCorrelationID()).isEqualTo("hostile-" + name.hashCode());
            JsonNode error = Json.parse(failed.getBody(String.class)).get("error");
            assertThat(error.get("code").asText()).isEqualTo("reply_to_invalid");
            assertThat(error.get("message").asText()).contains("\"queue:" + name + "\"");
            assertThat(failed.getBody(String.class)).doesNotContain(BridgeRun.ORBIT_KEY);
        }
        assertThat(jms.broker().activeServer().getPostOffice().getAddresses())
                .map(SimpleString::toString)
                .noneMatch(address -> address.contains(BridgeRun.ORBIT_KEY) || address.contains("{{"));
        HikariDataSource store = jms.bridge
                .context()
                .getRegistry()
                .lookupByNameAndType("jobStoreDataSource", DataSource.class)
                .unwrap(HikariDataSource.class);
        assertThat(store.isClosed()).isFalse();
        assertThat(jms.simulator.ledger().runsStarted("openprospect"))
                .as("refused requests start nothing")
                .isZero();

        jms.send(DACH, Map.of("api", "openprospect"), jms.session.createQueue("esb.replies"), "after-1");
        Message reply = jms.receive("esb.replies");
        assertThat(reply.getStringProperty("outcome")).isEqualTo("succeeded");
    }

    @Test
    void replyDestinationsOfEveryKindReachTheirResultEvenAcrossARestart() throws Exception {
        TemporaryQueue temporary = jms.session.createTemporaryQueue();
        jms.send(DACH, Map.of("api", "openprospect"), temporary, "temp-1");
        assertThat(jms.receive(temporary).getJMSCorrelationID()).isEqualTo("temp-1");

        try (var consumer = jms.session.createConsumer(jms.session.createTopic("esb.reply-topic"))) {
            jms.send(
                    "{\"email\": \"topic@example.com\"}",
                    Map.of("api", "orbit"),
                    jms.session.createTopic("esb.reply-topic"),
                    "topic-1");
            assertThat(consumer.receive(20_000).getJMSCorrelationID()).isEqualTo("topic-1");
        }

        // stored as text with the job, the destination survives a restart between acceptance and result
        jms.simulator.settings().jobDurationMs(3000);
        jms.send(
                "{\"email\": \"restart@example.com\"}",
                Map.of("api", "orbit"),
                jms.session.createQueue("esb.after-restart"),
                "restart-1");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> !jms.bridge.store().list(Api.ORBIT, null, 0, 10).stream()
                        .filter(job -> "restart-1".equals(job.source().correlationId())
                                && !job.state().isFinal())
                        .toList()
                        .isEmpty());
        jms.stopBridge();
        jms = JmsBridgeRun.start(root, jms.simulator, Map.of("bridge.jms.embedded-url", jms.url));
        Message afterRestart = jms.receive("esb.after-restart");
        assertThat(afterRestart.getJMSCorrelationID()).isEqualTo("restart-1");
        assertThat(afterRestart.getStringProperty("outcome")).isEqualTo("succeeded");
    }

    @Test
    void theResultForATemporaryQueueWhoseClientHasLeftGoesToTheResultsQueueAndLeavesNoQueueBehind() throws Exception {
        // before: the bridge's send made a durable queue under the temporary queue's name, where the result stayed
        jms.simulator.settings().jobDurationMs(1000);
        String temporaryName;
        try (Connection leaving = jms.esb.createConnection()) {
            TemporaryQueue temporary =
                    leaving.createSession(false, Session.AUTO_ACKNOWLEDGE).createTemporaryQueue();
            temporaryName = temporary.getQueueName();
            jms.send(DACH, Map.of("api", "openprospect"), temporary, "left-1");
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> jms.bridge.store().list(Api.OPENPROSPECT, null, 0, 10).stream()
                            .anyMatch(job -> "left-1".equals(job.source().correlationId())));
        }

        Message result = jms.receive("profile-bridge.results");
        assertThat(result).as("the result, on the results queue").isNotNull();
        assertThat(result.getJMSCorrelationID()).isEqualTo("left-1");
        assertThat(result.getStringProperty("outcome")).isEqualTo("succeeded");
        assertThat(jms.broker().activeServer().getPostOffice().getAddresses())
                .map(SimpleString::toString)
                .doesNotContain(temporaryName);
    }

    @Test
    void camelHeadersSetByAPeerDoNotSteerTheResult() throws Exception {
        TextMessage message = jms.session.createTextMessage(DACH);
        message.setStringProperty("api", "openprospect");
        message.setStringProperty("CamelFileNameOnly", "../../escaped.json");
        message.setStringProperty("cAMELFileName", "../../escaped.json");
        message.setStringProperty("CamelJmsDestinationName", "esb.stolen");
        message.setJMSCorrelationID("headers-1");
        jms.send(message);
        Message result = jms.receive("profile-bridge.results");
        assertThat(result.getJMSCorrelationID()).isEqualTo("headers-1");
        assertThat(Json.parse(result.getBody(String.class))
                        .get("source")
                        .get("channel")
                        .asText())
                .isEqualTo("jms");
        try (Stream<Path> files = Files.walk(root)) {
            assertThat(files.map(Path::toString)).noneMatch(file -> file.contains("escaped"));
        }
        assertThat(jms.broker().activeServer().getPostOffice().getAddresses())
                .map(SimpleString::toString)
                .doesNotContain("esb.stolen");
        // every case of a Camel or bridge name is kept out, not only Camel's own spelling
        assertThat(jms.bridge.context().getComponent("jms", JmsComponent.class).getHeaderFilterStrategy())
                .isInstanceOf(CallerHeaderFilter.class);
    }

    @Test
    void aKeySetAsANumberIsRefusedNotTurnedIntoText() throws Exception {
        // third black-box audit: an int property 5 was sent as the key "5"
        TextMessage message = jms.session.createTextMessage(DACH);
        message.setStringProperty("api", "openprospect");
        message.setIntProperty("idempotencyKey", 5);
        JsonNode error = refusal(message, "int-key-1");
        assertThat(error.get("code").asText()).isEqualTo("idempotency_key_invalid");
        assertThat(error.get("message").asText()).contains("must be a string property, not a number");
    }

    @Test
    void anApiSetAsABooleanIsRefusedNotTurnedIntoText() throws Exception {
        // agreement audit: api=true refused a valid envelope as a mismatch with the api "true"
        TextMessage message = jms.session.createTextMessage("{\"api\": \"openprospect\", \"request\": " + DACH + "}");
        message.setBooleanProperty("api", true);
        JsonNode error = refusal(message, "bool-api-1");
        assertThat(error.get("code").asText()).isEqualTo("api_unknown");
        assertThat(error.get("message").asText()).contains("api (JMS property): must be a string property");
    }

    /** Sends the message and returns the error of the failed result that answers it. */
    private JsonNode refusal(Message message, String correlationId) throws Exception {
        message.setJMSCorrelationID(correlationId);
        jms.send(message);
        Message failed = jms.receive("profile-bridge.failed");
        assertThat(failed.getJMSCorrelationID()).isEqualTo(correlationId);
        return Json.parse(failed.getBody(String.class)).get("error");
    }

    @Test
    void halfASurrogatePairInATextMessageIsRefusedNotSentAsAQuestionMark() throws Exception {
        // files-and-JMS audit: UTF-8 turned it into "?", and a paid Orbit run started for "sur?@example.com"
        jms.send("{\"email\": \"sur\ud800@example.com\"}", Map.of("api", "orbit"), null, "surrogate-1");
        Message failed = jms.receive("profile-bridge.failed");
        assertThat(failed.getJMSCorrelationID()).isEqualTo("surrogate-1");
        JsonNode error = Json.parse(failed.getBody(String.class)).get("error");
        assertThat(error.get("code").asText()).isEqualTo("request_not_unicode");
        assertThat(error.get("message").asText()).contains("U+D800 at character 14");
        assertThat(jms.simulator.ledger().runsStarted("orbit")).isZero();
    }

    @Test
    void aRefusalNamesTheCallersKeyFromTheJmsPropertyHoweverEarlyItCame() throws Exception {
        // files-and-JMS audit: a body that was no JSON, or a refused reply-to, lost the key from the document and the
        // result's property, so an ESB matching results by its own key found nothing
        jms.send("{bad", Map.of("api", "orbit", "idempotencyKey", "key-not-json"), null, "early-1");
        jms.send(
                "{\"email\": \"z1@example.com\"}",
                Map.of("api", "orbit", "idempotencyKey", "key-reply-to"),
                jms.session.createQueue(JmsBridgeRun.REQUESTS),
                "early-2");
        jms.send(DACH, Map.of("api", "openprospect"), jms.session.createQueue("DLQ"), "early-3");
        jms.send("{\"email\": \"z4@example.com\"}", Map.of("api", "orbit"), jms.session.createQueue("DLQ"), "early-4");
        Map<String, Message> failed = new HashMap<>();
        for (int i = 0; i < 4; i++) {
            Message message = jms.receive("profile-bridge.failed");
            failed.put(message.getJMSCorrelationID(), message);
        }
        assertThat(failed.get("early-1").getStringProperty("idempotencyKey")).isEqualTo("key-not-json");
        assertThat(Json.parse(failed.get("early-1").getBody(String.class))
                        .get("idempotencyKey")
                        .asText())
                .isEqualTo("key-not-json");
        assertThat(failed.get("early-2").getStringProperty("idempotencyKey")).isEqualTo("key-reply-to");
        JsonNode refusedReplyTo = Json.parse(failed.get("early-2").getBody(String.class));
        assertThat(refusedReplyTo.at("/error/code").asText()).isEqualTo("reply_to_invalid");
        assertThat(refusedReplyTo.get("idempotencyKey").asText()).isEqualTo("key-reply-to");
        assertThat(failed.get("early-3").getStringProperty("idempotencyKey"))
                .as("a key the bridge derived was never used, so a refusal does not name it; the property is there,"
                        + " empty, as every JMS result carries it (JMS-backlog audit)")
                .isEmpty();
        // nor does the Orbit body that would have been sent (black-box audit: its requestId named the unused key)
        JsonNode orbitRefused = Json.parse(failed.get("early-4").getBody(String.class));
        assertThat(orbitRefused.get("idempotencyKey").isNull()).isTrue();
        assertThat(orbitRefused.get("request").get("email").asText()).isEqualTo("z4@example.com");
        assertThat(orbitRefused.get("request").has("requestId")).isFalse();
        assertThat(jms.simulator.ledger().runsStarted("orbit")).isZero();
    }

    @Test
    void aCorrelationIdTooLongToSendBackIsRefusedBeforeAnyRunAndAnsweredUnderTheMessageId() throws Exception {
        // cluster and JMS audit: a 60,000-character id was run and paid for, and no broker took its result's header
        TextMessage sent =
                jms.send("{\"email\": \"long-id@example.com\"}", Map.of("api", "orbit"), null, "c".repeat(60_000));
        Message failed = jms.receive("profile-bridge.failed");
        assertThat(failed.getJMSCorrelationID()).isEqualTo(sent.getJMSMessageID());
        JsonNode error = Json.parse(failed.getBody(String.class)).get("error");
        assertThat(error.get("code").asText()).isEqualTo("correlation_id_too_long");
        assertThat(error.get("message").asText()).contains("60000 characters, at most 4096");
        assertThat(jms.simulator.ledger().runsStarted("orbit")).isZero();
    }

    @Test
    void aCorrelationIdNoResultCouldCarryIsRefusedAndAMessageWithNoIdAtAllIsToldSo() throws Exception {
        // hostile-input audit: with message ids disabled and no correlation id, a second message of the same body got
        // no result; a NUL in the correlation id sent the request to the DLQ on PostgreSQL; "" was taken as an id
        TextMessage nul = jms.send("{\"email\": \"nul-id@example.com\"}", Map.of("api", "orbit"), null, "a\0b");
        Message failed = jms.receive("profile-bridge.failed");
        assertThat(failed.getJMSCorrelationID()).isEqualTo(nul.getJMSMessageID());
        assertThat(Json.parse(failed.getBody(String.class)).at("/error/code").asText())
                .isEqualTo("correlation_id_invalid");
        // encodings audit: an unpaired surrogate was written as '?' in the key's digest (and on PostgreSQL in the
        // store), so "lone\uD800" and "lone?" were one job, and a result came back under an id never sent
        TextMessage lone = jms.send("{\"email\": \"lone-id@example.com\"}", Map.of("api", "orbit"), null, "lone\uD800");
        Message loneFailed = jms.receive("profile-bridge.failed");
        assertThat(loneFailed.getJMSCorrelationID()).isEqualTo(lone.getJMSMessageID());
        assertThat(Json.parse(loneFailed.getBody(String.class))
                        .at("/error/message")
                        .asText())
                .contains("JMSCorrelationID: is not valid Unicode");

        TextMessage empty = jms.send(DACH, Map.of("api", "openprospect"), null, "");
        Message result = jms.receive("profile-bridge.results");
        assertThat(result.getJMSCorrelationID()).isEqualTo(empty.getJMSMessageID());

        try (MessageProducer producer = jms.session.createProducer(jms.session.createQueue(JmsBridgeRun.REQUESTS))) {
            producer.setDisableMessageID(true);
            TextMessage anonymous = jms.session.createTextMessage("{\"email\": \"anonymous@example.com\"}");
            anonymous.setStringProperty("api", "orbit");
            producer.send(anonymous);
        }
        JsonNode error = Json.parse(jms.receive("profile-bridge.failed").getBody(String.class))
                .get("error");
        assertThat(error.get("code").asText()).isEqualTo("correlation_id_missing");
        assertThat(error.get("message").asText()).contains("set a JMSCorrelationID, or an idempotencyKey");
        assertThat(jms.simulator.ledger().runsStarted("orbit")).isZero();
    }

    @Test
    void aRetryWithoutAMessageIdToAnotherReplyQueueGetsTheResultThere() throws Exception {
        // JMS cluster audit: with message ids disabled, a retry to another reply queue (or under another correlation
        // id with the same key) was taken for the broker redelivering the first message, and got no result
        Queue first = jms.session.createQueue("noid.first");
        Queue second = jms.session.createQueue("noid.second");
        try (MessageProducer producer = jms.session.createProducer(jms.session.createQueue(JmsBridgeRun.REQUESTS))) {
            producer.setDisableMessageID(true);
            producer.send(anonymousRequest("noid-1", first));
            assertThat(jms.receive(first)).as("the first message's result").isNotNull();
            producer.send(anonymousRequest("noid-1", second));
        }
        Message again = jms.receive(second);
        assertThat(again).as("the retry's result, at its own reply queue").isNotNull();
        assertThat(again.getJMSCorrelationID()).isEqualTo("noid-1");
        assertThat(jms.simulator.ledger().runsStarted("orbit")).isEqualTo(1);
    }

    private TextMessage anonymousRequest(String correlationId, Queue replyTo) throws JMSException {
        TextMessage request = jms.session.createTextMessage("{\"email\": \"noid@example.com\"}");
        request.setStringProperty("api", "orbit");
        request.setJMSCorrelationID(correlationId);
        request.setJMSReplyTo(replyTo);
        return request;
    }

    @Test
    void aReplyToTheBrokerDoesNotHaveGetsTheResultOnTheDefaultQueue() throws Exception {
        // cluster and JMS audit: on a broker that creates no queues, the result was retried for the whole delivery
        // budget and then given up, with nothing on any queue
        // (a session of this test's client names its queues with the 1.x prefix jms.queue., and checks they exist)
        for (String match : List.of("noauto.#", "jms.queue.noauto.#")) {
            jms.broker()
                    .activeServer()
                    .getAddressSettingsRepository()
                    .addMatch(
                            match,
                            new AddressSettings().setAutoCreateAddresses(false).setAutoCreateQueues(false));
        }
        jms.send(DACH, Map.of("api", "openprospect"), new ActiveMQQueue("noauto.replies"), "noauto-1");
        Message result = jms.receive("profile-bridge.results");
        assertThat(result.getJMSCorrelationID()).isEqualTo("noauto-1");
        assertThat(result.getStringProperty("outcome")).isEqualTo("succeeded");
    }

    @Test
    void aMissingOrHugeApiPropertyIsNamedAsAJmsPropertyAndEchoedNoLongerThanAnyMessage() throws Exception {
        // cluster and JMS audit: a message with no api was told to drop a file into a folder, and a 200,000-character
        // api came back whole in the failed result
        jms.send(DACH, Map.of(), null, "no-api-1");
        JsonNode missing = Json.parse(jms.receive("profile-bridge.failed").getBody(String.class))
                .get("error");
        assertThat(missing.get("code").asText()).isEqualTo("api_unknown");
        assertThat(missing.get("message").asText()).contains("set the string property api");
        jms.send(DACH, Map.of("api", "x".repeat(200_000)), null, "huge-api-1");
        String message = Json.parse(jms.receive("profile-bridge.failed").getBody(String.class))
                .get("error")
                .get("message")
                .asText();
        assertThat(message).hasSizeLessThan(4200).endsWith("[cut: 200041 characters in all]");
    }

    /**
     * Review: a refusal answered at its JMSReplyTo by the later callers' sweep carries the {@code api} property its
     * document names, as the intake's own answer did, also for an API the bridge does not know.
     */
    @Test
    void aRefusalAnsweredAtItsReplyToNamesTheApiItsDocumentNames() throws Exception {
        var replyTo = jms.session.createQueue("esb.replies.unknown-api");
        jms.send(DACH, Map.of("api", "elsewhere"), replyTo, "unknown-api-1");
        Message reply = jms.receive(replyTo);
        assertThat(reply).isNotNull();
        JsonNode document = Json.parse(reply.getBody(String.class));
        assertThat(document.get("error").get("code").asText()).isEqualTo("api_unknown");
        assertThat(reply.getStringProperty("api"))
                .isNotNull()
                .isEqualTo(document.get("api").asText());
        assertThat(reply.getStringProperty("outcome")).isEqualTo("failed");
    }

    /**
     * Re-check audit: refusals answered at one reply address came two a second (the sweep's share of that address,
     * once a second): 40 of them took 19 s. A send that ends lets the next go.
     */
    @Test
    void refusalsToOneReplyAddressAreAnsweredAsFastAsTheyAreSent() throws Exception {
        var replyTo = jms.session.createQueue("esb.replies.burst");
        long sent = System.nanoTime();
        for (int i = 0; i < 20; i++) {
            jms.send("{\"email\": " + i + "}", Map.of("api", "orbit"), replyTo, "burst-" + i);
        }
        Set<String> answered = new HashSet<>();
        try (var consumer = jms.session.createConsumer(replyTo)) {
            while (answered.size() < 20) {
                Message reply = consumer.receive(20_000);
                assertThat(reply).as("an answer for each of 20 refusals").isNotNull();
                answered.add(reply.getJMSCorrelationID());
            }
        }
        assertThat((System.nanoTime() - sent) / 1_000_000)
                .as("ms for 20 refusals at one reply address (two a second before)")
                .isLessThan(6_000);
    }

    @Test
    void aMapMessageOrAnEmptyMessageGetsAClearErrorAndBytesAreRead() throws Exception {
        // before: both were "request_too_large: the request has 0 bytes"
        MapMessage map = jms.session.createMapMessage();
        map.setString("email", "map@example.com");
        map.setStringProperty("api", "orbit");
        map.setJMSCorrelationID("map-1");
        jms.send(map);
        JsonNode mapError = Json.parse(jms.receive("profile-bridge.failed").getBody(String.class))
                .get("error");
        assertThat(mapError.get("code").asText()).isEqualTo("request_type_unsupported");
        assertThat(mapError.get("message").asText()).contains("MapMessage").contains("TextMessage");

        Message empty = jms.session.createMessage();
        empty.setStringProperty("api", "orbit");
        empty.setJMSCorrelationID("empty-1");
        jms.send(empty);
        JsonNode emptyError = Json.parse(jms.receive("profile-bridge.failed").getBody(String.class))
                .get("error");
        assertThat(emptyError.get("code").asText()).isEqualTo("request_empty");
        assertThat(emptyError.get("message").asText()).contains("no body");

        // agreement audit: a BytesMessage nothing was written to was "request_not_json ... CTRL-CHAR, code 0"
        BytesMessage unwritten = jms.session.createBytesMessage();
        unwritten.setStringProperty("api", "orbit");
        unwritten.setJMSCorrelationID("unwritten-1");
        jms.send(unwritten);
        assertThat(Json.parse(jms.receive("profile-bridge.failed").getBody(String.class))
                        .at("/error/code")
                        .asText())
                .isEqualTo("request_empty");

        BytesMessage bytes = jms.session.createBytesMessage();
        bytes.writeBytes("{\"email\": \"bytes@example.com\"}".getBytes(StandardCharsets.UTF_8));
        bytes.setStringProperty("api", "orbit");
        bytes.setJMSCorrelationID("bytes-1");
        jms.send(bytes);
        Message result = jms.receive("profile-bridge.results");
        assertThat(result.getJMSCorrelationID()).isEqualTo("bytes-1");
    }

    @Test
    void differentRejectedRequestsSharingACorrelationIdEachGetTheirFailedResult() throws Exception {
        // before: the second result carried the first one's duplicate id ("rejected-" + the correlation id), the broker
        // dropped it, and the request went round to the DLQ with no answer
        // one after the other: the broker's duplicate check is made at send time, so sends in flight together both pass
        List<String> codes = new java.util.ArrayList<>();
        for (String body : List.of("{\"email\": \"x", "[1, 2]")) {
            jms.send(body, Map.of("api", "orbit"), null, "business-transaction-7");
            Message failed = jms.receive("profile-bridge.failed");
            assertThat(failed).as("the failed result of %s", body).isNotNull();
            assertThat(failed.getJMSCorrelationID()).isEqualTo("business-transaction-7");
            codes.add(Json.parse(failed.getBody(String.class))
                    .get("error")
                    .get("code")
                    .asText());
        }
        assertThat(codes).containsExactlyInAnyOrder("request_not_json", "request_not_object");
    }

    /**
     * Reply-to audit: a caller that sent a configured API key as its idempotency key got it back raw in the result's
     * {@code idempotencyKey} property, on a queue every ESB client reads, while the body said "[API key]".
     */
    @Test
    void anApiKeySentAsTheCallersKeyIsMaskedInTheResultsPropertyAsInItsBody() throws Exception {
        jms.send(DACH, Map.of("api", "openprospect", "idempotencyKey", BridgeRun.OPENPROSPECT_KEY), null, "key-1");
        jms.send("{bad", Map.of("api", "openprospect", "idempotencyKey", BridgeRun.ORBIT_KEY), null, "key-2");
        for (Message result : List.of(jms.receive("profile-bridge.results"), jms.receive("profile-bridge.failed"))) {
            assertThat(result.getStringProperty("idempotencyKey")).isEqualTo(KeyMask.MASK);
            assertThat(Json.parse(result.getBody(String.class))
                            .get("idempotencyKey")
                            .asText())
                    .isEqualTo(KeyMask.MASK);
        }
    }

    @Test
    void aCallerAskingAgainForADoneRequestGetsTheStoredResultAtItsNewReplyToWithNoSecondRun() throws Exception {
        // an ESB's retry after its own timeout: the same correlation id and body, a new message and reply queue.
        // Before, it got nothing (the result had gone to the first, abandoned reply queue)
        jms.send(DACH, Map.of("api", "openprospect"), jms.session.createQueue("esb.first-try"), "order-42");
        Message first = jms.receive("esb.first-try");
        assertThat(first.getStringProperty("outcome")).isEqualTo("succeeded");
        TextMessage retried =
                jms.send(DACH, Map.of("api", "openprospect"), jms.session.createQueue("esb.second-try"), "order-42");
        Message again = jms.receive("esb.second-try");
        assertThat(again).as("the stored result, sent to the new reply queue").isNotNull();
        assertThat(again.getJMSCorrelationID()).isEqualTo("order-42");
        JsonNode againResult = Json.parse(again.getBody(String.class));
        assertThat(againResult.get("remoteId"))
                .isEqualTo(Json.parse(first.getBody(String.class)).get("remoteId"));
        assertThat(againResult.at("/source/messageId").asText())
                .as("its source names the message it answers")
                .isEqualTo(retried.getJMSMessageID());
        assertThat(jms.simulator.ledger().runsStarted("openprospect")).isEqualTo(1);
    }

    @Test
    void aCallerAskingAgainForADoneRequestAtTheSameQueueGetsTheStoredResultAgain() throws Exception {
        // idempotency audit: a new message with the same correlation id, body and (no) reply queue got no result at
        // all, where a file dropped again gets its result again; the ESB that let the first one go waited for ever
        jms.send(DACH, Map.of("api", "openprospect"), null, "order-43");
        Message first = jms.receive("profile-bridge.results");
        assertThat(first.getJMSCorrelationID()).isEqualTo("order-43");
        TextMessage retried = jms.send(DACH, Map.of("api", "openprospect"), null, "order-43");
        Message again = jms.receive("profile-bridge.results");
        assertThat(again).as("the stored result, sent again").isNotNull();
        assertThat(again.getJMSCorrelationID()).isEqualTo("order-43");
        assertThat(again.getStringProperty("outcome")).isEqualTo("succeeded");
        JsonNode againResult = Json.parse(again.getBody(String.class));
        assertThat(againResult.get("remoteId"))
                .isEqualTo(Json.parse(first.getBody(String.class)).get("remoteId"));
        assertThat(againResult.at("/source/messageId").asText()).isEqualTo(retried.getJMSMessageID());
        assertThat(jms.simulator.ledger().runsStarted("openprospect")).isEqualTo(1);
    }

    @Test
    void aCallerAskingAgainWhileTheRequestRunsGetsTheResultAtItsNewReplyToEvenAfterARestart() throws Exception {
        // before: the second message joined the running job and got nothing; the only result went to the first,
        // abandoned reply queue
        jms.simulator.settings().jobDurationMs(3000);
        TextMessage first =
                jms.send(DACH, Map.of("api", "openprospect"), jms.session.createQueue("esb.slow-1"), "o-77");
        TextMessage retry =
                jms.send(DACH, Map.of("api", "openprospect"), jms.session.createQueue("esb.slow-2"), "o-77");
        await().atMost(Duration.ofSeconds(10)).until(() -> callersWaiting() == 1);
        assertThat(jobOf("o-77").state().isFinal()).isFalse();

        jms.stopBridge(); // the caller was recorded on disk before its message was acknowledged
        jms = JmsBridgeRun.start(root, jms.simulator, Map.of("bridge.jms.embedded-url", jms.url));
        Message own = jms.receive("esb.slow-1");
        Message later = jms.receive("esb.slow-2");
        assertThat(later)
                .as("the later caller's result, at its own reply queue")
                .isNotNull();
        assertThat(later.getJMSCorrelationID()).isEqualTo("o-77");
        assertThat(later.getStringProperty("outcome")).isEqualTo("succeeded");
        JsonNode ownResult = Json.parse(own.getBody(String.class));
        JsonNode laterResult = Json.parse(later.getBody(String.class));
        assertThat(laterResult.get("remoteId")).isEqualTo(ownResult.get("remoteId"));
        assertThat(ownResult.at("/source/messageId").asText()).isEqualTo(first.getJMSMessageID());
        assertThat(laterResult.at("/source/messageId").asText()).isEqualTo(retry.getJMSMessageID());
        assertThat(jms.simulator.ledger().runsStarted("openprospect")).isEqualTo(1);
        await().atMost(Duration.ofSeconds(10)).until(() -> callersWaiting() == 0);
    }

    private Job jobOf(String correlationId) {
        return jms.bridge.store().list(Api.OPENPROSPECT, null, 0, 10).stream()
                .filter(job -> correlationId.equals(job.source().correlationId()))
                .findFirst()
                .orElseThrow();
    }

    private long callersWaiting() throws Exception {
        DataSource store =
                jms.bridge.context().getRegistry().lookupByNameAndType("jobStoreDataSource", DataSource.class);
        try (var connection = store.getConnection();
                var count = connection.createStatement().executeQuery("SELECT COUNT(*) FROM bridge_job_caller")) {
            count.next();
            return count.getLong(1);
        }
    }

    @Test
    void aRejectedRequestsReplyToTheBridgeMayNotSendToGetsItsResultOnTheFailedQueueNotTheDlq() throws Exception {
        // external-broker audit: the rejection's result was sent inside the intake's JMS transaction, where Artemis
        // reports a refused send only at the commit; the message was rolled back until it reached the DLQ, with no
        // result anywhere
        var server = jms.broker().activeServer();
        server.getSecurityRepository()
                .addMatch(
                        "secured.#",
                        Set.of(new Role(
                                BrokerAccounts.BRIDGE_ROLE,
                                false,
                                true,
                                true,
                                false,
                                true,
                                true,
                                false,
                                true,
                                true,
                                false,
                                false,
                                false)));
        server.createQueue(QueueConfiguration.of("secured.replies").setRoutingType(RoutingType.ANYCAST));
        jms.send("{\"email\": \"x", Map.of("api", "orbit"), new ActiveMQQueue("secured.replies"), "secured-1");
        Message failed = jms.receive("profile-bridge.failed");
        assertThat(failed).as("the rejection's result, on the failed queue").isNotNull();
        assertThat(failed.getJMSCorrelationID()).isEqualTo("secured-1");
        assertThat(Json.parse(failed.getBody(String.class)).at("/error/code").asText())
                .isEqualTo("request_not_json");
        // the result goes out before the commit: the acknowledgement follows it
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(
                                server.locateQueue(JmsBridgeRun.REQUESTS).getMessagesAcknowledged())
                        .as("the request acknowledged once it was answered")
                        .isEqualTo(1));
        assertThat(server.locateQueue("DLQ").getMessagesAdded())
                .as("nothing dead-lettered")
                .isZero();
    }

    @Test
    void aReplyToNamingTheBridgesOwnRequestsQueueOrTheDlqIsRefusedBeforeAnythingStarts() throws Exception {
        // before: the run was started, and its result could never be sent (the bridge may not send requests)
        // the same queues fully qualified (address::queue), as Artemis reads them (JMS audit: they passed)
        Map<String, String> refusals = Map.of(
                "profile-bridge.requests", "one of the bridge's own queues",
                "DLQ", "one of the bridge's own queues",
                "DLQ::DLQ", "names a queue of another address",
                "profile-bridge.requests::profile-bridge.requests", "names a queue of another address");
        for (String own : refusals.keySet()) {
            jms.send(DACH, Map.of("api", "openprospect"), jms.session.createQueue(own), "own-" + own);
            Message failed = jms.receive("profile-bridge.failed");
            assertThat(failed).as("a failed result for reply-to %s", own).isNotNull();
            JsonNode result = Json.parse(failed.getBody(String.class));
            JsonNode error = result.get("error");
            assertThat(error.get("code").asText()).isEqualTo("reply_to_invalid");
            assertThat(error.get("message").asText()).contains(refusals.get(own));
            assertThat(result.get("api").asText())
                    .as("what was read of the request")
                    .isEqualTo("openprospect");
            assertThat(result.at("/request/profile_name").asText()).isEqualTo("DACH SaaS buyers");
            assertThat(failed.getStringProperty("api")).isEqualTo("openprospect");
        }
        assertThat(jms.simulator.ledger().runsStarted("openprospect")).isZero();
    }

    @Test
    void aTextMessageOverTheRequestLimitGetsAFailedResultNamingTheLimit() throws Exception {
        String body = "{\"email\": \"big@example.com\", \"note\": \"" + "x".repeat(1_500_000) + "\"}";
        jms.send(body, Map.of("api", "orbit"), null, "big-1");
        JsonNode error = Json.parse(jms.receive("profile-bridge.failed").getBody(String.class))
                .get("error");
        assertThat(error.get("code").asText()).isEqualTo("request_too_large");
        assertThat(error.get("message").asText())
                .contains("has " + body.length() + " bytes")
                .contains("bridge.request.max-bytes");
    }
}
