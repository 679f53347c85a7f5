package io.profilebridge;

import static io.profilebridge.BridgeRun.freePort;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged jar as an operator runs it: {@code java -jar profile-bridge.jar} from a folder that has nothing else
 * in it (failsafe runs this after {@code package}, against the jar just built). Ports are free ones, passed the way
 * an operator would: environment variables.
 */
class JarIT {

    private static final Path JAR = Path.of(System.getProperty("bridge.jar", "target/profile-bridge.jar"))
            .toAbsolutePath();
    private static final Duration START = Duration.ofSeconds(90);

    /**
     * The class-data-sharing archives of the relaunched bridges (Relaunch): one for the whole class, so that only the
     * first plain start makes one, and none in the user's own cache.
     */
    @TempDir
    static Path cache;

    @TempDir
    Path folder;

    @Test
    void theDemoRunsFromAnEmptyFolderAndReportsEveryRequestEachTime() throws Exception {
        Map<String, String> environment = new HashMap<>(Map.of(
                "CAMEL_MAIN_PROFILE", "sandbox",
                "CAMEL_MANAGEMENT_PORT", Integer.toString(freePort()),
                "SANDBOX_PORT", Integer.toString(freePort()),
                "SANDBOX_JOB_DURATION_MS", "1500",
                "BRIDGE_POLL_FIRST_DELAY_MS", "300",
                // a progress line while the demo's work is pending, however fast the bridge starts
                "BRIDGE_PROGRESS_INTERVAL_MS", "1000",
                "BRIDGE_JMS_EMBEDDED_URL", "tcp://127.0.0.1:" + freePort()));
        Path empty = Files.createDirectories(folder.resolve("empty"));
        try (OtlpCollector collector = OtlpCollector.start()) {
            // traces exported as README says, over OTLP/HTTP, by the exporter packaged in the jar
            environment.putAll(Map.of(
                    "OTEL_TRACES_EXPORTER",
                    "otlp",
                    "OTEL_EXPORTER_OTLP_ENDPOINT",
                    collector.url(),
                    "OTEL_BSP_SCHEDULE_DELAY",
                    "200"));
            for (int run = 1; run <= 2; run++) {
                // the first with the default JIT, C1 alone; the second with the JVM's own
                if (run == 2) {
                    environment.put("BRIDGE_JIT", "tiered");
                }
                try (Bridge demo = Bridge.start(empty, "demo-" + run + ".log", environment)) {
                    runTheDemo(demo, empty, run, collector);
                }
            }
        }
    }

    @Test
    void aPlainStartRunsTheBridgeInAChildJvmThatMakesThenMapsItsClassArchiveAndDiesWithItsLauncher(
            @TempDir Path ownCache) throws Exception {
        Path archives = ownCache.resolve("profile-bridge/cds");
        Map<String, String> environment = Map.of(
                "XDG_CACHE_HOME", ownCache.toString(),
                "BRIDGE_JMS_ENABLED", "false",
                "CAMEL_MANAGEMENT_PORT", Integer.toString(freePort()));
        Path work = Files.createDirectories(folder.resolve("relaunched"));
        try (Bridge first = Bridge.start(work, "first.log", environment)) {
            first.awaitRunning();
            assertThat(first.bridge().pid()).as("a child JVM").isNotEqualTo(first.process.pid());
            assertThat(first.bridgeCommand()).contains("-XX:ArchiveClassesAtExit=" + archives);
            first.stop();
            assertThat(first.process.exitValue())
                    .as("the bridge's own code on SIGTERM")
                    .isEqualTo(143);
        }
        assertThat(Files.getPosixFilePermissions(archives)).isEqualTo(PosixFilePermissions.fromString("rwx------"));
        List<Path> kept;
        try (Stream<Path> files = Files.list(archives)) {
            kept = files.toList();
        }
        assertThat(kept)
                .as("the archive written on the way out, and nothing else")
                .singleElement();
        assertThat(kept.get(0).getFileName().toString()).endsWith(".jsa");

        try (Bridge second = Bridge.start(work, "second.log", environment)) {
            second.awaitRunning();
            assertThat(second.bridgeCommand()).contains("-XX:SharedArchiveFile=" + kept.get(0));
            ProcessHandle child = second.bridge();
            second.process.destroyForcibly(); // SIGKILL to the process started: the bridge goes with it
            await().atMost(Duration.ofSeconds(20)).until(() -> !child.isAlive());
            assertThat(second.output()).contains("its launching process ended; stopping at once");
        }

        try (Bridge inProcess =
                Bridge.start(work, "in-process.log", with(environment, "BRIDGE_LAUNCHER", "in-process"))) {
            inProcess.awaitRunning();
            assertThat(inProcess.process.children()).as("no child JVM").isEmpty();
            inProcess.stop();
        }
    }

