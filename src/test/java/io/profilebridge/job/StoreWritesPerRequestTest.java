package io.profilebridge.job;

import static io.profilebridge.BridgeRun.drop;
import static io.profilebridge.BridgeRun.results;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.profilebridge.BridgeRun;
import io.profilebridge.sandbox.Simulator;
import io.profilebridge.sandbox.SimulatorSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a request costs the embedded store, counted by H2's own statement statistics: one insert (and one of its body,
 * never written again), one update for its start and one for its final state. A status read or a profile read whose next step follows at once on the same
 * worker writes nothing (done again after a crash, it starts nothing), and claiming a job writes nothing.
 */
class StoreWritesPerRequestTest {

    private static final String UPDATE = "UPDATE bridge_job SET state = ?, remote_id";

    @TempDir
    Path root;

    @Test
    void aRequestCostsItsInsertItsStartAndItsFinalStateAndClaimsWriteNothing() throws Exception {
        try (Simulator simulator = Simulator.start(new SimulatorSettings().jobDurationMs(0));
                BridgeRun bridge =
                        BridgeRun.start(root, h2Store(BridgeRun.testProperties(root, simulator.baseUrl()), root))) {
            DataSource store =
                    bridge.context().getRegistry().lookupByNameAndType("jobStoreDataSource", DataSource.class);
            execute(store, "SET QUERY_STATISTICS_MAX_ENTRIES 1000");
            execute(store, "SET QUERY_STATISTICS TRUE");
            // OpenProspect: submitted, decided by one status read (not saved: the delivery follows at once), delivered
            for (int i = 0; i < 10; i++) {
                drop(
                        root,
                        "openprospect/op-" + i + ".json",
                        "{\"profile_name\": \"p" + i
                                + "\", \"ideal_customer_profile\": \"x\", \"target_countries\": [\"DE\"]}");
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> results(root).size() == 10);
            // a result is written before its job is marked delivered: the last updates may still be on their way
            await().atMost(Duration.ofSeconds(10)).until(() -> executions(store, UPDATE) >= 10 * 2);
            assertThat(executions(store, UPDATE)).as("OpenProspect updates").isEqualTo(10 * 2);
            // Orbit: submitted, completed, profiles read, delivered. The status read is saved only when the profile
            // read must wait for Orbit's place in the call gate (another job took it meanwhile); the profile read
            // never is (the delivery needs no place)
            for (int i = 0; i < 10; i++) {
                drop(root, "orbit/orb-" + i + ".json", "{\"email\": \"person" + i + "@example.com\"}");
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> results(root).size() == 20);
            await().atMost(Duration.ofSeconds(10)).until(() -> executions(store, UPDATE) >= 10 * 2 + 10 * 2);
            assertThat(executions(store, UPDATE)).as("all updates").isBetween(10 * 2 + 10 * 2L, 10 * 2 + 10 * 3L);
            assertThat(executions(store, "INSERT INTO bridge_job (")).isEqualTo(20);
            // a body is written once, in a row of its own (V13): the job's updates never carry it
            assertThat(executions(store, "INSERT INTO bridge_job_request")).isEqualTo(20);
            assertThat(executions(store, "UPDATE bridge_job SET%request_body")).isZero();
            assertThat(executions(store, "UPDATE bridge_job_request")).isZero();
            assertThat(executions(store, "UPDATE bridge_job SET claimed_by"))
                    .as("claims")
                    .isZero();
        }
    }

    private static Map<String, String> h2Store(Map<String, String> properties, Path root) {
        properties.put(
                "bridge.store.url",
                "jdbc:h2:file:" + root.resolve("data").toAbsolutePath().resolve("jobstore"));
        return properties;
    }

    private static long executions(DataSource store, String statementStart) throws Exception {
        try (var c = store.getConnection();
                var ps = c.prepareStatement("SELECT COALESCE(SUM(EXECUTION_COUNT), 0) "
                        + "FROM INFORMATION_SCHEMA.QUERY_STATISTICS WHERE SQL_STATEMENT LIKE ?")) {
            ps.setString(1, statementStart + "%");
            try (var rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static void execute(DataSource store, String sql) throws Exception {
        try (var c = store.getConnection();
                var s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
