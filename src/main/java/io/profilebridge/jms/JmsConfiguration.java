package io.profilebridge.jms;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import io.profilebridge.BridgeSettings;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.component.jms.JmsComponent;
import org.apache.camel.model.Model;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Connects the {@code jms} component to the ESB broker ({@code bridge.jms.broker-url}), or starts the embedded
 * Artemis broker first when none is given. With {@code bridge.jms.enabled=false} nothing here runs and the JMS
 * routes stay stopped.
 */
public class JmsConfiguration implements CamelConfiguration {

    /** The YAML routes that need a broker; left out entirely when JMS is off. */
    static final String JMS_ROUTES = "jms-requests,deliver-result-jms";

    private static final Logger LOG = LoggerFactory.getLogger(JmsConfiguration.class);

    @Override
    public void configure(CamelContext context) throws Exception {
        BridgeSettings settings = new BridgeSettings(context);
        if (!settings.flag("bridge.jms.enabled", true)) {
            LOG.info("JMS is off (bridge.jms.enabled=false): requests come from the inbox only");
            context.getCamelContextExtension().getContextPlugin(Model.class).setRouteFilterPattern(null, JMS_ROUTES);
            return;
        }
        String brokerUrl = settings.text("bridge.jms.broker-url", "");
        if (brokerUrl.isEmpty()) {
            brokerUrl = settings.text("bridge.jms.embedded-url", "tcp://127.0.0.1:61616");
            Path folder = Path.of(settings.text("bridge.data", "data")).resolve("artemis");
            int maxDeliveryAttempts = settings.integer("bridge.jms.max-delivery-attempts", 5);
            String acceptor = brokerUrl;
            // the broker starts beside the job store, the routes and the management server (start-up time); the
            // service below waits for it before any JMS route starts, and stops it after them
            CompletableFuture<EmbeddedBroker> broker = new CompletableFuture<>();
            Thread starter = new Thread(() -> {
                try {
                    broker.complete(EmbeddedBroker.start(folder, acceptor, maxDeliveryAttempts));
                } catch (Throwable e) {
                    broker.completeExceptionally(e);
                }
            }, "embedded-broker-start");
            starter.start();
            context.addService(new ServiceSupport() {
                @Override
                protected void doStart() throws Exception {
                    started(broker);
                    LOG.info("Embedded Artemis broker listening on {} (journal in {})", acceptor, folder);
                }

                @Override
                protected void doStop() throws Exception {
                    started(broker).close();
                }
            });
        } else {
            LOG.info("Using the JMS broker at {}", brokerUrl);
        }
        ActiveMQConnectionFactory connectionFactory = new ActiveMQConnectionFactory(brokerUrl,
                settings.optional("bridge.jms.user").orElse(null), settings.optional("bridge.jms.password").orElse(null));
        // keep retrying the broker instead of failing the route when it is briefly away
        connectionFactory.setReconnectAttempts(-1);
        connectionFactory.setRetryInterval(1000);
        context.addService(new ServiceSupport() {
            @Override
            protected void doStop() {
                connectionFactory.close();
            }
        });
        context.getComponent("jms", JmsComponent.class).setConnectionFactory(connectionFactory);
    }

    private static EmbeddedBroker started(CompletableFuture<EmbeddedBroker> broker) throws Exception {
        try {
            return broker.get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }
}
