package io.profilebridge;

import org.apache.camel.support.service.ServiceSupport;

/**
 * Closes a resource when Camel stops. Added to the context as a service, it stops after the routes that use the
 * resource, so in-flight work can finish with it.
 */
public final class ClosingService extends ServiceSupport {

    private final AutoCloseable resource;

    public ClosingService(AutoCloseable resource) {
        this.resource = resource;
    }

    @Override
    protected void doStop() throws Exception {
        resource.close();
    }
}