    /** CLI audit: a run a duration ended exited 0 whatever -exitcode said. */
    @Test
    void aRunADurationEndsExitsWithTheCodeAskedFor() throws Exception {
        Map<String, String> environment =
                Map.of("BRIDGE_JMS_ENABLED", "false", "CAMEL_MANAGEMENT_PORT", Integer.toString(freePort()));
        try (Bridge timed = Bridge.start(
                Files.createDirectories(folder.resolve("timed")),
                "timed.log",
                environment,
                "--duration",
                "2",
                "-e",
                "7")) {
            assertThat(timed.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(timed.process.exitValue()).isEqualTo(7);
        }
    }

    /**
     * Under LANG=C (cron, {@code env -i}, a systemd unit without a locale) the JVM reads file names as ASCII: the
     * relaunched bridge is given UTF-8 file names and takes a file named in any script; one started in-process
     * leaves such a file with a line saying why, and takes the others (hostile-input audit: one such name failed every
     * poll of its folder, and nothing in it was taken).
     */
    @Test
    void underLangCAFileNamedInAnyScriptIsTakenAndNeverHoldsUpItsFolder() throws Exception {
        String body = "{\"profile_name\": \"%s\", \"ideal_customer_profile\": \"B2B\", \"target_countries\": [\"DE\"]}";
        for (String launcher : List.of("relaunch", "in-process")) {
            Path work = Files.createDirectories(folder.resolve("lang-c-" + launcher));
            Map<String, String> environment = Map.of(
                    "LANG", "C",
                    "LC_ALL", "",
                    "BRIDGE_LAUNCHER", launcher,
                    "CAMEL_MAIN_PROFILE", "sandbox",
                    "SANDBOX_PORT", Integer.toString(freePort()),
                    "SANDBOX_JOB_DURATION_MS", "200",
                    "BRIDGE_JMS_ENABLED", "false",
                    "CAMEL_MANAGEMENT_PORT", Integer.toString(freePort()));
            // the sandbox profile's folders
            Path inbox = work.resolve("sandbox/inbox/openprospect");
            Path outbox = work.resolve("sandbox/outbox/openprospect");
            try (Bridge bridge = Bridge.start(work, "lang-c-" + launcher + ".log", environment)) {
                bridge.awaitRunning();
                Files.createDirectories(inbox);
                Files.writeString(inbox.resolve("plain.json"), body.formatted("plain " + launcher));
                Files.writeString(
                        inbox.resolve("gr\u00fc\u00df-\u65e5\u672c.json"), body.formatted("other " + launcher));
                if (launcher.equals("relaunch")) {
                    await().atMost(Duration.ofSeconds(60))
                            .until(() -> Files.exists(outbox.resolve("gr\u00fc\u00df-\u65e5\u672c.json"))
                                    && Files.exists(outbox.resolve("plain.json")));
                } else {
                    await().atMost(Duration.ofSeconds(60))
                            .until(() -> Files.exists(outbox.resolve("plain.json"))
                                    && bridge.output().contains("start the bridge with a UTF-8 locale"));
                    assertThat(inbox.resolve("gr\u00fc\u00df-\u65e5\u672c.json"))
                            .as("left where it was")
                            .exists();
                }
                bridge.stop();
            }
        }
    }

    private static Map<String, String> with(Map<String, String> environment, String name, String value) {
        Map<String, String> more = new HashMap<>(environment);
        more.put(name, value);
        return more;
    }

    private static void runTheDemo(Bridge demo, Path empty, int run, OtlpCollector collector) throws Exception {
        demo.awaitRunning();
        if (run == 1) {
            assertThat(demo.c1Only()).as("bridge.jit=c1 by default").isTrue();
        } else {
            assertThat(demo.c1Only()).as("bridge.jit=tiered").isFalse();
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> demo.lines("Result ").size() == 9);
        assertThat(demo.lines("Result succeeded")).hasSize(7);
        assertThat(demo.lines("Result failed")).hasSize(2);
        Path outbox = empty.resolve("sandbox/outbox");
        assertThat(demo.lines("  outbox ")).singleElement().asString().endsWith(outbox.toString());
        assertThat(jsonFiles(outbox)).hasSize(9);
        assertThat(jsonFiles(outbox.resolve("failed"))).hasSize(2);
        // one line per request: a request that succeeded is named in its result line only
        for (String line : demo.lines("Result succeeded for ")) {
            String request = line.substring(line.indexOf("Result succeeded for ") + 21, line.lastIndexOf(':'));
            assertThat(demo.lines(" " + request)).as(request).hasSize(1);
        }
        if (run == 1) {
            byte[] traceId = HexFormat.of()
                    .parseHex(Json.parse(Files.readString(jsonFiles(outbox).get(0)))
                            .get("traceId")
                            .asText());
            await().atMost(Duration.ofSeconds(20)).until(() -> collector.received(traceId));
            theManagementUrlsOfTheBannerAnswer(demo);
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> !demo.lines("Progress: ").isEmpty());
            assertThat(demo.output())
                    .as("a quiet console: no broker audit log, no library chatter")
                    .doesNotContain("AMQ601")
                    .doesNotContain("AMQ221")
                    .doesNotContain("Routes startup")
                    .doesNotContain("Auto-configuration summary")
                    .doesNotContain("HttpServer started");
        }
        demo.stop();
    }

