package io.profilebridge.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.profilebridge.api.Api;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The writes a crash must not take back (a new job, a final state) reach the disk itself, not just the operating
 * system's cache that a power loss empties: on the embedded H2 store they end with CHECKPOINT SYNC and the other
 * steps are not flushed at all. (Power loss itself cannot be staged here; this pins the sync. Without the
 * CHECKPOINT SYNC this test fails.)
 */
class DurableWritesTest {

    @TempDir
    Path data;

    HikariDataSource dataSource;
    final List<String> flushes = new CopyOnWriteArrayList<>();

    @AfterEach
    void close() {
        dataSource.close();
    }

    @Test
    void onH2ANewJobAndAFinalStateAreSyncedToDiskAndNothingElseIsFlushed() {
        dataSource =
                JobStoreDataSource.open("jdbc:h2:file:" + data.toAbsolutePath().resolve("jobstore"), "", "", 2);
        takeThreeSteps();
        assertThat(flushes).containsExactly("CHECKPOINT SYNC", "CHECKPOINT SYNC");
    }

    /** A new job, a step in between, a final state; each checks the flushes so far. */
    private void takeThreeSteps() {
        JobStore store = new JobStore(recordingFlushes(dataSource), InstanceLiveness.single("test"), Clock.systemUTC());
        flushes.clear();
        Job job = new Job(
                UUID.randomUUID().toString(),
                Api.ORBIT,
                "k1",
                JobState.RECEIVED,
                "{}",
                "hash",
                RequestSource.file("k1.json"),
                store.now());
        job.nextAttemptAt(store.now());
        store.register(job);
        job.state(JobState.POLLING);
        store.save(job, false);
        job.state(JobState.DELIVERED);
        store.save(job, false);
    }

    /** The data source, noting every statement run through {@link Statement#execute(String)} (how flushes run). */
    private DataSource recordingFlushes(DataSource target) {
        return proxy(
                DataSource.class,
                target,
                (method, result) -> method.equals("getConnection")
                        ? proxy(
                                Connection.class,
                                result,
                                (inner, statement) -> inner.equals("createStatement")
                                        ? proxy(Statement.class, statement, (call, ignored) -> ignored)
                                        : statement)
                        : result);
    }

    @FunctionalInterface
    private interface Wrapper {
        Object wrap(String method, Object result);
    }

    private <T> T proxy(Class<T> type, Object target, Wrapper wrapper) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (self, method, args) -> {
            if (type == Statement.class && method.getName().equals("execute") && args != null && args.length == 1) {
                flushes.add((String) args[0]);
            }
            try {
                return wrapper.wrap(method.getName(), method.invoke(target, args));
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }));
    }
}
