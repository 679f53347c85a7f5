package io.profilebridge;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.VetoCamelContextStartException;
import org.apache.camel.support.service.ServiceSupport;

/**
 * A resource that opens on a thread of its own while Camel loads the routes (start-up time), added to the context
 * as a service: Camel starts services before any route, and this one's start waits until the resource is open (or
 * fails with the reason it could not be); its stop, after the routes', closes it.
 */
public final class BackgroundStart<T extends AutoCloseable> extends ServiceSupport implements CamelContextAware {

    /** Opens the resource; runs once, on the background thread. */
    @FunctionalInterface
    public interface Opening<T> {
        T open() throws Exception;
    }

    private final CompletableFuture<T> resource = new CompletableFuture<>();
    private CamelContext camelContext;

    private BackgroundStart() {}

    /** Starts opening now, on a thread named {@code name}. */
    public static <T extends AutoCloseable> BackgroundStart<T> begin(String name, Opening<T> opening) {
        BackgroundStart<T> start = new BackgroundStart<>();
        Thread thread = new Thread(
                () -> {
                    try {
                        start.resource.complete(opening.open());
                    } catch (Throwable e) {
                        start.resource.completeExceptionally(e);
                    }
                },
                name);
        thread.setDaemon(true);
        thread.start();
        return start;
    }

    @Override
    protected void doStart() throws Exception {
        try {
            opened();
        } catch (Exception e) {
            // a veto stops the start-up with the reason alone (BridgeMain's one line), where any other exception
            // would have Camel log its stack trace first
            throw new VetoCamelContextStartException(e.getMessage(), e, camelContext, true);
        }
    }

    @Override
    public void setCamelContext(CamelContext camelContext) {
        this.camelContext = camelContext;
    }

    @Override
    public CamelContext getCamelContext() {
        return camelContext;
    }

    /** The opened resource, once this service has started. */
    public T resource() throws Exception {
        return opened();
    }

    /** The resource if it is open by now; empty while it opens, or when it could not be opened. */
    public Optional<T> ifOpened() {
        return resource.isDone() && !resource.isCompletedExceptionally()
                ? Optional.of(resource.join())
                : Optional.empty();
    }

    @Override
    protected void doStop() throws Exception {
        opened().close();
    }

    private T opened() throws Exception {
        try {
            return resource.get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }
}
