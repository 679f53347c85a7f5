package io.profilebridge.jms;

import io.profilebridge.BackgroundStart;
import io.profilebridge.BridgeSettings;
import io.profilebridge.ClosingService;
import io.profilebridge.FreePort;
import io.profilebridge.OutOfMemoryExit;
import io.profilebridge.RouteWiring;
import io.profilebridge.StartupFailure;
import io.profilebridge.Urls;
import io.profilebridge.job.JobStoreException;
import io.profilebridge.operations.JmsBrokerHealthCheck;
import io.profilebridge.operations.JmsConsumersHealthCheck;
import java.net.URI;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.component.jms.DefaultSpringErrorHandler;
import org.apache.camel.component.jms.EndpointMessageListener;
import org.apache.camel.component.jms.JmsComponent;
import org.apache.camel.health.HealthCheckHelper;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.model.Model;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.support.LifecycleStrategySupport;
import org.apache.camel.util.ObjectHelper;
import org.messaginghub.pooled.jms.JmsPoolConnectionFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.util.ErrorHandler;

/**
 * Connects the {@code jms} component to the ESB broker ({@code bridge.jms.broker-url}), or starts the embedded
 * Artemis broker first when none is given. With {@code bridge.jms.enabled=false} nothing here runs and the JMS
 * routes stay stopped.
 */
public class JmsConfiguration implements CamelConfiguration {

    /** The YAML routes that need a broker; left out entirely when JMS is off. */
    static final Set<String> JMS_ROUTE_IDS = Set.of("jms-requests", "deliver-result-jms");
    /** Where routes/deliver-result.camel.yaml sends a JMS request's result; read by no route when JMS is off. */
    public static final String DELIVERY_ENDPOINT = "direct:deliver-result-jms";
    /** Registry name of the {@link DeadLetters} the status page shows. */
    public static final String DEAD_LETTERS = "jmsDeadLetters";
    /** Registry name of the embedded broker's {@link BackgroundStart}, when there is one. */
    public static final String EMBEDDED_BROKER = "embeddedBroker";

    private static final Logger LOG = LoggerFactory.getLogger(JmsConfiguration.class);

    /**
     * With JMS off, the routes left out: the packaged ones by id, and any route that reads a queue or the JMS delivery
     * endpoint whatever its id (routes audit: a JMS route renamed by an integrator stopped the start with only
     * "connectionFactory must be specified").
     */
    static boolean notJms(RouteDefinition route) {
        String input = route.getInput() == null ? "" : route.getInput().getEndpointUri();
        String id = route.getRouteId(); // null for a Java route given none
        return (id == null || !JMS_ROUTE_IDS.contains(id))
                && !input.startsWith("jms:")
                && !RouteWiring.endpoint(input).equals(DELIVERY_ENDPOINT);
    }

