package io.profilebridge.job;

import static org.assertj.core.api.Assertions.assertThat;

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

import com.zaxxer.hikari.HikariDataSource;
import io.profilebridge.api.Api;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The writes a crash must not take back (a new job, a final state) reach the disk itself, not just the operating
 * system's cache that a power loss empties: on the embedded H2 store they end with CHECKPOINT SYNC (write and
 * fsync); the other steps are not flushed at all. (Power loss itself cannot be staged here; this pins the flush.)
 */
class DurableWritesTest {

    @TempDir
    Path data;
    HikariDataSource h2;
    final List<String> flushes = new CopyOnWriteArrayList<>();

    @AfterEach
    void close() {
        h2.close();
    }

    @Test
    void aNewJobAndAFinalStateAreSyncedToDiskAndNothingElseIsFlushed() {
        h2 = JobStoreDataSource.open(JobStoreDataSource.defaultUrl(data), "", "", 2);
        JobStore store = new JobStore(recordingFlushes(h2), false, InstanceLiveness.single("test"), Clock.systemUTC());
        Job job = new Job(UUID.randomUUID().toString(), Api.ORBIT, "k1", JobState.RECEIVED, "{}", "hash",
                RequestSource.file("k1.json"), store.now());
        job.nextAttemptAt(store.now());

        store.register(job);
        assertThat(flushes).containsExactly("CHECKPOINT SYNC");

        job.state(JobState.POLLING);
        store.save(job, false);
        assertThat(flushes).hasSize(1);

        job.state(JobState.DELIVERED);
        store.save(job, false);
        assertThat(flushes).containsExactly("CHECKPOINT SYNC", "CHECKPOINT SYNC");
    }

    /** The data source, noting every statement run through {@link Statement#execute(String)} (how flushes run). */
    private DataSource recordingFlushes(DataSource target) {
        return proxy(DataSource.class, target, (method, result) -> method.equals("getConnection")
                ? proxy(Connection.class, result, (inner, statement) -> inner.equals("createStatement")
                        ? proxy(Statement.class, statement, (call, ignored) -> ignored) : statement)
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
