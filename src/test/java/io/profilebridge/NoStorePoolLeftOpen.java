package io.profilebridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails the test class that leaves a job-store connection pool open (registered for every unit test class by
 * surefire's extension autodetection; the classes of a test JVM run one after another). A pool a failed start left
 * open on a store the class then removed kept trying to reconnect, and its log lines broke a later class's "logs
 * nothing" check (ci350, ci353).
 */
public final class NoStorePoolLeftOpen implements BeforeAllCallback, AfterAllCallback {

    /** HikariCP's one thread per pool, named after it (JobStoreDataSource names it "job-store"). */
    private static final String POOL_THREAD = "job-store:housekeeper";

    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(NoStorePoolLeftOpen.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        // a pool an earlier class left open is that class's failure, not this one's
        context.getStore(NAMESPACE).put("before", Set.copyOf(poolThreads()));
    }

    @Override
    public void afterAll(ExtensionContext context) {
        @SuppressWarnings("unchecked")
        Set<Thread> before = context.getStore(NAMESPACE).get("before", Set.class);
        await().atMost(Duration.ofSeconds(5))
                .pollInterval(Duration.ofMillis(50))
                .untilAsserted(() -> assertThat(poolThreads().stream()
                                .filter(thread -> !before.contains(thread))
                                .map(Thread::getName))
                        .as("job-store pools left open by %s", context.getDisplayName())
                        .isEmpty());
    }

    private static List<Thread> poolThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .filter(thread -> thread.getName().startsWith(POOL_THREAD))
                .toList();
    }
}
