package io.profilebridge.jms;

import io.profilebridge.BridgeRun;
import java.nio.file.Path;
import java.util.Map;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

/**
 * A broker of the test's own, as an ESB's would be, that the bridge reaches as an external broker: started with the
 * redelivery the bridge's properties name ({@code bridge.jms.max-delivery-attempts}, {@code .redelivery-delay-ms}),
 * so a test's redelivery window matches the broker, and the properties pointed at it.
 */
public final class EsbBroker implements AutoCloseable {

    public static final BrokerAccounts ACCOUNTS = new BrokerAccounts(
            new BrokerAccounts.Login("bridge", "bridge-secret"), new BrokerAccounts.Login("esb", "esb-secret"));
    public static final String REQUESTS = "profile-bridge.requests";
    public static final String RESULTS = "profile-bridge.results";
    public static final String FAILED = "profile-bridge.failed";

    private final EmbeddedBroker.Settings settings;
    private final ActiveMQConnectionFactory client;
    private EmbeddedBroker broker;

    private EsbBroker(EmbeddedBroker.Settings settings, ActiveMQConnectionFactory client) throws Exception {
        this.settings = settings;
        this.client = client;
        this.broker = EmbeddedBroker.start(settings);
    }

    public static EsbBroker start(Path folder, Map<String, String> properties) throws Exception {
        String url = "tcp://127.0.0.1:" + BridgeRun.freePort();
        properties.put("bridge.jms.enabled", "true");
        properties.put("bridge.jms.broker-url", url);
        properties.put("bridge.jms.user", ACCOUNTS.bridge().user());
        properties.put("bridge.jms.password", ACCOUNTS.bridge().password());
        return new EsbBroker(
                new EmbeddedBroker.Settings(
                        folder,
                        url,
                        new EmbeddedBroker.Queues(REQUESTS, RESULTS, FAILED),
                        ACCOUNTS,
                        Integer.parseInt(properties.get("bridge.jms.max-delivery-attempts")),
                        Long.parseLong(properties.get("bridge.jms.redelivery-delay-ms")),
                        10 * 1024 * 1024,
                        90),
                new ActiveMQConnectionFactory(
                        url, ACCOUNTS.client().user(), ACCOUNTS.client().password()));
    }

    /** The broker goes away, as an ESB's does for maintenance; its journal stays. */
    public void stop() throws Exception {
        broker.close();
    }

    /** The broker is back on the same address, with the messages it kept. */
    public void restart() throws Exception {
        broker = EmbeddedBroker.start(settings);
    }

    public EmbeddedBroker broker() {
        return broker;
    }

    /** The ESB's connections, logged in as its client account. */
    public ActiveMQConnectionFactory client() {
        return client;
    }

    @Override
    public void close() throws Exception {
        client.close();
        broker.close();
    }
}
