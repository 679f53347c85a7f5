package io.profilebridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.profilebridge.job.ClosedStoreExit;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

/**
 * A want of heap that a step's exception carries ends the process however the route handles errors; any other error
 * is left to the route.
 */
class OutOfMemoryInRoutesTest {

    private final List<Integer> halts = new CopyOnWriteArrayList<>();

    @Test
    void anOutOfMemoryErrorInAStepHaltsWhetherTheRouteHandlesItOrNot() throws Exception {
        try (DefaultCamelContext context = context()) {
            ProducerTemplate template = context.createProducerTemplate();
            catchThrowable(() -> template.sendBody("direct:unhandled", "request"));
            assertThat(halts).as("failed, no handler").containsExactly(ClosedStoreExit.EXIT_CODE);

            halts.clear();
            template.sendBody("direct:handled", "request");
            assertThat(halts)
                    .as("handled by onException, as a failed job would be")
                    .isNotEmpty();

            halts.clear();
            Throwable other = catchThrowable(() -> template.sendBody("direct:other", "request"));
            assertThat(other).hasRootCauseInstanceOf(IllegalStateException.class);
            assertThat(halts).as("any other error").isEmpty();
        }
    }

    private DefaultCamelContext context() throws Exception {
        DefaultCamelContext context = new DefaultCamelContext();
        context.getManagementStrategy().addEventNotifier(new OutOfMemoryInRoutes(halts::add));
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                // as a library hands it on (H2, Jackson): an error thrown as it is is not caught by Camel at all, and
                // reaches the consumer's thread (OutOfMemoryExit, JmsConfiguration)
                from("direct:unhandled").process(exchange -> {
                    throw new IllegalStateException("writing the job", new OutOfMemoryError("Java heap space"));
                });
                from("direct:handled")
                        .onException(Throwable.class)
                        .handled(true)
                        .log("given up: ${exception.message}")
                        .end()
                        .process(exchange -> {
                            throw new IllegalStateException("reading the answer", new OutOfMemoryError());
                        });
                from("direct:other").process(exchange -> {
                    throw new IllegalStateException("a bug");
                });
            }
        });
        context.start();
        return context;
    }
}
