package io.profilebridge.api;

import io.profilebridge.ErrorText;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.core5.http.ConnectionClosedException;
import org.apache.hc.core5.http.NoHttpResponseException;

/** The one error model: what the bridge does with an answer that is not a success. */
public enum FaultClass {
    /**
     * 5xx, timeouts, connection errors, and a redirect or a 4xx the docs do not give a read on a read of an accepted
     * run: same key, same body, exponential backoff with jitter.
     */
    RETRY,
    /** 429: wait for Retry-After; never counted as a failed attempt. */
    RATE_LIMITED,
    /**
     * 401/403/402, or Orbit's {@code developer_deep_search_not_configured}: the key, scope, credits or the API's
     * environment; or a proxy on the way that asks for credentials (407). Nothing fails; the request waits and is tried
     * again slowly.
     */
    HOLD,
    /** Validation errors, idempotency conflicts, an Orbit request Deep Search refuses: a failed result naming the code. */
    PERMANENT,
    /** Orbit refunded the key's charge: no run and no charge stand for it (the API route decides what follows). */
    KEY_REFUNDED,
    /**
     * The call was withdrawn before it went out (its place in the call gate went to another call, or the job may be
     * another instance's now): nothing was sent, so nothing counts; the step is due again at once.
     */
    NOT_SENT;

    /** What a proxy on the way answers when it wants other credentials than those the bridge gave it. */
    public static final int PROXY_AUTHENTICATION_REQUIRED = 407;

    /** Orbit's 409 for a requestId reused with other request parameters. */
    public static final String ORBIT_KEY_CONFLICT = "developer_api_idempotency_key_conflict";
    /** Orbit's 409 for a requestId whose charge was refunded. */
    public static final String ORBIT_KEY_REFUNDED = "developer_api_idempotency_key_refunded";
    /** Orbit's code for a request Deep Search will not serve: final for that request, retrying cannot help. */
    public static final String ORBIT_UNAVAILABLE_FOR_REQUEST = "developer_deep_search_unavailable_for_request";
    /** Orbit's code for an environment without Deep Search: the whole API is held, like a missing key. */
    public static final String ORBIT_NOT_CONFIGURED = "developer_deep_search_not_configured";

    /**
     * Orbit's "Retry later" codes, by which it says it did not take the request ("did not accept the request or could
     * not be reached", "is currently unavailable"): no run started, and "charges are also refunded automatically when
     * the run is rejected or cannot be accepted", so the same requestId is refunded from then on.
     */
    public static final Set<String> ORBIT_NOT_TAKEN =
            Set.of("developer_deep_search_request_failed", "developer_deep_search_unavailable");

    /**
     * The API says "Retry later" (any 5xx), cannot be reached (no connection, none within the connect timeout),
     * dropped the connection without an answer (a reset, a close), or is not at its address (a redirect: the docs give
     * none, so it is a moved host or a gateway's, never followed as it would carry the key): an outage, which says
     * nothing about the call itself. A deadline passed or an answer over the cap may be this call's own, so neither is
     * one.
     */
    public static boolean isOutage(ApiAnswer answer) {
        if (!answer.isTransportFailure()) {
            return answer.httpStatus() >= 500 || answer.isRedirect();
        }
        // the bridge's own aborts close the connection too, and wrap what that closing threw: the closed socket below
        // them is not the API's doing. SocketException: refused, no route, reset, broken pipe
        return firstCause(
                        answer,
                        ApiCallLimits.DeadlineExceeded.class,
                        ApiCallLimits.AnswerTooLarge.class,
                        SocketException.class,
                        UnknownHostException.class,
                        ConnectTimeoutException.class,
                        NoHttpResponseException.class,
                        ConnectionClosedException.class)
                .filter(cause -> !(cause instanceof ApiCallLimits.DeadlineExceeded)
                        && !(cause instanceof ApiCallLimits.AnswerTooLarge))
                .isPresent();
    }

    /**
     * The call got no answer the API meant: a 5xx, a redirect, or no HTTP answer at all, a deadline passed too (an API
     * that only hangs is out as well). An answer over the cap ({@code bridge.http.max-answer-bytes}) came, however long
     * (big-bodies audit: it was logged as "gives no answer"). What ApiOutageLog counts towards an outage.
     */
    public static boolean failedCall(ApiAnswer answer) {
        return answer.isTransportFailure()
                ? firstCause(answer, ApiCallLimits.AnswerTooLarge.class).isEmpty()
                : answer.httpStatus() >= 500 || answer.isRedirect();
    }

    /**
     * The call failed before a connection was made (refused, no route, no such host, none within the connect
     * timeout), or before its TLS handshake ended (a client sends no request byte before): nothing of it reached the
     * API (network audit: an https URL at a plain port was given up as "a run may exist", read again in vain).
     */
    public static boolean neverConnected(ApiAnswer answer) {
        return firstCause(
                                answer,
                                ConnectException.class,
                                NoRouteToHostException.class,
                                UnknownHostException.class,
                                ConnectTimeoutException.class)
                        .isPresent()
                || (answer.transportFailure() != null
                        && ErrorText.causes(answer.transportFailure()).stream().anyMatch(FaultClass::duringHandshake));
    }

