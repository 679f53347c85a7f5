package io.profilebridge.operations;

import io.profilebridge.api.Api;
import io.profilebridge.job.JobState;
import io.profilebridge.job.JobStore;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;

/**
 * {@code direct:describe-progress}: a one-line summary of the work per API (received, polling, done, failed), or
 * no body when nothing is pending or nothing changed since the last line, so the progress-log route stays quiet
 * when idle or waiting.
 */
public class ProgressRoute extends RouteBuilder {

    private final JobStore store;
    private final AtomicReference<String> lastLine = new AtomicReference<>();

    public ProgressRoute(JobStore store) {
        this.store = store;
    }

    @Override
    public void configure() {
        from("direct:describe-progress").routeId("describe-progress").process(this::describe);
    }

    private void describe(Exchange exchange) {
        Map<Api, Map<JobState, Long>> counts = store.countByApiAndState();
        if (JobStore.pending(counts) == 0) {
            lastLine.set(null);
            exchange.getMessage().setBody(null);
            return;
        }
        StringJoiner line = new StringJoiner(" | ", "Progress: ", "");
        counts.forEach((api, perState) -> line.add(api + " received " + perState.get(JobState.RECEIVED)
                + ", polling "
                + (perState.get(JobState.SUBMITTED) + perState.get(JobState.POLLING) + perState.get(JobState.FETCHING))
                + ", delivering " + perState.get(JobState.DELIVERING)
                + ", done " + perState.get(JobState.DELIVERED)
                + ", failed " + perState.get(JobState.FAILED)));
        String text = line.toString();
        exchange.getMessage().setBody(text.equals(lastLine.getAndSet(text)) ? null : text);
    }
}
