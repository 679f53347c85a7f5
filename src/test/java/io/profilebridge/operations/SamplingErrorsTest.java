package io.profilebridge.operations;

import static org.assertj.core.api.Assertions.assertThat;

import io.profilebridge.job.InstanceLiveness;
import io.profilebridge.job.JobCounts;
import io.profilebridge.job.JobStore;
import io.profilebridge.job.JobStoreException;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.camel.builder.NotifyBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;

/** A timer that only reads the job store skips a period while the store is away, instead of failing it loudly. */
class SamplingErrorsTest {

    @Test
    void aStoreOutageEndsATimersExchangeHandledAndAnyOtherFailureStillFails() throws Exception {
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            context.getManagementStrategy().addEventNotifier(new EventNotifierSupport() {
                @Override
                public void notify(CamelEvent event) {
                    if (event instanceof CamelEvent.ExchangeFailedEvent failedEvent) {
                        failures.add(failedEvent.getExchange().getException());
                    }
                }
            });
            PluginHelper.getRoutesLoader(context)
                    .loadRoutes(ResourceHelper.resolveResource(context, "file:routes/sampling-errors.camel.yaml"));
            context.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("timer:store-away?period=10")
                            .routeId("store-away")
                            .routeConfigurationId("sampling-errors")
                            .throwException(new JobStoreException("cannot count jobs", new SQLException("gone")));
                    from("timer:bug?period=10&repeatCount=1")
                            .routeId("bug")
                            .routeConfigurationId("sampling-errors")
                            .throwException(new IllegalStateException("a defect"));
                }
            });
            NotifyBuilder storeAway = new NotifyBuilder(context)
                    .fromRoute("store-away")
                    .whenCompleted(3)
                    .create();
            NotifyBuilder bug =
                    new NotifyBuilder(context).fromRoute("bug").whenFailed(1).create();
            context.start();
            assertThat(storeAway.matches(10, TimeUnit.SECONDS)).isTrue();
            assertThat(bug.matches(10, TimeUnit.SECONDS))
                    .as("anything else is not hidden")
                    .isTrue();
        }
        // Judged by cause: a timer exchange caught by the context's own shutdown may fail for that reason alone.
        assertThat(failures)
                .as("only the defect failed")
                .noneMatch(failure -> failure instanceof JobStoreException)
                .filteredOn(failure -> failure instanceof IllegalStateException)
                .hasSize(1);
    }

    @Test
    void theProgressLineSkipsAPeriodWhileTheStoreIsAway() throws Exception {
        // observability audit: describe-progress failed on its own error handler before progress-log's sampling-errors
        // saw the failure, so a store outage logged an ERROR and a WARN with their stack traces every period
        JdbcDataSource away = new JdbcDataSource();
        away.setURL("jdbc:h2:tcp://127.0.0.1:9/away");
        JobCounts counts = new JobCounts(
                new JobStore(away, InstanceLiveness.single("test"), Clock.systemUTC()), System::currentTimeMillis);
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            context.getPropertiesComponent().addInitialProperty("bridge.progress.interval-ms", "10");
            context.getManagementStrategy().addEventNotifier(new EventNotifierSupport() {
                @Override
                public void notify(CamelEvent event) {
                    if (event instanceof CamelEvent.ExchangeFailedEvent failedEvent) {
                        failures.add(failedEvent.getExchange().getException());
                    }
                }
            });
            for (String file : List.of("sampling-errors", "progress-log")) {
                PluginHelper.getRoutesLoader(context)
                        .loadRoutes(ResourceHelper.resolveResource(context, "file:routes/" + file + ".camel.yaml"));
            }
            context.addRoutes(new ProgressRoute(counts));
            NotifyBuilder periods = new NotifyBuilder(context)
                    .fromRoute("progress-log")
                    .whenCompleted(3)
                    .create();
            context.start();
            assertThat(periods.matches(10, TimeUnit.SECONDS)).isTrue();
            // read before the stop: a 10 ms timer's exchange caught by the stop itself may be refused its thread
            // (RejectedExecutionException, ci286), which says nothing of a period while the store is away
            assertThat(List.copyOf(failures)).as("no period failed").isEmpty();
        }
    }
}
