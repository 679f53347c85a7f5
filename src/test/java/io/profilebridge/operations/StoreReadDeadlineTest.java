package io.profilebridge.operations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.profilebridge.job.InstanceLiveness;
import io.profilebridge.job.JobCounts;
import io.profilebridge.job.JobStore;
import java.lang.reflect.Proxy;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.apache.camel.health.HealthCheck;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A store that does not answer (a database away, its pool waiting out a 30 s connection timeout) holds no management
 * answer for longer than the deadline: the readiness check is DOWN and the job gauges unknown within about a second,
 * and once the readers are all taken, at once (operations audit: liveness probes and scrapes timed out behind such a
 * read during a store outage).
 */
class StoreReadDeadlineTest {

    private final StoreReadDeadline deadline = new StoreReadDeadline(1000, 2);

    @AfterEach
    void close() {
        deadline.close();
    }

    @Test
    void aStoreThatDoesNotAnswerIsReportedWithinTheDeadline() {
        DataSource hanging = (DataSource) Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
                    Thread.sleep(30_000);
                    throw new IllegalStateException("not reached");
                });
        JobStore store = new JobStore(hanging, InstanceLiveness.single("test"), Clock.systemUTC());

        long started = System.nanoTime();
        HealthCheck.Result health = new JobStoreHealthCheck(store, deadline).call(Map.of());
        assertThat(health.getState()).isEqualTo(HealthCheck.State.DOWN);
        assertThat(health.getMessage()).hasValue("job store unreachable: the job store did not answer within 1000 ms");

        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        new JobMetrics(registry, new JobCounts(store, System::currentTimeMillis), deadline);
        assertThat(registry.get("profile_bridge_jobs").gauges())
                .isNotEmpty()
                .allSatisfy(gauge -> assertThat(gauge.value()).isNaN());
        assertThat((System.nanoTime() - started) / 1_000_000)
                .as("the health check and a scrape of every job gauge, in ms")
                .isLessThan(5_000);
    }

    /**
     * Jobs-API audit: a third read at the same moment was refused at once, so three clients of {@code /jobs} turned
     * readiness DOWN on a healthy store. Reads of a store that answers wait for a thread within their deadline.
     */
    @Test
    void readsOfAStoreThatAnswersWaitForAThreadInsteadOfBeingRefused() throws Exception {
        int clients = 12;
        ExecutorService callers = Executors.newFixedThreadPool(clients);
        try {
            CountDownLatch together = new CountDownLatch(1);
            List<Future<Integer>> answers = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                int client = i;
                answers.add(callers.submit(() -> {
                    together.await();
                    return deadline.read(() -> {
                        Thread.sleep(20); // a read of a few pages' rows
                        return client;
                    });
                }));
            }
            together.countDown();
            for (int i = 0; i < clients; i++) {
                assertThat(answers.get(i).get(10, TimeUnit.SECONDS)).isEqualTo(i);
            }
        } finally {
            callers.shutdownNow();
        }
    }

    /**
     * A store away names why: the pool's "Connection is not available" carried the refused connection behind it, and
     * the check said "job store unreachable: job store unreachable"; a read given up that then fails gives its reason
     * to the answers after it, which could only say "did not answer" (store-outage audits).
     */
    @Test
    void aStoreAwayIsReportedWithTheReasonBehindIt() throws Exception {
        DataSource refusing = (DataSource) Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
                    throw new SQLTransientConnectionException(
                            "job-store - Connection is not available, request timed out after 30000ms",
                            new SQLException("Connection to 127.0.0.1:5432 refused"));
                });
        JobStore store = new JobStore(refusing, InstanceLiveness.single("test"), Clock.systemUTC());
        HealthCheck.Result health = new JobStoreHealthCheck(store, deadline).call(Map.of());
        assertThat(health.getMessage())
                .hasValue("job store unreachable: job-store - Connection is not available, request timed out after"
                        + " 30000ms (SQLException: Connection to 127.0.0.1:5432 refused)");

        StoreReadDeadline quick = new StoreReadDeadline(100, 8);
        CountDownLatch failNow = new CountDownLatch(1);
        CountDownLatch storeBack = new CountDownLatch(1);
        try {
            assertThatThrownBy(() -> quick.read(() -> {
                        failNow.await();
                        store.ping();
                        return null;
                    }))
                    .hasMessage("the job store did not answer within 100 ms");
            failNow.countDown();
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThatThrownBy(
                                    () -> quick.read(() -> storeBack.await(1, TimeUnit.MINUTES)))
                            .hasMessageStartingWith("the job store did not answer within 100 ms; the last read that"
                                    + " ended failed: job-store - Connection is not available")
                            .hasMessageEndingWith("(SQLException: Connection to 127.0.0.1:5432 refused)"));
        } finally {
            storeBack.countDown();
            quick.close();
        }
    }
}
