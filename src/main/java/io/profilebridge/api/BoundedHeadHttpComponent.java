package io.profilebridge.api;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.camel.component.http.HttpComponent;
import org.apache.hc.client5.http.impl.IdleConnectionEvictor;
import org.apache.hc.client5.http.impl.io.ManagedHttpClientConnectionFactory;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.io.HttpClientConnectionManager;
import org.apache.hc.client5.http.socket.ConnectionSocketFactory;
import org.apache.hc.core5.http.config.Http1Config;
import org.apache.hc.core5.http.config.Registry;
import org.apache.hc.core5.http.io.SocketConfig;
import org.apache.hc.core5.pool.PoolConcurrencyPolicy;
import org.apache.hc.core5.util.TimeValue;

/**
 * camel-http's component whose connections read at most {@link #MAX_HEADER_COUNT} header lines of at most
 * {@link #MAX_LINE_LENGTH} characters of an answer's head. HttpClient 5 sets no limit there, and
 * {@link ApiCallLimits} caps the body only: an answer that sent header lines without end filled the heap within the
 * call's deadline (security audit: 4.8 GB in one call, and with a smaller heap an OutOfMemoryError that left the
 * process hung). camel-http passes no connection factory of its own, so this is its connection manager with one.
 */
public final class BoundedHeadHttpComponent extends HttpComponent {

    private final long idleCloseMs;
    /** One per connection manager made (camel-http makes one per component, and more for endpoints of their own). */
    private final List<IdleConnectionEvictor> evictors = new CopyOnWriteArrayList<>();

    /**
     * {@code idleCloseMs}: pooled connections idle that long are closed (0: never). A firewall or NAT that drops an
     * idle connection without a word leaves nothing HttpClient's check before reuse can see, and the next call on it
     * waits its whole deadline, once per such connection in the pool (idle-connections audit: a start took 185 s
     * through five of them, with no line logged).
     */
    public BoundedHeadHttpComponent(long idleCloseMs) {
        this.idleCloseMs = idleCloseMs;
    }

    /** Far above what an API's answer carries (a dozen or two), far below what would strain the heap. */
    static final int MAX_HEADER_COUNT = 100;

    static final int MAX_LINE_LENGTH = 16 * 1024;

    private static final ManagedHttpClientConnectionFactory CONNECTIONS = ManagedHttpClientConnectionFactory.builder()
            .http1Config(Http1Config.custom()
                    .setMaxHeaderCount(MAX_HEADER_COUNT)
                    .setMaxLineLength(MAX_LINE_LENGTH)
                    .build())
            .build();

    /** camel-http 4.18's own manager (HttpComponent#createConnectionManager), with the bounded connections. */
    @Override
    protected HttpClientConnectionManager createConnectionManager(
            Registry<ConnectionSocketFactory> registry, int maxTotal, int perRoute, SocketConfig socketConfig) {
        PoolingHttpClientConnectionManager manager = new PoolingHttpClientConnectionManager(
                registry,
                PoolConcurrencyPolicy.STRICT,
                TimeValue.ofMilliseconds(getConnectionTimeToLive()),
                CONNECTIONS);
        int total = maxTotal == 0 ? getMaxTotalConnections() : maxTotal;
        if (total > 0) {
            manager.setMaxTotal(total);
        }
        manager.setDefaultSocketConfig(socketConfig);
        int route = perRoute == 0 ? getConnectionsPerRoute() : perRoute;
        if (route > 0) {
            manager.setDefaultMaxPerRoute(route);
        }
        if (idleCloseMs > 0) {
            // HttpClient's own evictor (a daemon thread), looking twice per period: closed within 1.5 periods idle
            IdleConnectionEvictor evictor = new IdleConnectionEvictor(
                    manager,
                    TimeValue.ofMilliseconds(Math.max(1, idleCloseMs / 2)),
                    TimeValue.ofMilliseconds(idleCloseMs));
            evictor.start();
            evictors.add(evictor);
        }
        return manager;
    }

    @Override
    public void doStop() throws Exception {
        evictors.forEach(IdleConnectionEvictor::shutdown);
        evictors.clear();
        super.doStop();
    }
}
