package io.profilebridge.delivery;

import io.profilebridge.job.Job;
import io.profilebridge.job.JobLifecycle;
import io.profilebridge.job.JobRoutes;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;

/**
 * {@code direct:deliver-job}: hands a job's decided result to {@code direct:deliver-result} and marks the job
 * final only once that succeeded. A destination that refuses (unwritable outbox, broker down) keeps the job
 * pending, to be delivered again later; the result is stored in the job, so nothing is lost. The refusal is
 * logged where delivery fails (routes/delivery-errors.camel.yaml).
 */
public class DeliverJobRoute extends RouteBuilder {

    private final JobLifecycle lifecycle;

    public DeliverJobRoute(JobLifecycle lifecycle) {
        this.lifecycle = lifecycle;
    }

    @Override
    public void configure() {
        from("direct:deliver-job")
                .routeId("deliver-job")
                .process(this::describeResult)
                .doTry()
                .to("direct:deliver-result")
                .process(exchange -> lifecycle.delivered(JobRoutes.job(exchange)))
                .doCatch(Exception.class)
                .process(this::deliveryFailed)
                .end();
    }

    private void describeResult(Exchange exchange) {
        Job job = JobRoutes.job(exchange);
        ResultHeaders.apply(exchange.getMessage(), ResultHeaders.Result.of(job));
    }

    private void deliveryFailed(Exchange exchange) {
        lifecycle.deliveryFailed(
                JobRoutes.job(exchange), exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class));
    }
}
