import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.jms.Connection;
import jakarta.jms.MessageConsumer;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

/**
 * The ESB side of bench/jms-throughput.sh: sends N OpenProspect requests to profile-bridge.requests (persistent, one
 * producer) while a listener reads the results from profile-bridge.results and profile-bridge.failed; prints the
 * time from the first send to the last result. Results are counted per correlation id, and a second wait of 2 s
 * after the last catches any duplicate; exits 1 when a result is missing, failed or came twice.
 * Run: java -cp target/profile-bridge.jar bench/JmsLoad.java BROKER_URL USER PASSWORD N
 */
public class JmsLoad {

    public static void main(String[] args) throws Exception {
        int requests = Integer.parseInt(args[3]);
        CountDownLatch results = new CountDownLatch(requests);
        AtomicInteger failed = new AtomicInteger();
        Map<String, Integer> perCorrelationId = new ConcurrentHashMap<>();
        try (Connection connection = new ActiveMQConnectionFactory(args[0], args[1], args[2]).createConnection()) {
            Session resultSession = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Session failedSession = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer succeeded = resultSession.createConsumer(resultSession.createQueue("profile-bridge.results"));
            MessageConsumer failures = failedSession.createConsumer(failedSession.createQueue("profile-bridge.failed"));
            succeeded.setMessageListener(message -> count(message, perCorrelationId, results));
            failures.setMessageListener(message -> {
                failed.incrementAndGet();
                count(message, perCorrelationId, results);
            });
            connection.start();
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer producer = session.createProducer(session.createQueue("profile-bridge.requests"));
            long start = System.nanoTime();
            for (int i = 0; i < requests; i++) {
                TextMessage request = session.createTextMessage("{\"profile_name\":\"JMS buyers " + i
                        + "\",\"ideal_customer_profile\":\"B2B SaaS\",\"target_countries\":[\"DE\"]}");
                request.setStringProperty("api", "openprospect");
                request.setJMSCorrelationID("jms-load-" + i);
                producer.send(request);
            }
            double sent = (System.nanoTime() - start) / 1e9;
            boolean all = results.await(10, TimeUnit.MINUTES);
            double seconds = (System.nanoTime() - start) / 1e9;
            long received = requests - results.getCount();
            Thread.sleep(2000);
            long twice = perCorrelationId.values().stream().filter(n -> n > 1).count();
            System.out.printf("sent %d requests in %.2f s; %d results (%d failed) in %.2f s = %.0f requests/s; "
                    + "%d correlation ids with more than one result%n",
                    requests, sent, received, failed.get(), seconds, received / seconds, twice);
            if (!all || failed.get() > 0 || twice > 0 || perCorrelationId.size() != requests) {
                System.exit(1);
            }
        }
    }

    private static void count(Message message, Map<String, Integer> perCorrelationId, CountDownLatch results) {
        try {
            if (perCorrelationId.merge(message.getJMSCorrelationID(), 1, Integer::sum) == 1) {
                results.countDown();
            }
        } catch (JMSException e) {
            throw new IllegalStateException(e);
        }
    }
}
