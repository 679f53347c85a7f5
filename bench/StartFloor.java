import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.server.JournalType;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.jms.JmsComponent;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainListenerSupport;

/**
 * The floor of bench/startup.sh for any Camel Main design: the thinnest Camel Main process that starts the parts a
 * default bridge starts, with the bridge's libraries and nothing of its own. An embedded Artemis broker (persistent
 * NIO journal, one loopback acceptor, one queue) and an H2 file database (one table) opened on threads of their own
 * while Camel Main configures; the management server on platform-http with health and Prometheus metrics; Log4j with
 * the jar's own configuration; three file consumers, a JMS consumer, a Quartz trigger in front of an HTTP producer
 * (the endpoint made, never called) and one YAML DSL route. None of the bridge's parts: no launcher, no class
 * preloader, no job store schema, no API routes, no status page, no tracing, no checks of its own.
 * Compiled into a jar of its own and run beside the bridge's (the class archive needs jars on the class path):
 * java -cp floor.jar:target/profile-bridge.jar StartFloor WORK_DIR MANAGEMENT_PORT JMS_PORT; with {@code relaunch ARCHIVE}
 * first, through a launcher JVM as a plain java -jar start of the bridge goes.
 */
public class StartFloor {

    public static void main(String[] args) throws Exception {
        if (args[0].equals("relaunch")) {
            relaunch(args);
            return;
        }
        Path work = Path.of(args[0]);
        String managementPort = args[1];
        String jmsPort = args[2];
        Path data = Files.createDirectories(work.resolve("data"));
        CompletableFuture<EmbeddedActiveMQ> broker =
                CompletableFuture.supplyAsync(() -> startBroker(data.resolve("artemis"), jmsPort));
        CompletableFuture<Connection> database = CompletableFuture.supplyAsync(() -> openDatabase(data));
        Path yaml = work.resolve("floor.camel.yaml");
        Files.writeString(yaml, """
                - route:
                    id: floor-yaml
                    from:
                      uri: timer:floor-yaml?period=60000&delay=60000
                      steps:
                        - log: "floor yaml route"
                """);

        Main main = new Main();
        main.setDefaultPropertyPlaceholderLocation("false"); // not the bridge's application.properties
        main.addInitialProperty("camel.main.name", "start-floor");
        main.addInitialProperty("camel.main.routes-include-pattern", "file:" + yaml);
        main.addInitialProperty("camel.main.jmx-enabled", "false");
        main.addInitialProperty("camel.management.enabled", "true");
        main.addInitialProperty("camel.management.host", "127.0.0.1");
        main.addInitialProperty("camel.management.port", managementPort);
        main.addInitialProperty("camel.management.health-check-enabled", "true");
        main.addInitialProperty("camel.management.metrics-enabled", "true");
        main.addInitialProperty("camel.metrics.enabled", "true");
        main.addInitialProperty("camel.metrics.path", "/observe/metrics");
        main.addInitialProperty("camel.health.exposure-level", "full");
        ActiveMQConnectionFactory factory = new ActiveMQConnectionFactory("tcp://127.0.0.1:" + jmsPort);
        main.bind("jms", JmsComponent.jmsComponentTransacted(factory));
        main.configure().addRoutesBuilder(new RouteBuilder() {
            @Override
            public void configure() {
                for (String api : new String[] {"openprospect", "orbit", "envelope"}) {
                    fromF("file:%s?initialDelay=0&delay=500&move=.done&readLock=none", work.resolve("inbox").resolve(api))
                            .routeId("floor-inbox-" + api)
                            .to("log:floor");
                }
                from("jms:queue:floor.requests").routeId("floor-jms").to("log:floor");
                from("quartz://floor/tick?trigger.repeatInterval=1000")
                        .routeId("floor-tick")
                        .filter(constant(false))
                        .to("http://127.0.0.1:1/floor");
            }
        });
        main.addMainListener(new MainListenerSupport() {
            @Override
            public void beforeStart(BaseMainSupport ignored) {
                broker.join(); // the JMS consumer connects when its route starts
                database.join();
            }
        });
        main.run();
    }

    /**
     * {@code relaunch ARCHIVE WORK_DIR MANAGEMENT_PORT JMS_PORT}: what the bridge's launcher does for a plain
     * {@code java -jar}, at its least: this JVM starts the floor in a second one given its archive and C1, and waits
     * for it (the only way a JVM started without options can use an archive).
     */
    private static void relaunch(String[] args) throws Exception {
        Process child = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-XX:SharedArchiveFile=" + args[1],
                        "-Xlog:cds*=off",
                        "-XX:TieredStopAtLevel=1",
                        "-cp",
                        childClassPath(),
                        "StartFloor",
                        args[2],
                        args[3],
                        args[4])
                .inheritIO()
                .start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            child.destroy();
            try {
                child.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        System.exit(child.waitFor());
    }

    /**
     * This JVM's class path with the floor's jar first, as its archive was made: the launcher finds its class in the
     * bridge's jar first, so that it opens that jar as the bridge's launcher does.
     */
    private static String childClassPath() {
        List<String> entries = new ArrayList<>(List.of(System.getProperty("java.class.path").split(File.pathSeparator)));
        entries.sort(Comparator.comparing(entry -> !entry.endsWith("floor.jar")));
        return String.join(File.pathSeparator, entries);
    }

    private static EmbeddedActiveMQ startBroker(Path folder, String port) {
        try {
            Configuration config = new ConfigurationImpl()
                    .setName("start-floor")
                    .setPersistenceEnabled(true)
                    .setJournalType(JournalType.NIO)
                    .setJournalDirectory(folder.resolve("journal").toString())
                    .setBindingsDirectory(folder.resolve("bindings").toString())
                    .setLargeMessagesDirectory(folder.resolve("large-messages").toString())
                    .setPagingDirectory(folder.resolve("paging").toString())
                    .setSecurityEnabled(false)
                    .addAcceptorConfiguration("tcp", "tcp://127.0.0.1:" + port);
            config.addQueueConfiguration(
                    QueueConfiguration.of("floor.requests").setRoutingType(RoutingType.ANYCAST));
            return new EmbeddedActiveMQ().setConfiguration(config).start();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static Connection openDatabase(Path folder) {
        try {
            Connection connection = DriverManager.getConnection("jdbc:h2:file:" + folder.resolve("floor"));
            try (var statement = connection.createStatement()) {
                statement.execute("CREATE TABLE IF NOT EXISTS job (id VARCHAR(64) PRIMARY KEY, state VARCHAR(16))");
            }
            return connection;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
