package io.profilebridge.operations;

import io.profilebridge.api.Api;
import io.profilebridge.job.JobCounts;
import io.profilebridge.job.JobState;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;

/**
 * {@code direct:describe-progress}: a one-line summary of the work per API (received, polling, done, failed), or
 * no body when nothing changed since the last line or nothing has been pending since, so the progress-log route
 * stays quiet when idle or waiting.
 */
public class ProgressRoute extends RouteBuilder {

    private final JobCounts counts;
    private final AtomicReference<String> lastLine = new AtomicReference<>();

    public ProgressRoute(JobCounts counts) {
        this.counts = counts;
    }

    @Override
    public void configure() {
        // a failure goes back to the caller, whose error handling decides (progress-log: sampling-errors skips the
        // period); handled here by Camel's default, it was logged twice with its stack trace every period
        from("direct:describe-progress")
                .routeId("describe-progress")
                .errorHandler(noErrorHandler())
                .process(this::describe);
    }

    /**
     * Once nothing is pending, one last line says how the work ended (numbers audit: the last line written while work
     * was pending showed jobs still polling that had long been done), then none until work comes again.
     */
    private void describe(Exchange exchange) {
        boolean pending = counts.pending() > 0;
        if (!pending && lastLine.get() == null) {
            exchange.getMessage().setBody(null);
            return;
        }
        Map<Api, Map<JobState, Long>> counts = this.counts.byApiAndState();
        StringJoiner line = new StringJoiner(" | ", "Progress: ", "");
        counts.forEach((api, perState) -> line.add(api + " received " + perState.get(JobState.RECEIVED)
                + ", polling "
                + (perState.get(JobState.SUBMITTED) + perState.get(JobState.POLLING) + perState.get(JobState.FETCHING))
                + ", delivering " + perState.get(JobState.DELIVERING)
                + ", done " + perState.get(JobState.DELIVERED)
                + ", failed " + perState.get(JobState.FAILED)));
        String text = line.toString();
        String previous = lastLine.getAndSet(pending ? text : null);
        exchange.getMessage().setBody(text.equals(previous) ? null : text);
    }
}
