package io.profilebridge;

import org.apache.camel.cli.connector.DefaultCliConnectorFactory;

/**
 * The camel-cli-connector factory a test's plain {@code DefaultCamelContext} finds (named in this module's test
 * resources, ahead of camel-cli-connector's own): switched off. Camel turns the connector on by default in a context
 * that binds no factory of its own, and its thread, started with the context, reads the dev consoles while the
 * context starts them: a ConcurrentModificationException in DefaultDevConsoleRegistry.doStart now and then under load
 * (ci295, ci304). The bridge itself binds its own factory, off unless bridge.cli-connector.enabled is set.
 */
public class NoCliConnectorFactory extends DefaultCliConnectorFactory {

    public NoCliConnectorFactory() {
        setEnabled(false);
    }
}
