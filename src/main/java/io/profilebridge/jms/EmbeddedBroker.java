package io.profilebridge.jms;

import java.nio.file.Path;
import java.util.TreeSet;
import java.util.stream.Collectors;

import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.server.JournalType;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;

/**
 * The ActiveMQ Artemis broker the bridge starts when no external one is configured: a persistent journal under
 * {@code <bridge.data>/artemis}, a TCP acceptor ESB peers can reach, a dead-letter queue and a bounded number of
 * delivery attempts, so a message that always fails cannot loop forever.
 */
public final class EmbeddedBroker implements AutoCloseable {

    public static final String DEAD_LETTER_QUEUE = "DLQ";

    private static final long JOURNAL_LOCK_TIMEOUT_MS = 2000;

    private final EmbeddedActiveMQ server;

    private EmbeddedBroker(EmbeddedActiveMQ server) {
        this.server = server;
    }

    public static EmbeddedBroker start(Path folder, String acceptorUrl, int maxDeliveryAttempts) throws Exception {
        Configuration config = new ConfigurationImpl()
                .setName("profile-bridge")
                .setPersistenceEnabled(true)
                .setJournalType(JournalType.NIO)
                .setJournalDirectory(folder.resolve("journal").toString())
                .setBindingsDirectory(folder.resolve("bindings").toString())
                .setLargeMessagesDirectory(folder.resolve("large-messages").toString())
                .setPagingDirectory(folder.resolve("paging").toString())
                .setSecurityEnabled(false)
                // result sends carry _AMQ_DUPL_ID; remember enough ids to drop a re-send after a crash
                .setIDCacheSize(100_000)
                .setPersistIDCache(true)
                // a second bridge on the same data folder must fail, not wait for the journal lock for ever
                .setJournalLockAcquisitionTimeout(JOURNAL_LOCK_TIMEOUT_MS)
                .addAcceptorConfiguration("tcp", acceptorUrl);
        config.addAddressSetting("#", new AddressSettings()
                .setDeadLetterAddress(SimpleString.of(DEAD_LETTER_QUEUE))
                .setMaxDeliveryAttempts(maxDeliveryAttempts)
                .setRedeliveryDelay(1000)
                .setAutoCreateQueues(true)
                .setAutoCreateAddresses(true)
                .setAutoCreateDeadLetterResources(false));
        EmbeddedActiveMQ server = new EmbeddedActiveMQ().setConfiguration(config);
        server.start();
        // Artemis logs a journal it cannot lock or an acceptor it cannot bind, and returns as if started
        if (!server.getActiveMQServer().isActive()) {
            server.stop();
            throw new IllegalStateException("the embedded broker did not start: another process holds its journal in "
                    + folder.toAbsolutePath().normalize() + " or listens on " + acceptorUrl);
        }
        return new EmbeddedBroker(server);
    }

    /** Each acceptor as it listens, with the protocols it serves, e.g. {@code tcp://127.0.0.1:61616 (CORE)}. */
    public String acceptors() {
        return server.getActiveMQServer().getRemotingService().getAcceptors().values().stream()
                .map(acceptor -> "tcp://" + acceptor.getConfiguration().get("host") + ":" + acceptor.getActualPort()
                        + " (" + String.join(", ", new TreeSet<>(acceptor.getProtocolHandler().getProtocolMap().keySet()))
                        + ")")
                .collect(Collectors.joining(", "));
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }
}
