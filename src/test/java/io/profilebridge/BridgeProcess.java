package io.profilebridge;

import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.TerminalFailureException;

/** The bridge as a separate JVM (this test JVM's classpath), configured by environment variables as in production. */
public final class BridgeProcess {

    private BridgeProcess() {}

    public static Process start(Map<String, String> properties, Path log) throws IOException {
        return start(properties, Map.of(), log);
    }

    /** @param environment further variables as they are, such as LOG4J_CONFIGURATION_FILE */
    public static Process start(Map<String, String> properties, Map<String, String> environment, Path log)
            throws IOException {
        ProcessBuilder builder = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                // a test's bridge lives for seconds: start-up matters more than peak speed (a third less start time)
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                "-cp",
                System.getProperty("java.class.path"),
                ProfileBridge.class.getName());
        builder.directory(new File(System.getProperty("user.dir")));
        properties.forEach((key, value) -> builder.environment()
                .put(key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_'), value));
        builder.environment().putAll(environment);
        builder.redirectErrorStream(true);
        builder.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        return builder.start();
    }

    /**
     * Waits for the condition while the bridge runs. A bridge that exits, or a condition that never comes, fails with
     * the end of the bridge's log, which says why (a refused start-up, a stuck call): a CI run keeps nothing else.
     */
    public static void awaitWhileRunning(Process bridge, Path log, Duration atMost, Callable<Boolean> condition) {
        try {
            await().atMost(atMost)
                    .failFast("the bridge exited", () -> !bridge.isAlive())
                    .until(condition);
        } catch (ConditionTimeoutException | TerminalFailureException e) {
            throw new AssertionError(e.getMessage() + "; the bridge's log ends:\n" + tail(log), e);
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
