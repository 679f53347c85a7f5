package io.profilebridge.api;

import io.profilebridge.ErrorText;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.LongSupplier;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One warning when an API stops answering (5xx, unreachable, connections dropped, no answer within the deadline) and
 * one line when it answers again,
 * from the answers the calls publish ({@link ApiAnswerEvent}). Jobs retry an outage quietly, and the reads of an
 * accepted run wait it out until their age: four minutes of 503s had not one log line, health UP, only the metrics
 * and /jobs saying it (permanent-faults audit). A blip retried once is no outage: the warning comes at the third
 * failed call in a row, once two jobs' calls are among them: one request whose every call fails (an answer it cannot
 * take) is no outage (HTTP-wire audit: "The openprospect API is out" sixteen times for single broken jobs), until its
 * calls have failed for {@link #ONE_JOB_NAMED_AFTER_MS} with no other call answered: a lone job in an outage was never
 * named (review: minutes of 503s, no line).
 */
public final class ApiOutageLog extends EventNotifierSupport {

    private static final Logger LOG = LoggerFactory.getLogger(ApiOutageLog.class);

    /** Calls in a row that must fail so before it is named an outage. */
    static final int FAILED_CALLS_NAMED = 3;

    /** How long one job's calls alone must have failed in a row to be named an outage: the default longest backoff. */
    static final long ONE_JOB_NAMED_AFTER_MS = 60_000;

    private final LongSupplier millis;
    private final Map<Api, Outage> outages = new EnumMap<>(Api.class);

    /** Failed calls in a row of one API, since its last answer. */
    private static final class Outage {
        final long since;
        int failedCalls;
        boolean named;
        /** The job of the first failed call, and whether another job's call failed since (an unknown job counts). */
        String firstCaller;

        boolean otherCallers;

        Outage(long since) {
            this.since = since;
        }
    }

    public ApiOutageLog() {
        this(System::currentTimeMillis);
    }

    ApiOutageLog(LongSupplier millis) {
        this.millis = millis;
    }

    @Override
    public boolean isEnabled(CamelEvent event) {
        return event instanceof ApiAnswerEvent;
    }

    @Override
    public void notify(CamelEvent event) {
        ApiAnswerEvent answered = (ApiAnswerEvent) event;
        answered(answered.api(), answered.answer(), answered.caller());
    }

    void answered(Api api, ApiAnswer answer) {
        answered(api, answer, null);
    }

    void answered(Api api, ApiAnswer answer, String caller) {
        long now = millis.getAsLong();
        // any call that got no HTTP answer below 500 fails, a timeout too: an API that only hangs is out as well, and a
        // timeout amid 503s did not end the outage (diff review: a line that it answered again after every third call)
        if (FaultClass.failedCall(answer)) {
            failed(api, answer, caller, now);
            return;
        }
        Outage ended;
        synchronized (outages) {
            ended = outages.remove(api);
        }
        if (ended != null && ended.named) {
            LOG.info(
                    "The {} API answers again: {} calls in a row failed, in the {} s from the first of them to"
                            + " this answer",
                    api.id(),
                    ended.failedCalls,
                    (now - ended.since) / 1000);
        }
    }

    private void failed(Api api, ApiAnswer answer, String caller, long now) {
        int failedCalls;
        synchronized (outages) {
            Outage outage = outages.computeIfAbsent(api, none -> new Outage(now));
            outage.failedCalls++;
            if (outage.failedCalls == 1) {
                outage.firstCaller = caller;
            } else if (caller == null || !caller.equals(outage.firstCaller)) {
                outage.otherCallers = true;
            }
            if (outage.named
                    || outage.failedCalls < FAILED_CALLS_NAMED
                    || !(outage.otherCallers || now - outage.since >= ONE_JOB_NAMED_AFTER_MS)) {
                return;
            }
            outage.named = true;
            failedCalls = outage.failedCalls;
        }
        LOG.warn(
                "The {} API is out: {} calls in a row failed, the last with {}; its jobs are tried again with"
                        + " their backoff, and those refused, redirected or answered 5xx wait it out until"
                        + " bridge.retry.max-age-ms (/jobs shows each job's last error); a line follows when it"
                        + " answers again",
                api.id(),
                failedCalls,
                lastFailure(answer));
    }

    /**
     * Whether the API is out now: its last {@link #FAILED_CALLS_NAMED} calls or more, of any jobs, failed so. A start
     * that failed then rides the outage out ({@code JobLifecycle}).
     */
    public boolean isOut(Api api) {
        synchronized (outages) {
            Outage outage = outages.get(api);
            return outage != null && outage.failedCalls >= FAILED_CALLS_NAMED;
        }
    }

    /**
     * The bridge's own words for a transport failure; of an API's answer its status and code only, not its text, and a
     * redirect's target (scheme, host, path) for the base URL to be set by.
     */
    private static String lastFailure(ApiAnswer answer) {
        ApiError error = answer.error();
        return answer.isTransportFailure()
                ? ErrorText.shortened(error.message(), 200)
                : "HTTP " + answer.httpStatus() + " (" + ErrorText.shortened(error.code(), 100) + ")"
                        + (answer.isRedirect() ? " to " + answer.redirectedTo() : "");
    }
}