    /**
     * A failure before the TLS handshake ended, when no request byte has gone: the JDK says an answer in plain HTTP is
     * "Unsupported or unrecognized SSL message", an SSLException, not an SSLHandshakeException, and a server that drops
     * the connection then gives a SocketException (re-check audit: both were looked for as "a run may exist", the
     * second until the job's age); one raised while the answer was read, after the request went, is not.
     */
    static boolean duringHandshake(Throwable failure) {
        // HttpClient's host name check comes after the handshake, before any request byte: SSLPeerUnverifiedException
        return failure instanceof SSLHandshakeException
                || failure instanceof SSLPeerUnverifiedException
                || (failure instanceof IOException
                        && Arrays.stream(failure.getStackTrace())
                                .anyMatch(frame -> frame.getMethodName().equals("startHandshake")));
    }

    /** The call went out and no answer came back (a deadline, a reset, a close): it may have been acted on. */
    public static boolean answerLost(ApiAnswer answer) {
        return answer.isTransportFailure() && !answer.isWithdrawn() && !neverConnected(answer);
    }

    /** The outermost cause of the answer's transport failure that is one of {@code types}. */
    private static Optional<Throwable> firstCause(ApiAnswer answer, Class<?>... types) {
        if (answer.transportFailure() == null) {
            return Optional.empty();
        }
        for (Throwable cause : ErrorText.causes(answer.transportFailure())) {
            for (Class<?> type : types) {
                if (type.isInstance(cause)) {
                    return Optional.of(cause);
                }
            }
        }
        return Optional.empty();
    }

    /**
     * A start that failed in a way that may still have started a run: no answer (a deadline, a lost connection, but
     * not a connection never made) or a 5xx other than those by which Orbit says it did not take the request.
     */
    public static boolean mayHaveStarted(ApiAnswer answer) {
        return of(answer) == RETRY
                && (answerLost(answer) || answer.httpStatus() >= 500)
                && !ORBIT_NOT_TAKEN.contains(answer.error().code());
    }

    public static FaultClass of(ApiAnswer answer) {
        return of(answer, false);
    }

    /**
     * @param readOfAcceptedRun the answer is to a status or profile read of a run the API accepted: any 4xx but those
     *                          the docs give a read
     *                          (401, 403, 429; 402 and Orbit's refund too) is the API misbehaving, not the request
     *                          being wrong (a GET of an accepted run has no body to be invalid), so it is retried like
     *                          a 5xx and given up naming it (API-answers audit: a 418 or 422 on a status read failed an
     *                          accepted creation at once, where a 404 was retried)
     */
    public static FaultClass of(ApiAnswer answer, boolean readOfAcceptedRun) {
        if (answer.isWithdrawn()) {
            return NOT_SENT;
        }
        if (answer.isTransportFailure()) {
            return RETRY;
        }
        if (answer.isKeyMissing()) {
            return HOLD;
        }
        int status = answer.httpStatus();
        return ofAnswer(status, status >= 400 ? answer.error().code() : null, readOfAcceptedRun);
    }

    /**
     * What an answer of this HTTP status and error code calls for ({@link #of(ApiAnswer, boolean)}), also for one
     * stored with a job.
     *
     * @param code the answer's error code; null below 400
     */
    public static FaultClass ofAnswer(int status, String code, boolean readOfAcceptedRun) {
        if (status == 429) {
            return RATE_LIMITED;
        }
        if (status == 409 && ORBIT_KEY_REFUNDED.equals(code)) {
            return KEY_REFUNDED;
        }
        // the docs give these codes without a status: they are read by the code, whatever status carries them, a 401,
        // 402 or 403 too (API-doc audit: not_configured with a 400 failed the request where the API should have been
        // held; Orbit audit: unavailable_for_request with a 403 held every Orbit bucket, a "Retry later" with a 4xx
        // failed the request)
        if (ORBIT_UNAVAILABLE_FOR_REQUEST.equals(code)) {
            // the docs give it to a start; on a read of a run the API took and charged it is a read the run should not
            // get, retried like one (simulator-fidelity audit: one 503 with it failed an accepted run after one read)
            return readOfAcceptedRun ? RETRY : PERMANENT;
        }
        if (ORBIT_NOT_CONFIGURED.equals(code)) {
            return HOLD;
        }
        if (code != null && ORBIT_NOT_TAKEN.contains(code)) {
            return RETRY;
        }
        // 407 is a proxy's, never the API's (HttpClient hands over a refused CONNECT as the call's answer): like a
        // refused key it says nothing of the request and needs an operator (TLS audit: it failed starts for good and
        // gave up paid runs on their reads)
        if (status == 401 || status == 403 || status == 402 || status == PROXY_AUTHENTICATION_REQUIRED) {
            return HOLD;
        }
        // a redirect is the API's address answering for it elsewhere (a moved host, http to https, a gateway), never
        // followed as it would carry the key: retried with the same key like a 5xx, an outage when every call gets one
        // (redirects audit: a moved host failed every request for good at once, quietly, health UP)
        if (status >= 500
                || status == 408
                || (status >= 300 && status < 400)
                || (readOfAcceptedRun && status >= 400 && status < 500)) {
            return RETRY;
        }
        return PERMANENT;
    }
}
