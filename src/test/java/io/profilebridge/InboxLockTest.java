package io.profilebridge;

import static io.profilebridge.BridgeRun.drop;
import static io.profilebridge.BridgeRun.results;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.profilebridge.sandbox.Simulator;
import io.profilebridge.sandbox.SimulatorSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheck.State;
import org.apache.camel.health.HealthCheckHelper;
import org.apache.commons.io.FileUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Lifecycle audit: a second bridge with a job store of its own on a running bridge's inbox started without a word,
 * and removed the first one's read-lock markers as if a stopped run had left them.
 */
class InboxLockTest {

    @TempDir
    Path root;

    @Test
    void aSecondBridgeWithAStoreOfItsOwnOnTheSameInboxStopsTheStartAndTouchesNothing() throws Exception {
        try (Simulator simulator = Simulator.start(new SimulatorSettings().jobDurationMs(100))) {
            Map<String, String> first = BridgeRun.testProperties(root, simulator.baseUrl());
            try (BridgeRun running = BridgeRun.start(root, first)) {
                drop(root, "orbit/a.json", "{\"email\": \"a@example.com\"}");
                await().atMost(Duration.ofSeconds(20)).until(() -> results(root).containsKey("orbit/a.json"));
                assertThat(results(root)).as("the lock file is no request").containsOnlyKeys("orbit/a.json");

                Path marker = Files.writeString(BridgeRun.inbox(root).resolve("orbit/b.json.camelLock"), "");
                Map<String, String> second = new HashMap<>(first);
                second.put("bridge.data", root.resolve("data2").toString());
                second.put("camel.management.port", Integer.toString(BridgeRun.freePort()));
                assertThatThrownBy(() -> BridgeRun.start(root, second))
                        .rootCause()
                        .isInstanceOf(StartupFailure.class)
                        .hasMessageContaining("is taken by another bridge with a job store of its own");
                assertThat(marker).as("the running bridge's marker").exists();
            }
        }
    }

    /**
     * Fsedges audit: an inbox removed and made again under a running bridge lost its lock file (so a second bridge with
     * a store of its own could start on it and take its files) and its API folders (only a start made them) until a
     * restart. The bridge makes them again, and holds the lock again, within {@code bridge.inbox.folder-check-ms}.
     */
    @Test
    void anInboxRemovedUnderTheRunningBridgeIsMadeAgainWithItsFoldersAndHeldAgain() throws Exception {
        try (Simulator simulator = Simulator.start(new SimulatorSettings().jobDurationMs(100))) {
            Map<String, String> properties = BridgeRun.testProperties(root, simulator.baseUrl());
            try (BridgeRun running = BridgeRun.start(root, properties)) {
                Path inbox = BridgeRun.inbox(root);
                Path lock = inbox.resolve(InboxLock.FILE);
                assertThat(lock).exists();
                removeWhileRunning(inbox);

                await().atMost(Duration.ofSeconds(20))
                        .until(() -> Files.exists(lock) && Files.isDirectory(inbox.resolve("openprospect")));
                assertThatThrownBy(() -> InboxLock.acquire(inbox, "770", false).close())
                        .as("held again")
                        .isInstanceOf(StartupFailure.class);
                Files.writeString(inbox.resolve("openprospect/a.json"), BridgeRun.openProspectRequest("a"));
                await().atMost(Duration.ofSeconds(20)).until(() -> results(root).containsKey("openprospect/a.json"));

                // re-check audit: an API folder removed alone stayed gone
                removeWhileRunning(inbox.resolve("orbit"));
                await().atMost(Duration.ofSeconds(20)).until(() -> Files.isDirectory(inbox.resolve("orbit")));
            }
            assertThat(InboxLock.acquire(BridgeRun.inbox(root), "770", false))
                    .as("let go at the stop")
                    .satisfies(HeldFileLock::close);
        }
    }

