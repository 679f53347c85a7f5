package io.profilebridge.operations;

import java.util.Map;
import java.util.StringJoiner;

import io.profilebridge.api.Api;
import io.profilebridge.job.JobState;
import io.profilebridge.job.JobStore;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;

/**
 * {@code direct:describe-progress}: a one-line summary of the work per API (received, polling, done, failed), or
 * no body when nothing is pending, so the progress-log route stays quiet when idle.
 */
public class ProgressRoute extends RouteBuilder {

    private final JobStore store;

    public ProgressRoute(JobStore store) {
        this.store = store;
    }

    @Override
    public void configure() {
        from("direct:describe-progress").routeId("describe-progress")
                .process(this::describe);
    }

    private void describe(Exchange exchange) {
        Map<Api, Map<JobState, Long>> counts = store.countByApiAndState();
        if (JobStore.pending(counts) == 0) {
            exchange.getMessage().setBody(null);
            return;
        }
        StringJoiner line = new StringJoiner(" | ", "Progress: ", "");
        counts.forEach((api, perState) -> line.add(api + " received " + perState.get(JobState.RECEIVED)
                + ", polling " + (perState.get(JobState.SUBMITTED) + perState.get(JobState.POLLING)
                        + perState.get(JobState.FETCHING))
                + ", delivering " + perState.get(JobState.DELIVERING)
                + ", done " + perState.get(JobState.DELIVERED)
                + ", failed " + perState.get(JobState.FAILED)));
        exchange.getMessage().setBody(line.toString());
    }
}
