package io.profilebridge.job;

import static io.profilebridge.BridgeRun.drop;
import static io.profilebridge.BridgeRun.results;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.profilebridge.BridgeRun;
import io.profilebridge.CapturedLog;
import io.profilebridge.sandbox.Simulator;
import io.profilebridge.sandbox.SimulatorSettings;
import java.lang.reflect.Field;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import org.apache.camel.processor.WireTapProcessor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tick that claims jobs after the job workers' pool has shut down (a SIGTERM right after the start, about one in
 * 70) hands them back quietly: no ERROR of Quartz's job, the job stays due, and the next start delivers it.
 */
class JobWorkersStoppedTest {

    @TempDir
    Path root;

    CapturedLog log;

    @BeforeEach
    void listen() {
        log = CapturedLog.start();
    }

    @AfterEach
    void stopListening() {
        log.close();
    }

    @Test
    void aJobThePoolRefusesIsHandedBackAndDeliveredByTheNextStart() throws Exception {
        try (Simulator simulator = Simulator.start(new SimulatorSettings().jobDurationMs(0))) {
            try (BridgeRun bridge = BridgeRun.start(root, BridgeRun.testProperties(root, simulator.baseUrl()))) {
                jobWorkers(bridge).shutdown();
                drop(root, "openprospect/late.json", BridgeRun.openProspectRequest("late"));
                await().atMost(Duration.ofSeconds(20))
                        .until(() -> log.lines().stream().anyMatch(line -> line.contains("was handed to no worker")));
                assertThat(results(root)).isEmpty();
            }
            assertThat(log.errors()).isEmpty();
            try (BridgeRun again = BridgeRun.start(root, BridgeRun.testProperties(root, simulator.baseUrl()))) {
                await().atMost(Duration.ofSeconds(20)).until(() -> results(root).containsKey("openprospect/late.json"));
                assertThat(results(root)
                                .get("openprospect/late.json")
                                .get("outcome")
                                .asText())
                        .isEqualTo("succeeded");
            }
        }
    }

    /** The pool the wire tap hands jobs to; Camel keeps it to itself, so the test reads its field. */
    private static ExecutorService jobWorkers(BridgeRun bridge) throws ReflectiveOperationException {
        WireTapProcessor handToWorker = bridge.context().getProcessor(JobRoutes.HAND_TO_WORKER, WireTapProcessor.class);
        Field pool = WireTapProcessor.class.getDeclaredField("executorService");
        pool.setAccessible(true);
        return (ExecutorService) pool.get(handToWorker);
    }
}
