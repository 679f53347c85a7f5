package io.profilebridge.jms;

import io.profilebridge.DataFolder;
import io.profilebridge.Urls;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.paging.PagingManager;
import org.apache.activemq.artemis.core.security.Role;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.JournalType;
import org.apache.activemq.artemis.core.server.Queue;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.apache.activemq.artemis.spi.core.remoting.Acceptor;

/**
 * The ActiveMQ Artemis broker the bridge starts when no external one is configured: a persistent journal under
 * {@code <bridge.data>/artemis}, one TCP acceptor for CORE, AMQP and OpenWire clients (loopback unless told
 * otherwise), logins required (see {@link BrokerAccounts}), ObjectMessages and oversized messages refused
 * ({@link MessageGate}), and a dead-letter queue that a message lands in after its last failed delivery attempt.
 */
public final class EmbeddedBroker implements AutoCloseable {

    public static final String DEAD_LETTER_QUEUE = "DLQ";
    /**
     * The smallest {@code bridge.jms.max-message-bytes}: room for a failed result cut down to its ids and error
     * (delivery.OversizedResults) at the ids' longest, a correlation id of 4,096 characters and a key of 4,000, each a
     * property and in the body, beside the header room. At 16 KiB such a result was refused (review).
     */
    public static final long MIN_MESSAGE_BYTES = 65_536;

    /**
     * Room for a message's fixed header and the properties Camel and the JMS client add, beside a result's own
     * properties (measured: a result of 5,204 characters with short properties made a message of 11,120 bytes).
     */
    private static final long HEADER_ROOM = 4_096;

    private static final long JOURNAL_LOCK_TIMEOUT_MS = 2000;

    /** What the broker is started with. */
    public record Settings(
            Path folder,
            String acceptorUrl,
            Queues queues,
            BrokerAccounts accounts,
            int maxDeliveryAttempts,
            long redeliveryDelayMs,
            long maxMessageBytes,
            int maxDiskUsage) {}

    /** The bridge's queues, created at start so that no client needs the right to create them. */
    public record Queues(String requests, String results, String failed) {}

    /**
     * The characters of text and properties a message of at most {@code maxMessageBytes} carries beside its header
     * room: the broker counts two bytes a character.
     */
    public static long charsWithin(long maxMessageBytes) {
        return Math.max(0, (maxMessageBytes - HEADER_ROOM) / 2);
    }

    private final EmbeddedActiveMQ server;
    private final String clientUser;
    private final Path folder;

    private EmbeddedBroker(EmbeddedActiveMQ server, String clientUser, Path folder) {
        this.server = server;
        this.clientUser = clientUser;
        this.folder = folder;
    }

    /** Artemis's two journal files of 10 MiB, made whole at its start, and its bindings journal. */
    static final long JOURNAL_ROOM_BYTES = 24L * 1024 * 1024;