    private static void theManagementUrlsOfTheBannerAnswer(Bridge bridge) throws Exception {
        for (String name : List.of("status", "jobs", "health", "metrics")) {
            String line = bridge.lines("  " + name + " ").get(0).trim();
            String url = line.split("\\s+")[1];
            assertThat(get(url)).as(url).isEqualTo(200);
        }
        String health = bridge.lines("  health ").get(0).trim().split("\\s+")[1];
        assertThat(get(health + "/live")).isEqualTo(200);
        assertThat(get(health + "/ready")).isEqualTo(200);
    }

    @Test
    void aBridgeReadsConfigAndRoutesBesideItAndASecondOneOnItsFolderOrPortsStopsAtOnce() throws Exception {
        Path first = Files.createDirectories(folder.resolve("first"));
        Files.createDirectories(first.resolve("config"));
        Files.writeString(first.resolve("config/application.properties"), "bridge.inbox = requests\n");
        Files.createDirectories(first.resolve("routes"));
        Files.writeString(first.resolve("routes/progress-log.camel.yaml"), """
                - route:
                    id: progress-log
                    from:
                      uri: timer:progress-log
                      parameters:
                        repeatCount: 1
                      steps:
                        - log: "progress-log replaced from routes/"
                """);
        Files.writeString(first.resolve("routes/hello.camel.yaml"), """
                - route:
                    id: hello
                    from:
                      uri: timer:hello
                      parameters:
                        repeatCount: 1
                      steps:
                        - log: "hello from routes/"
                """);
        int managementPort = freePort();
        int brokerPort = freePort();
        Map<String, String> environment = Map.of(
                "CAMEL_MANAGEMENT_PORT",
                Integer.toString(managementPort),
                "BRIDGE_JMS_EMBEDDED_URL",
                "tcp://127.0.0.1:" + brokerPort);
        try (Bridge bridge = Bridge.start(first, "first.log", environment)) {
            bridge.awaitRunning();
            assertThat(bridge.lines("  inbox "))
                    .singleElement()
                    .asString()
                    .endsWith(first.resolve("requests").toString());
            assertThat(bridge.lines("  status "))
                    .singleElement()
                    .asString()
                    .contains("127.0.0.1:" + managementPort + "/");
            assertThat(bridge.lines(" WARN "))
                    .as("no OTEL_* set: tracing on, nothing to export, nothing to warn of")
                    .isNotEmpty()
                    .allSatisfy(line -> assertThat(line).contains("API key is configured"));
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> !bridge.lines("hello from routes/").isEmpty()
                            && !bridge.lines("progress-log replaced from routes/")
                                    .isEmpty());

            // eleven at once: each stops by itself, independently of the others
            try (Bridge sameFolder = Bridge.start(
                            first,
                            "same-folder.log",
                            Map.of(
                                    "CAMEL_MANAGEMENT_PORT",
                                    Integer.toString(freePort()),
                                    "BRIDGE_JMS_EMBEDDED_URL",
                                    "tcp://127.0.0.1:" + freePort()));
                    Bridge samePort = Bridge.start(
                            Files.createDirectories(folder.resolve("second")),
                            "same-port.log",
                            Map.of(
                                    "CAMEL_MANAGEMENT_PORT",
                                    Integer.toString(managementPort),
                                    "BRIDGE_JMS_EMBEDDED_URL",
                                    "tcp://127.0.0.1:" + freePort()));
                    Bridge sameBroker = Bridge.start(
                            Files.createDirectories(folder.resolve("third")),
                            "same-broker.log",
                            Map.of(
                                    "CAMEL_MANAGEMENT_PORT",
                                    Integer.toString(freePort()),
                                    "BRIDGE_JMS_EMBEDDED_URL",
                                    "tcp://127.0.0.1:" + brokerPort));
                    Bridge badValue = startRefusing("bad-value", "BRIDGE_INBOX_CONCURRENCY", "eight");
                    // a properties list that leaves out the packaged file, so the keys it does not set have no default
                    Bridge missingKey = Bridge.start(
                            Files.createDirectories(folder.resolve("fifth")),
                            "missing-key.log",
                            Map.of(
                                    "CAMEL_MANAGEMENT_PORT",
                                    Integer.toString(freePort()),
                                    "CAMEL_MAIN_PROPERTY_PLACEHOLDER_LOCATION",
                                    "classpath:application-cluster.properties"));
                    Bridge badTracing = startRefusing("bad-tracing", "OTEL_TRACES_EXPORTER", "zipkin");
                    Bridge badJit = startRefusing("bad-jit", "BRIDGE_JIT", "fast");
                    Bridge badLauncher = startRefusing("bad-launcher", "BRIDGE_LAUNCHER", "child");
                    Bridge dataFile = startRefusing(
                            "data-file",
                            "BRIDGE_DATA",
                            Files.writeString(folder.resolve("not-a-folder"), "")
                                    .toString());
                    // third black-box audit: beside CAMEL_MANAGEMENT_PORT it listened on a random port
                    Bridge badPortProperty =
                            startRefusing("bad-port-property", "JDK_JAVA_OPTIONS", "-Dcamel.management.port=abc");
                    // a job store that cannot be reached ends the start-up in one line too
                    Bridge noStore = Bridge.start(
                            Files.createDirectories(folder.resolve("seventh")),
                            "no-store.log",
                            Map.of(
                                    "CAMEL_MANAGEMENT_PORT",
                                    Integer.toString(freePort()),
                                    "BRIDGE_JMS_ENABLED",
                                    "false",
                                    "BRIDGE_STORE_URL",
                                    "jdbc:postgresql://127.0.0.1:" + freePort() + "/bridge"))) {
                sameFolder.assertStopsWith("the data folder " + first.resolve("data"), "bridge.data");
                samePort.assertStopsWith(
                        "the management server cannot listen on 127.0.0.1:" + managementPort, "camel.management.port");
                sameBroker.assertStopsWith(
                        "the embedded broker cannot listen on 127.0.0.1:" + brokerPort, "bridge.jms.embedded-url");
                badValue.assertStopsWith(
                        "bridge.inbox.concurrency (BRIDGE_INBOX_CONCURRENCY) must be a whole number", "\"eight\"");
                missingKey.assertStopsWith(
                        "bridge.data is not set",
                        "the packaged application.properties declares every key with its default");
                badTracing.assertStopsWith("OpenTelemetry cannot be configured from the OTEL_* variables", "zipkin");
                noStore.assertStopsWith("the job store of bridge.store.url", "Connection refused");
                badPortProperty.assertStopsWith(
                        "property camel.management.port must be a port number from 0 to 65535", "\"abc\"");
                badJit.assertStopsWith("property bridge.jit (BRIDGE_JIT) must be c1 or tiered, not \"fast\"");
                badLauncher.assertStopsWith(
                        "property bridge.launcher (BRIDGE_LAUNCHER) must be relaunch or in-process, not \"child\"");
                dataFile.assertStopsWith("property bridge.data (BRIDGE_DATA) must name a folder, but "
                        + folder.resolve("not-a-folder") + " is not one");
            }
            bridge.stop();
        }
    }

    /** A bridge in a folder of its own, JMS off, with one variable set to a value it must refuse. */
    private Bridge startRefusing(String name, String variable, String value) throws IOException {
        return Bridge.start(
                Files.createDirectories(folder.resolve(name)),
                name + ".log",
                Map.of(
                        "CAMEL_MANAGEMENT_PORT",
                        Integer.toString(freePort()),
                        "BRIDGE_JMS_ENABLED",
                        "false",
                        variable,
                        value));
    }

    @Test
    void configAndRoutesBesideTheJarAreReadFromAnotherFolderAndTheWorkingDirectorysWin() throws Exception {
        // config-and-APIs audit: `cd elsewhere && java -jar /opt/pb/profile-bridge.jar` ignored /opt/pb/config
        Path home = Files.createDirectories(folder.resolve("jar-home"));
        Path jar = Files.copy(JAR, home.resolve("profile-bridge.jar"));
        Files.createDirectories(home.resolve("config"));
        Files.writeString(
                home.resolve("config/application.properties"),
                "bridge.inbox = jar-home-inbox\nbridge.outbox = jar-home-outbox\n");
        Files.createDirectories(home.resolve("routes"));
        Files.writeString(home.resolve("routes/hello.camel.yaml"), helloRoute("hello beside the jar"));
        Files.writeString(
                home.resolve("routes/other.camel.yaml"),
                helloRoute("other beside the jar").replace("hello", "other"));
        Path elsewhere = Files.createDirectories(folder.resolve("elsewhere"));
        Files.createDirectories(elsewhere.resolve("config"));
        Files.writeString(elsewhere.resolve("config/application.properties"), "bridge.outbox = own-outbox\n");
        Files.createDirectories(elsewhere.resolve("routes"));
        Files.writeString(elsewhere.resolve("routes/hello.camel.yaml"), helloRoute("hello of the working directory"));
        Map<String, String> environment =
                Map.of("CAMEL_MANAGEMENT_PORT", Integer.toString(freePort()), "BRIDGE_JMS_ENABLED", "false");
        try (Bridge bridge = Bridge.start(elsewhere, "elsewhere.log", environment, jar)) {
            bridge.awaitRunning();
            assertThat(bridge.lines("  inbox "))
                    .as("the jar folder's file, its relative folder in the working directory")
                    .singleElement()
                    .asString()
                    .endsWith(elsewhere.resolve("jar-home-inbox").toString());
            assertThat(bridge.lines("  outbox "))
                    .as("the working directory's file wins")
                    .singleElement()
                    .asString()
                    .endsWith(elsewhere.resolve("own-outbox").toString());
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> !bridge.lines("hello of the working directory").isEmpty()
                            && !bridge.lines("other beside the jar").isEmpty());
            assertThat(bridge.lines("hello beside the jar"))
                    .as("replaced by the working directory's")
                    .isEmpty();
        }
    }

    private static String helloRoute(String says) {
        return """
                - route:
                    id: hello
                    from:
                      uri: timer:hello
                      parameters:
                        repeatCount: 1
                      steps:
                        - log: "%s"
                """.formatted(says);
    }

    @Test
    void helpListsTheCommandsAndTheMainProperties() throws Exception {
        try (Bridge help =
                Bridge.start(Files.createDirectories(folder.resolve("empty")), "help.log", Map.of(), "--help")) {
            assertThat(help.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(help.process.exitValue()).isZero();
            assertThat(help.output())
                    .contains("simulate")
                    .contains("check FILE|DIR")
                    .contains("bridge.inbox")
                    .contains("openprospect.api-key")
                    .contains("camel.management.host, .port");
        }
        // before: Camel's runner printed its own help for an option it does not know, and exited 0
        try (Bridge unknown = Bridge.start(
                Files.createDirectories(folder.resolve("unknown-option")), "unknown-option.log", Map.of(), "--bogus")) {
            assertThat(unknown.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(unknown.process.exitValue()).isEqualTo(2);
            assertThat(unknown.output()).contains("unknown option \"--bogus\"; see --help");
        }
        // CLI audit: a stray word after an option reached Camel's runner, which printed its help and exited 0
        try (Bridge stray = Bridge.start(
                Files.createDirectories(folder.resolve("stray-word")), "stray-word.log", Map.of(), "-d", "3", "foo")) {
            assertThat(stray.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(stray.process.exitValue()).isEqualTo(2);
            assertThat(stray.output()).contains("unexpected argument \"foo\"; see --help");
        }
        // README audit: "simulate --help" was refused as a knob without a value, exit 2
        try (Bridge simulateHelp = Bridge.start(
                Files.createDirectories(folder.resolve("simulate-help")),
                "simulate-help.log",
                Map.of(),
                "simulate",
                "--help")) {
            assertThat(simulateHelp.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(simulateHelp.process.exitValue()).isZero();
            assertThat(simulateHelp.output())
                    .contains("usage: simulate [--port 8099]")
                    .contains("--job-duration-ms");
        }
    }

    // --- the process -----------------------------------------------------------------------------------------

    /** {@code java -jar} in a folder, its console in a file. */
    private static final class Bridge implements AutoCloseable {

        private final Process process;
        private final Path log;

        private Bridge(Process process, Path log) {
            this.process = process;
            this.log = log;
        }

        static Bridge start(Path folder, String logName, Map<String, String> environment, String... arguments)
                throws IOException {
            return start(folder, logName, environment, JAR, arguments);
        }

        static Bridge start(Path folder, String logName, Map<String, String> environment, Path jar, String... arguments)
                throws IOException {
            List<String> command = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toString()));
            command.addAll(List.of(arguments));
            ProcessBuilder builder =
                    new ProcessBuilder(command).directory(folder.toFile()).redirectErrorStream(true);
            Path log = folder.getParent().resolve(logName);
            builder.redirectOutput(log.toFile());
            builder.environment()
                    .keySet()
                    .removeIf(name ->
                            name.startsWith("CAMEL_") || name.startsWith("BRIDGE_") || name.startsWith("OTEL_"));
            builder.environment().put("XDG_CACHE_HOME", cache.toString());
            builder.environment().putAll(environment);
            return new Bridge(builder.start(), log);
        }

        void awaitRunning() {
            await().atMost(START).until(() -> output().contains(" is running") || !process.isAlive());
            assertThat(output()).as("started").contains(" is running");
        }

        /** Exit code 1 within seconds, with one line saying why and no stack trace. */
        void assertStopsWith(String... parts) throws InterruptedException {
            assertThat(process.waitFor(START.toSeconds(), TimeUnit.SECONDS))
                    .as("stopped by itself")
                    .isTrue();
            assertThat(process.exitValue()).isEqualTo(1);
            assertThat(lines("did not start: ")).singleElement().asString().contains(parts);
            assertThat(output()).doesNotContain("\tat ").as("told once").doesNotContain("vetoed to not start");
        }

        /**
         * Whether the bridge's JVM compiles with C1 alone: by the option its launcher gave it, or by the compiler
         * directive it gave itself when it runs in the process started.
         */
        boolean c1Only() throws IOException, InterruptedException {
            return jcmd("VM.flags").contains("-XX:TieredStopAtLevel=1")
                    || jcmd("Compiler.directives_print")
                            .contains("c2 directives:\n  inline: -\n  Enable:true Exclude:true");
        }

        private String jcmd(String command) throws IOException, InterruptedException {
            Process jcmd = new ProcessBuilder(
                            Path.of(System.getProperty("java.home"), "bin", "jcmd")
                                    .toString(),
                            Long.toString(bridge().pid()),
                            command)
                    .redirectErrorStream(true)
                    .start();
            String printed = new String(jcmd.getInputStream().readAllBytes());
            assertThat(jcmd.waitFor(30, TimeUnit.SECONDS)).isTrue();
            return printed;
        }

        /** The bridge's JVM: the child a plain start relaunched it in, else the process started. */
        ProcessHandle bridge() {
            return process.children().findFirst().orElse(process.toHandle());
        }

        /** The command line of the bridge's JVM. */
        String bridgeCommand() {
            return bridge().info().commandLine().orElse("");
        }

        List<String> lines(String containing) {
            return output().lines().filter(line -> line.contains(containing)).toList();
        }

        String output() {
            try {
                return Files.exists(log) ? Files.readString(log) : "";
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** SIGTERM, as a service manager stops it. */
        void stop() throws InterruptedException {
            process.destroy();
            assertThat(process.waitFor(60, TimeUnit.SECONDS))
                    .as("stopped on SIGTERM")
                    .isTrue();
        }

        @Override
        public void close() throws InterruptedException {
            if (process.isAlive()) {
                process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    /** An OpenTelemetry collector's OTLP/HTTP trace endpoint: keeps what it is sent, answers 200. */
    private static final class OtlpCollector implements AutoCloseable {

        private final HttpServer server;
        private final List<byte[]> exports = new CopyOnWriteArrayList<>();

        private OtlpCollector(HttpServer server) {
            this.server = server;
        }

        static OtlpCollector start() throws IOException {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            OtlpCollector collector = new OtlpCollector(server);
            server.createContext("/v1/traces", exchange -> {
                try (exchange) {
                    if ("application/x-protobuf"
                            .equals(exchange.getRequestHeaders().getFirst("Content-Type"))) {
                        collector.exports.add(exchange.getRequestBody().readAllBytes());
                    }
                    exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
                    exchange.sendResponseHeaders(200, -1);
                }
            });
            server.start();
            return collector;
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort();
        }

        /** True once a span of this trace was exported (OTLP carries a trace id as its 16 bytes). */
        boolean received(byte[] traceId) {
            return exports.stream().anyMatch(export -> indexOf(export, traceId) >= 0);
        }

        private static int indexOf(byte[] data, byte[] part) {
            for (int i = 0; i + part.length <= data.length; i++) {
                if (Arrays.equals(data, i, i + part.length, part, 0, part.length)) {
                    return i;
                }
            }
            return -1;
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

    private static int get(String url) throws Exception {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(url))
                                .timeout(Duration.ofSeconds(10))
                                .build(),
                        HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    private static List<Path> jsonFiles(Path folder) throws IOException {
        try (Stream<Path> files = Files.walk(folder)) {
            return files.filter(p -> p.toString().endsWith(".json")
                            && !p.getFileName().toString().startsWith("."))
                    .toList();
        }
    }
}