    @Override
    public void configure(CamelContext context) throws Exception {
        BridgeSettings settings = new BridgeSettings(context);
        if (!settings.flag("bridge.jms.enabled")) {
            LOG.info("JMS is off (bridge.jms.enabled=false): requests come from the inbox only");
            context.getCamelContextExtension().getContextPlugin(Model.class).setRouteFilter(JmsConfiguration::notJms);
            return;
        }
        JmsBodies.register(context, settings.number("bridge.request.max-bytes"));
        context.addRoutePolicyFactory(new JmsMessageKept());
        String brokerUrl = settings.optional("bridge.jms.broker-url").orElse("");
        BrokerAccounts.Login login;
        if (brokerUrl.isEmpty()) {
            brokerUrl = settings.text("bridge.jms.embedded-url");
            login = startEmbeddedBroker(context, settings, brokerUrl);
        } else {
            LOG.info("Using the JMS broker at {}", Urls.shown(brokerUrl));
            context.getRegistry().bind(DEAD_LETTERS, DeadLetters.external());
            login = new BrokerAccounts.Login(
                    settings.optional("bridge.jms.user").orElse(null),
                    settings.optional("bridge.jms.password").orElse(null));
        }
        ActiveMQConnectionFactory broker =
                connectionFactory(brokerUrl, login, settings.number("bridge.jms.call-failover-timeout-ms"));
        BrokerReachability reachability = new BrokerReachability(brokerUrl);
        context.getRegistry().bind(BrokerReachability.NAME, reachability);
        HealthCheckRegistry health = HealthCheckHelper.getHealthCheckRegistry(context);
        ListenerFailures listenerFailures = new ListenerFailures();
        if (health != null) {
            health.register(new JmsBrokerHealthCheck(reachability, embeddedDiskFull(context)));
            health.register(new JmsConsumersHealthCheck(listenerFailures));
        }
        // one pooled connection for the consumers and every result sent, instead of one per send or receive
        JmsPoolConnectionFactory pool = new JmsPoolConnectionFactory();
        pool.setConnectionFactory(new WatchedConnectionFactory(broker, reachability));
        context.addService(new ClosingService(() -> {
            pool.stop();
            broker.close();
        }));
        context.addLifecycleStrategy(new LifecycleStrategySupport() {
            @Override
            public void onContextStopping(CamelContext stopping) {
                // else each listener's rollback and close wait Artemis's call timeout for a broker that is not
                // there (30 s each: six minutes measured for four consumers); unacknowledged requests stay with it
                if (reachability.problem().isPresent()) {
                    LOG.info("The JMS broker is away: its connections are closed first, so the stop need not wait");
                    broker.close();
                } else {
                    // lost while the stop runs, the same holds (seen by hand: a broker gone a second after SIGTERM
                    // held the stop for the whole shutdown timeout); closed on a thread of its own, not Artemis's
                    // failover thread that reports the loss
                    reachability.onLoss(() -> new Thread(
                                    () -> {
                                        LOG.info("The JMS broker went away during the stop: its connections are"
                                                + " closed, so the stop need not wait");
                                        broker.close();
                                    },
                                    "jms-broker-lost-close")
                            .start());
                }
            }
        });
        JmsComponent jms = context.getComponent("jms", JmsComponent.class);
        jms.setConnectionFactory(pool);
        jms.setHeaderFilterStrategy(new CallerHeaderFilter());
        jms.setDestinationResolver(new ExactQueueNames());
        // the broker's words when it refuses a request consumer, for the jms-requests check
        jms.setExceptionListener(listenerFailures);
        // Spring's listener catches every Throwable and Camel's handler only logs it: a want of heap ends the process
        ErrorHandler logged = new DefaultSpringErrorHandler(
                context,
                EndpointMessageListener.class,
                jms.getErrorHandlerLoggingLevel(),
                jms.isErrorHandlerLogStackTrace());
        jms.setErrorHandler(error -> {
            OutOfMemoryExit.haltIfCausedBy(error);
            // a job store away: the route's error handling has said so in one line
            // (routes/jms-intake-errors.camel.yaml);
            // a stack trace per message per redelivery only repeated it (store-failure audit: 477 lines in 25 s)
            if (ObjectHelper.getException(JobStoreException.class, error) != null) {
                return;
            }
            if (sessionClosed(error)) {
                // the broker went away between the intake and its commit: the message comes again and starts nothing
                // twice; one line, not Spring's stack trace for each listener (external-broker audit: 13 of them)
                LOG.warn(
                        "A JMS request's session closed under its listener (the broker went away: {}); the message,"
                                + " not committed, comes again and starts nothing twice",
                        ObjectHelper.getException(jakarta.jms.IllegalStateException.class, error)
                                .getMessage());
                return;
            }
            logged.handleError(error);
        });
        context.getRegistry().bind("temporaryReplies", new TemporaryReplies(pool));
    }

