package io.profilebridge.operations;

import org.apache.camel.builder.RouteBuilder;

/** Samples the pending jobs every {@code bridge.status.backlog-sample-ms} for the status page's backlog chart. */
public class BacklogSampleRoute extends RouteBuilder {

    private final BacklogHistory backlog;
    private final long periodMs;

    public BacklogSampleRoute(BacklogHistory backlog, long periodMs) {
        this.backlog = backlog;
        this.periodMs = periodMs;
    }

    @Override
    public void configure() {
        from("timer:backlog-sample?period=" + periodMs)
                .routeId("backlog-sample")
                .routeConfigurationId("sampling-errors")
                .process(exchange -> backlog.sample());
    }
}
