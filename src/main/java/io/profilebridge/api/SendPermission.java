package io.profilebridge.api;

import java.io.IOException;
import java.util.function.BooleanSupplier;
import org.apache.camel.component.http.HttpClientConfigurer;
import org.apache.hc.client5.http.classic.ExecChain;
import org.apache.hc.client5.http.classic.ExecChainHandler;
import org.apache.hc.client5.http.impl.ChainElement;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.HttpException;

/**
 * The last question before a call goes out: may it still (the job is still this instance's, its place in the call
 * gate still its own, renewed now: JobDispatcher.mayCall)? Asked inside HttpClient's execution chain, right before
 * the request is written, once the connection is leased and connected. Asked before the HTTP step instead, the first
 * calls of a cold process loaded classes and connected for long enough, on a loaded host, that a place renewed before
 * all that had gone to another instance's call by the time the request went out (CI run 82, load average 15: two
 * calls of one bucket 221 ms apart on a shared store). camel-http calls HttpClient on the route's own thread and
 * passes it nothing of the exchange, so the question travels on that thread ({@link #ask}).
 */
public final class SendPermission implements HttpClientConfigurer, ExecChainHandler {

    private static final ThreadLocal<BooleanSupplier> QUESTION = new ThreadLocal<>();

    /** The calls this thread makes from now on ask {@code mayCall} first; with null they go out unasked. */
    public static void ask(BooleanSupplier mayCall) {
        if (mayCall == null) {
            QUESTION.remove();
        } else {
            QUESTION.set(mayCall);
        }
    }

    @Override
    public void configureHttpClient(HttpClientBuilder builder) {
        builder.addExecInterceptorBefore(ChainElement.MAIN_TRANSPORT.name(), "profile-bridge-send-permission", this);
    }

    @Override
    public ClassicHttpResponse execute(ClassicHttpRequest request, ExecChain.Scope scope, ExecChain chain)
            throws IOException, HttpException {
        BooleanSupplier mayCall = QUESTION.get();
        if (mayCall != null && !mayCall.getAsBoolean()) {
            throw new ApiCallRoutes.CallWithdrawn();
        }
        return chain.proceed(request, scope);
    }
}
