package io.profilebridge.jms;

import java.net.URI;
import java.nio.file.Path;

import io.profilebridge.BackgroundStart;
import io.profilebridge.BridgeSettings;
import io.profilebridge.ClosingService;
import io.profilebridge.FreePort;
import io.profilebridge.StartupFailure;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.component.jms.JmsComponent;
import org.apache.camel.model.Model;
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

    /** Registry name of the embedded broker's {@link BackgroundStart}, when one runs. */
    public static final String EMBEDDED_BROKER = "embeddedBroker";

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
            URI address = URI.create(acceptor);
            FreePort.require("embedded broker", address.getHost(), address.getPort(), "bridge.jms.embedded-url");
            // the broker starts beside the job store and the routes; no JMS route starts before it is up, and it
            // stops after them, so in-flight sends can finish
            BackgroundStart<EmbeddedBroker> start = BackgroundStart.begin("embedded-broker-start", () -> {
                try {
                    return EmbeddedBroker.start(folder, acceptor, maxDeliveryAttempts);
                } catch (IllegalStateException e) {
                    throw new StartupFailure(e.getMessage() + "; give each instance its own bridge.data and "
                            + "bridge.jms.embedded-url (BRIDGE_DATA, BRIDGE_JMS_EMBEDDED_URL)", e);
                }
            });
            context.addService(start);
            context.getRegistry().bind(EMBEDDED_BROKER, start);
        } else {
            LOG.info("Using the JMS broker at {}", brokerUrl);
        }
        ActiveMQConnectionFactory connectionFactory = new ActiveMQConnectionFactory(brokerUrl,
                settings.optional("bridge.jms.user").orElse(null), settings.optional("bridge.jms.password").orElse(null));
        // keep retrying the broker instead of failing the route when it is briefly away
        connectionFactory.setReconnectAttempts(-1);
        connectionFactory.setRetryInterval(1000);
        context.addService(new ClosingService(connectionFactory));
        context.getComponent("jms", JmsComponent.class).setConnectionFactory(connectionFactory);
    }
}
