package io.profilebridge;

import org.apache.camel.CamelContext;
import org.apache.camel.spi.CamelEvent;
import org.slf4j.LoggerFactory;

/**
 * What the bridge itself reports happened (a job's step, an API's answer), published to Camel's event notifiers as
 * a custom event, so that whoever wants to know (the metrics) listens instead of being called.
 */
public interface BridgeEvent extends CamelEvent {

    @Override
    default Type getType() {
        return Type.Custom;
    }

    @Override
    default Object getSource() {
        return this;
    }

    /** Not kept: 0, as Camel's own events have it unless timestamps are turned on. */
    @Override
    default long getTimestamp() {
        return 0;
    }

    @Override
    default void setTimestamp(long timestamp) {
        // not kept, see getTimestamp
    }

    /** Tells every event notifier of the context; a listener that fails is logged and never fails the sender. */
    static void publish(CamelContext context, BridgeEvent event) {
        try {
            context.getManagementStrategy().notify(event);
        } catch (Exception e) {
            LoggerFactory.getLogger(BridgeEvent.class).warn("A listener failed on {}: {}", event, e.toString());
        }
    }
}
