package io.profilebridge.crash;

import java.io.IOException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.component.http.CompositeHttpConfigurer;
import org.apache.camel.component.http.HttpClientConfigurer;
import org.apache.camel.component.http.HttpComponent;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.spi.CamelEvent.ExchangeCompletedEvent;
import org.apache.camel.spi.CamelEvent.ExchangeSendingEvent;
import org.apache.camel.spi.CamelEvent.ExchangeSentEvent;
import org.apache.camel.support.EventNotifierSupport;
import org.apache.hc.client5.http.classic.ExecChain;
import org.apache.hc.client5.http.classic.ExecChainHandler;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.HttpException;

/**
 * Halts the bridge at one {@link CrashPoint}, once {@code arrivals} requests have reached it: the ones that come
 * first wait there, so every request of a test is at the same point when the JVM goes ({@link Runtime#halt}: no
 * shutdown hook, no Camel shutdown, nothing flushed). The points are found where the bridge's structure keeps them:
 * Camel's exchange events at the intake and delivery endpoints ({@code direct:accept-request},
 * {@code direct:deliver-result}, the API calls {@code direct:call-<api>}), the end of an inbox route's exchange
 * (after the file consumer moved the file), and HttpClient's execution chain for the answer of a POST.
 */
final class CrashHooks extends EventNotifierSupport implements HttpClientConfigurer, ExecChainHandler {

    private static final String ACCEPT_REQUEST = "direct:accept-request";
    private static final String DELIVER_RESULT = "direct:deliver-result";
    private static final String CALL_API = "direct:call-";

    private final CrashPoint armed;
    private final int arrivals;
    private final AtomicInteger reached = new AtomicInteger();
    /** Exchanges sending an API start (POST) to {@code direct:call-<api>}: their return is {@link CrashPoint#AFTER_ANSWER}. */
    private final Set<String> starts = ConcurrentHashMap.newKeySet();

    CrashHooks(CrashPoint armed, int arrivals) {
        this.armed = armed;
        this.arrivals = arrivals;
        setIgnoreCamelContextEvents(true);
        setIgnoreRouteEvents(true);
        setIgnoreServiceEvents(true);
        setIgnoreStepEvents(true);
        setIgnoreExchangeCreatedEvent(true);
        setIgnoreExchangeFailedEvents(true);
        setIgnoreExchangeRedeliveryEvents(true);
    }

    /** Listens to the context's exchanges and adds itself to the HTTP clients it is about to build. */
    void installInto(CamelContext context) {
        context.getManagementStrategy().addEventNotifier(this);
        for (String scheme : new String[] {"http", "https"}) {
            HttpComponent http = context.getComponent(scheme, HttpComponent.class);
            http.setHttpClientConfigurer(
                    CompositeHttpConfigurer.combineConfigurers(http.getHttpClientConfigurer(), this));
        }
    }

    @Override
    public void notify(CamelEvent event) {
        if (event instanceof ExchangeSendingEvent sending) {
            Exchange exchange = sending.getExchange();
            String endpoint = uri(sending.getEndpoint());
            if (endpoint.equals(ACCEPT_REQUEST)) {
                reach(CrashPoint.BEFORE_JOB_COMMIT);
            } else if (endpoint.equals(DELIVER_RESULT)) {
                reach(CrashPoint.BEFORE_DELIVERY);
            } else if (endpoint.startsWith(CALL_API)
                    && "POST".equals(String.valueOf(exchange.getMessage().getHeader(Exchange.HTTP_METHOD)))) {
                starts.add(exchange.getExchangeId());
            }
        } else if (event instanceof ExchangeSentEvent sent
                && !sent.getExchange().isFailed()) {
            String endpoint = uri(sent.getEndpoint());
            if (endpoint.equals(ACCEPT_REQUEST)) {
                reach(CrashPoint.AFTER_JOB_COMMIT);
            } else if (endpoint.equals(DELIVER_RESULT)) {
                reach(CrashPoint.AFTER_DELIVERY);
            } else if (endpoint.startsWith(CALL_API)
                    && starts.remove(sent.getExchange().getExchangeId())) {
                reach(CrashPoint.AFTER_ANSWER);
            }
        } else if (event instanceof ExchangeCompletedEvent completed) {
            // the file consumer moves its file when the exchange is done, before this event
            // (an inbox file's exchange: not the inbox-unread-folders timer's)
            String route = completed.getExchange().getFromRouteId();
            Endpoint from = completed.getExchange().getFromEndpoint();
            if (route != null
                    && route.startsWith("inbox-")
                    && from != null
                    && uri(from).startsWith("file:")) {
                reach(CrashPoint.AFTER_FILE_MOVE);
            }
        }
    }

    @Override
    public void configureHttpClient(HttpClientBuilder builder) {
        builder.addExecInterceptorLast("crash-after-post", this);
    }

    @Override
    public ClassicHttpResponse execute(ClassicHttpRequest request, ExecChain.Scope scope, ExecChain chain)
            throws IOException, HttpException {
        ClassicHttpResponse response = chain.proceed(request, scope);
        if ("POST".equals(request.getMethod())) {
            reach(CrashPoint.AFTER_POST);
        }
        return response;
    }

    /** Waits here until the last of the arrivals comes, which halts the JVM. */
    private void reach(CrashPoint point) {
        if (point != armed) {
            return;
        }
        int arrived = reached.incrementAndGet();
        System.out.println("crash point " + point + " reached (" + arrived + " of " + arrivals + ")");
        if (arrived >= arrivals) {
            System.out.println(CrashPoint.HALTING + point);
            System.out.flush();
            Runtime.getRuntime().halt(CrashPoint.HALT_STATUS);
        }
        Object never = new Object();
        synchronized (never) {
            while (true) {
                try {
                    never.wait();
                } catch (InterruptedException e) {
                    // stay at the point: the halt is coming
                }
            }
        }
    }

    private static String uri(Endpoint endpoint) {
        return endpoint.getEndpointUri().replace("://", ":");
    }
}