    /**
     * Re-check audit: a bridge whose inbox another bridge took while it was made again went on taking its files, each
     * into its own store, and stayed UP; one whose inbox became a file said nothing. Neither reads the inbox until it
     * holds it again, and the inbox check is DOWN naming why.
     */
    @Test
    void anInboxThatCannotBeHeldAgainIsReadNoMoreUntilItIs() throws Exception {
        withRunningBridge(running -> {
            Path inbox = BridgeRun.inbox(root);
            // another bridge takes the inbox made again before this one holds it
            HeldFileLock other = await().atMost(Duration.ofSeconds(20))
                    .ignoreExceptions()
                    .until(
                            () -> {
                                removeWhileRunning(inbox);
                                Files.createDirectories(inbox.resolve("openprospect"));
                                return HeldFileLock.tryTake(inbox.resolve(InboxLock.FILE))
                                        .orElse(null);
                            },
                            Objects::nonNull);

            await().atMost(Duration.ofSeconds(20))
                    .until(() -> inboxCheck(running).getState() == State.DOWN);
            assertThat(inboxCheck(running).getMessage())
                    .hasValueSatisfying(message ->
                            assertThat(message).contains("not held again").contains("is taken by another bridge"));
            Files.writeString(inbox.resolve("openprospect/a.json"), BridgeRun.openProspectRequest("a"));
            await().during(Duration.ofSeconds(2))
                    .atMost(Duration.ofSeconds(5))
                    .until(() -> Files.exists(inbox.resolve("openprospect/a.json")));

            other.close();
            await().atMost(Duration.ofSeconds(20)).until(() -> results(root).containsKey("openprospect/a.json"));
            assertThat(inboxCheck(running).getState()).isEqualTo(State.UP);

            await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> {
                removeWhileRunning(inbox);
                Files.writeString(inbox, "a file where the inbox was");
                return true;
            });
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> inboxCheck(running).getState() == State.DOWN);
            // health audit: told as a want of write access
            assertThat(inboxCheck(running).getMessage())
                    .hasValueSatisfying(
                            message -> assertThat(message).contains("a file stands where the inbox folder should be"));
            Files.delete(inbox);
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> inboxCheck(running).getState() == State.UP);
            assertThat(inbox.resolve("orbit")).isDirectory();
        });
    }

    /**
     * Health audit: an inbox moved aside, a file put in its place, then the inbox moved back whole: the bridge still
     * held its lock file, took it anew, found it held (by itself), and read the inbox no more until a restart.
     */
    @Test
    void anInboxMovedAsideAndBackWholeIsReadAgain() throws Exception {
        withRunningBridge(running -> {
            Path inbox = BridgeRun.inbox(root);
            Path aside = root.resolve("inbox.aside");
            Files.move(inbox, aside);
            Files.writeString(inbox, "a file where the inbox was");
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> inboxCheck(running).getState() == State.DOWN);
            Files.delete(inbox);
            Files.move(aside, inbox);
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> inboxCheck(running).getState() == State.UP);
            Files.writeString(inbox.resolve("openprospect/b.json"), BridgeRun.openProspectRequest("b"));
            await().atMost(Duration.ofSeconds(20)).until(() -> results(root).containsKey("openprospect/b.json"));
        });
    }

    /** What a test does with a running bridge. */
    @FunctionalInterface
    private interface WithBridge {
        void run(BridgeRun running) throws Exception;
    }

    /** Runs {@code test} with a bridge on this test's folder, against a simulator of its own. */
    private void withRunningBridge(WithBridge test) throws Exception {
        try (Simulator simulator = Simulator.start(new SimulatorSettings().jobDurationMs(100))) {
            Map<String, String> properties = BridgeRun.testProperties(root, simulator.baseUrl());
            try (BridgeRun running = BridgeRun.start(root, properties)) {
                test.run(running);
            }
        }
    }

    /**
     * Removes a folder the running bridge may write into meanwhile (its watch makes inbox folders again, a move makes
     * .done/), trying again until one removal goes through whole.
     */
    private static void removeWhileRunning(Path folder) {
        await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> {
            FileUtils.deleteDirectory(folder.toFile());
            return true;
        });
    }

    private static HealthCheck.Result inboxCheck(BridgeRun bridge) {
        return HealthCheckHelper.invokeReadiness(bridge.context()).stream()
                .filter(result -> result.getCheck().getId().equals("inbox"))
                .findFirst()
                .orElseThrow();
    }

    /**
     * File-coordination audit: instances sharing a PostgreSQL store took no lock on their inbox, so a bridge with a
     * store of its own started on it, removed their live read-lock markers as its stopped run's, and took files into its
     * own store. They hold it shared now, which a bridge with a store of its own cannot take alone, nor they from it.
     */
    @Test
    void instancesSharingAStoreHoldTheInboxSharedAndABridgeWithAStoreOfItsOwnCannotTakeIt() throws Exception {
        Path inbox = root.resolve("shared-inbox");
        try (HeldFileLock first = InboxLock.acquire(inbox, "770", true);
                HeldFileLock second = InboxLock.acquire(inbox, "770", true)) {
            assertThatThrownBy(() -> InboxLock.acquire(inbox, "770", false))
                    .isInstanceOf(StartupFailure.class)
                    .hasMessageContaining("or by instances sharing a PostgreSQL store");
        }
    }
}