    /** The client of the broker at {@code brokerUrl}, logged in as {@code login}. */
    static ActiveMQConnectionFactory connectionFactory(
            String brokerUrl, BrokerAccounts.Login login, long callTimeoutMs) {
        ActiveMQConnectionFactory broker = new ActiveMQConnectionFactory(brokerUrl, login.user(), login.password());
        // keep retrying the broker instead of failing the route when it is briefly away
        broker.setReconnectAttempts(-1);
        broker.setRetryInterval(1000);
        // the bridge reads text and bytes only: no message body is ever turned into a Java object
        broker.setDeserializationDenyList("*");
        // a blocking call (a send, a commit, a rollback) waits this long for a lost broker, not for ever: a stop
        // with the broker gone hung in a listener's rollback; the failed call is retried (transacted, nothing lost)
        broker.setCallFailoverTimeout(callTimeoutMs);
        // and a call the broker stops answering before its loss is noticed (the destination lookup of a send) waits
        // as long, not Artemis's 30 s (JMS audit: every job worker sat 30-54 s in such sends)
        broker.setCallTimeout(callTimeoutMs);
        // a request is fetched when a consumer is free to take it, not ahead into a 1 MiB buffer: a process that dies
        // has each buffered request counted as delivered once, and under an ESB's max-delivery-attempts of 1 the
        // broker dead-lettered, or with no dead-letter address dropped, requests the bridge never read (external
        // broker audit: 289 of 300 in DLQ, 67 of 100 gone, after a SIGKILL). A URL's own consumerWindowSize stays.
        if (!brokerUrl.toLowerCase(Locale.ROOT).contains("consumerwindowsize=")) {
            broker.setConsumerWindowSize(0);
        }
        return broker;
    }

    /** Whether a listener's failure is its session closed under it, as a broker that went away leaves it. */
    static boolean sessionClosed(Throwable error) {
        jakarta.jms.IllegalStateException closed =
                ObjectHelper.getException(jakarta.jms.IllegalStateException.class, error);
        return closed != null
                && closed.getMessage() != null
                && closed.getMessage().toLowerCase(Locale.ROOT).contains("closed");
    }

    /** Why the embedded broker takes no message for want of disk, once it is up; never anything for an external one. */
    @SuppressWarnings("unchecked")
    private static Supplier<Optional<String>> embeddedDiskFull(CamelContext context) {
        BackgroundStart<EmbeddedBroker> embedded =
                context.getRegistry().lookupByNameAndType(EMBEDDED_BROKER, BackgroundStart.class);
        return embedded == null ? Optional::empty : () -> embedded.ifOpened().flatMap(EmbeddedBroker::diskFull);
    }

    /** Starts the embedded broker in the background and answers the bridge's own login to it. */
    private static BrokerAccounts.Login startEmbeddedBroker(
            CamelContext context, BridgeSettings settings, String acceptorUrl) throws Exception {
        Path data = Path.of(settings.text("bridge.data"));
        BrokerAccounts accounts = BrokerAccounts.load(
                data.resolve(BrokerAccounts.FILE),
                settings.optional("bridge.jms.user").orElse(BrokerAccounts.BRIDGE_USER),
                settings.optional("bridge.jms.password"),
                settings.text("bridge.jms.client-user"),
                settings.optional("bridge.jms.client-password"));
        EmbeddedBroker.Settings broker = new EmbeddedBroker.Settings(
                data.resolve("artemis"),
                acceptorUrl,
                new EmbeddedBroker.Queues(
                        settings.text("bridge.jms.requests"),
                        settings.text("bridge.jms.results"),
                        settings.text("bridge.jms.failed")),
                accounts,
                settings.integer("bridge.jms.max-delivery-attempts"),
                settings.number("bridge.jms.redelivery-delay-ms"),
                settings.number("bridge.jms.max-message-bytes"),
                settings.integer("bridge.jms.max-disk-usage"));
        URI address = URI.create(acceptorUrl); // checked by PropertyChecks
        FreePort.require("embedded broker", address.getHost(), address.getPort(), "bridge.jms.embedded-url");
        // the broker starts beside the job store and the routes; no JMS route starts before it is up, and it
        // stops after them, so in-flight sends can finish
        BackgroundStart<EmbeddedBroker> start = BackgroundStart.begin("embedded-broker-start", () -> {
            try {
                return EmbeddedBroker.start(broker);
            } catch (IllegalStateException e) {
                throw new StartupFailure(e.getMessage(), e);
            }
        });
        context.addService(start);
        context.getRegistry().bind(EMBEDDED_BROKER, start);
        context.getRegistry().bind(DEAD_LETTERS, DeadLetters.embedded(start));
        return accounts.bridge();
    }
}