    public static EmbeddedBroker start(Settings settings) throws Exception {
        Path folder = settings.folder();
        if (Files.notExists(folder)) {
            // the journal holds every JMS request and result: owner-only, as the data folder is, whatever the umask
            // (OpenShift audit: in a group-shared data folder, other users read a request's e-mail in the journal)
            DataFolder.createOwnerOnly(folder);
        }
        Configuration config = new ConfigurationImpl()
                .setName("profile-bridge")
                .setPersistenceEnabled(true)
                .setJournalType(JournalType.NIO)
                .setJournalDirectory(folder.resolve("journal").toString())
                .setBindingsDirectory(folder.resolve("bindings").toString())
                .setLargeMessagesDirectory(folder.resolve("large-messages").toString())
                .setPagingDirectory(folder.resolve("paging").toString())
                // messages beyond an eighth of the heap page to the data folder: Artemis's default, half the heap,
                // let results an ESB does not read take what the bridge's own work needs (flood audit: 20,000 unread
                // results held 78 MB, with room for 3 GB of them before any paging)
                .setGlobalMaxSize(Runtime.getRuntime().maxMemory() / 8)
                .setSecurityEnabled(true)
                // result sends carry _AMQ_DUPL_ID; remember enough ids to drop a re-send after a crash
                .setIDCacheSize(100_000)
                .setPersistIDCache(true)
                // a second bridge on the same data folder must fail, not wait for the journal lock for ever
                .setJournalLockAcquisitionTimeout(JOURNAL_LOCK_TIMEOUT_MS)
                // over this share of its disk used, Artemis takes no message from anyone (100: only a full disk)
                .setMaxDiskUsage(settings.maxDiskUsage())
                .addAcceptorConfiguration("tcp", settings.acceptorUrl());
        config.addAddressSetting(
                "#",
                new AddressSettings()
                        .setDeadLetterAddress(SimpleString.of(DEAD_LETTER_QUEUE))
                        // a request whose JMSExpiration passed is kept with the dead letters, not dropped
                        .setExpiryAddress(SimpleString.of(DEAD_LETTER_QUEUE))
                        .setMaxDeliveryAttempts(settings.maxDeliveryAttempts())
                        .setRedeliveryDelay(settings.redeliveryDelayMs())
                        .setRedeliveryMultiplier(2)
                        .setAutoCreateQueues(true)
                        .setAutoCreateAddresses(true)
                        // an address an AMQP client makes by attaching a receiver without capabilities (a reply
                        // queue it listens on before it sends) is a queue, as a JMS client's is: made MULTICAST, it
                        // refused the bridge's reply sent there (AMQP audit)
                        .setDefaultAddressRoutingType(RoutingType.ANYCAST)
                        .setDefaultQueueRoutingType(RoutingType.ANYCAST)
                        .setAutoCreateDeadLetterResources(false));
        Queues queues = settings.queues();
        for (String queue : List.of(queues.requests(), queues.results(), queues.failed(), DEAD_LETTER_QUEUE)) {
            config.addQueueConfiguration(QueueConfiguration.of(queue).setRoutingType(RoutingType.ANYCAST));
        }
        // the bridge consumes requests and sends results anywhere (reply queues are created as needed); ESB clients
        // send requests, read results and dead letters, and make their own reply queues; nobody manages the broker
        Role bridgeEverywhere = role(
                BrokerAccounts.BRIDGE_ROLE, Permission.SEND, Permission.CONSUME, Permission.BROWSE, Permission.CREATE);
        config.putSecurityRoles(
                "#",
                Set.of(
                        bridgeEverywhere,
                        role(BrokerAccounts.CLIENT_ROLE, Permission.CONSUME, Permission.BROWSE, Permission.CREATE)));
        // results, failed results and dead letters are read, not added to: a queue of one's own on their address (an
        // AMQP "address::queue" receiver) took the results from every other reader, for good (AMQP audit)
        for (String queue : List.of(queues.results(), queues.failed(), DEAD_LETTER_QUEUE)) {
            config.putSecurityRoles(
                    queue,
                    Set.of(bridgeEverywhere, role(BrokerAccounts.CLIENT_ROLE, Permission.CONSUME, Permission.BROWSE)));
        }
        // the broker's notifications name every client's user, address and session: nobody's to read (AMQP audit)
        config.putSecurityRoles("activemq.notifications", Set.of(role(BrokerAccounts.BRIDGE_ROLE)));
        config.putSecurityRoles(
                queues.requests(),
                Set.of(
                        role(BrokerAccounts.BRIDGE_ROLE, Permission.CONSUME, Permission.BROWSE),
                        role(BrokerAccounts.CLIENT_ROLE, Permission.SEND)));
        config.registerBrokerPlugin(new MessageGate(settings.maxMessageBytes(), queues.requests()));
        // said before Artemis fills the disk with journal files it cannot finish, logs their stack traces and leaves
        // them behind (disk-full audit: 387 lines, 18 MB left, and "0 KiB free" measured after them)
        long room = usableSpace(folder);
        if (!roomForJournal(folder, room)) {
            throw new IllegalStateException(
                    "the embedded broker did not start: " + whyNotStarted(folder, settings.acceptorUrl(), room));
        }
        EmbeddedActiveMQ server = new EmbeddedActiveMQ()
                .setConfiguration(config)
                .setSecurityManager(settings.accounts().securityManager());
        server.start();
        // Artemis logs a journal it cannot lock or an acceptor it cannot bind, and returns as if started
        if (!server.getActiveMQServer().isActive()) {
            server.stop();
            throw new IllegalStateException("the embedded broker did not start: "
                    + whyNotStarted(folder, settings.acceptorUrl(), usableSpace(folder)));
        }
        return new EmbeddedBroker(server, settings.accounts().client().user(), folder);
    }

    /** The running Artemis server: for this package's tests, which change what an account may do as a broker's admin would. */
    ActiveMQServer server() {
        return server.getActiveMQServer();
    }

    /**
     * Each acceptor at the address it is bound to (the host resolved), with the protocols it serves, e.g.
     * {@code tcp://127.0.0.1:61616 (AMQP, CORE, OPENWIRE)}.
     */
    public String acceptors() {
        return server.getActiveMQServer().getRemotingService().getAcceptors().values().stream()
                .map(acceptor -> "tcp://" + Urls.hostPort(boundHost(acceptor), acceptor.getActualPort()) + " ("
                        + String.join(
                                ", ",
                                new TreeSet<>(acceptor.getProtocolHandler()
                                        .getProtocolMap()
                                        .keySet())) + ")")
                .collect(Collectors.joining(", "));
    }

    /** The user ESB clients log in as. */
    public String clientUser() {
        return clientUser;
    }

    private static String boundHost(Acceptor acceptor) {
        String host = String.valueOf(acceptor.getConfiguration().get("host"));
        try {
            return InetAddress.getByName(host).getHostAddress();
        } catch (UnknownHostException e) {
            return host;
        }
    }

    /**
     * Why Artemis returned unstarted: a disk too full for its journal files (lifecycle audit: a full disk was told as
     * "another process holds its journal"), else a journal lock or a port another process holds.
     */
    static String whyNotStarted(Path folder, String acceptorUrl, long usableBytes) {
        Path shown = folder.toAbsolutePath().normalize();
        if (usableBytes < JOURNAL_ROOM_BYTES) {
            return "the disk of " + shown + " has " + usableBytes / 1024 + " KiB free, less than the "
                    + JOURNAL_ROOM_BYTES / (1024 * 1024) + " MiB its journal files take; free some room there";
        }
        return "another process holds its journal in " + shown + " or listens on " + acceptorUrl
                + "; give each instance its own bridge.data and bridge.jms.embedded-url (BRIDGE_DATA,"
                + " BRIDGE_JMS_EMBEDDED_URL)";
    }

    /** Whether the disk has room for the journal files a first start makes whole, or they are made already. */
    static boolean roomForJournal(Path folder, long usableBytes) {
        if (usableBytes >= JOURNAL_ROOM_BYTES) {
            return true;
        }
        try (Stream<Path> journal = Files.list(folder.resolve("journal"))) {
            return journal.anyMatch(file -> file.getFileName().toString().endsWith(".amq"));
        } catch (IOException e) {
            return false;
        }
    }

    /** The room left on the disk of the folder, or of its nearest folder that exists; as much as can be when it cannot be told. */
    private static long usableSpace(Path folder) {
        try {
            Path existing = folder.toAbsolutePath();
            while (existing.getParent() != null && !Files.exists(existing)) {
                existing = existing.getParent();
            }
            return Files.getFileStore(existing).getUsableSpace();
        } catch (IOException | RuntimeException e) {
            return Long.MAX_VALUE;
        }
    }

    /**
     * Why the broker takes no message now, if its disk is fuller than {@code bridge.jms.max-disk-usage}: Artemis then
     * blocks every sender, ESB and bridge alike, and says so once in its own log (disk-full audit: an ESB's sends hung
     * while every check stayed UP).
     */
    public Optional<String> diskFull() {
        PagingManager paging = server.getActiveMQServer().getPagingManager();
        if (paging == null || !paging.isDiskFull()) {
            return Optional.empty();
        }
        long total = paging.getDiskTotalSpace();
        long used = total <= 0 ? 0 : 100 - paging.getDiskUsableSpace() * 100 / total;
        return Optional.of("the embedded broker takes no message: the disk of "
                + folder.toAbsolutePath().normalize()
                + " is " + used + "% used, over bridge.jms.max-disk-usage ("
                + server.getActiveMQServer().getConfiguration().getMaxDiskUsage() + "%); free room there");
    }

    /** Messages in a queue, those being delivered or waiting for a redelivery included; 0 for no such queue. */
    public long messageCount(String queueName) {
        Queue queue = server.getActiveMQServer().locateQueue(queueName);
        return queue == null ? 0 : queue.getMessageCount();
    }

    ActiveMQServer activeServer() {
        return server.getActiveMQServer();
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }

    private enum Permission {
        SEND,
        CONSUME,
        BROWSE,
        CREATE
    }

    /** CREATE: addresses and queues, durable or not (reply queues, temporary queues), and deleting temporary ones. */
    private static Role role(String name, Permission... granted) {
        Set<Permission> has = Set.of(granted);
        boolean create = has.contains(Permission.CREATE);
        return new Role(
                name,
                has.contains(Permission.SEND),
                has.contains(Permission.CONSUME),
                create,
                false,
                create,
                create,
                false,
                has.contains(Permission.BROWSE),
                create,
                false,
                false,
                false);
    }
}
