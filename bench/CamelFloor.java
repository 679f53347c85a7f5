import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;

/**
 * The floor of bench/throughput.sh for any Camel design: the thinnest Camel route that does the bridge's
 * file-to-file work for N OpenProspect requests, with the bridge's components (camel-file, camel-http on
 * HttpClient 5) and none of its duties: no job store, no durability, no idempotency record, no rate limits, no
 * validation, no metrics, tracing or MDC, no error handling. Each file is read, POSTed with its
 * Idempotency-Key, its creation read until SUCCEEDED, and its status written to the outbox (a temporary name, then
 * renamed, as the bridge writes results). Measured like the bridge: from moving the staged files into the watched
 * folder to the last result; CPU is the process's over the same span.
 * A request that fails is counted and ends the run with exit status 1 (nothing is retried).
 * Run: java -cp target/profile-bridge.jar bench/CamelFloor.java BASE_URL STAGE_DIR WORK_DIR THREADS KEY_PREFIX;
 * KEY_PREFIX keeps one run's Idempotency-Keys apart from another's on the same simulator.
 */
public class CamelFloor {
    private static final Pattern ID = Pattern.compile("\"profile_creation_id\":\"([^\"]+)\"");

    public static void main(String[] args) throws Exception {
        String base = args[0];
        Path stage = Path.of(args[1]);
        Path work = Path.of(args[2]);
        int threads = Integer.parseInt(args[3]);
        String keyPrefix = args[4];
        Path inbox = Files.createDirectories(work.resolve("inbox"));
        Path outbox = Files.createDirectories(work.resolve("outbox"));
        int n;
        try (Stream<Path> files = Files.list(stage)) {
            n = (int) files.count();
        }
        CountDownLatch done = new CountDownLatch(n);
        java.util.Set<String> finished = java.util.concurrent.ConcurrentHashMap.newKeySet();
        java.util.concurrent.atomic.AtomicReference<Throwable> failure = new java.util.concurrent.atomic.AtomicReference<>();
        DefaultCamelContext camel = new DefaultCamelContext();
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                onException(Exception.class).handled(true).process(e -> {
                    failure.compareAndSet(null, e.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class));
                    while (done.getCount() > 0) {
                        done.countDown();
                    }
                });
                String http = base + "/api/v1/search-profile-creations";
                from("file:" + inbox + "?move=.done&delay=50&maxMessagesPerPoll=0&readLock=none&idempotent=true")
                        .threads(threads, threads)
                        .convertBodyTo(String.class)
                        .setProperty("name", header(Exchange.FILE_NAME))
                        .setHeader("Idempotency-Key", simple(keyPrefix + "${file:onlyname.noext}"))
                        .setHeader("Authorization", constant("Bearer lnc_live_bench_key_0001"))
                        .setHeader("Content-Type", constant("application/json"))
                        .setHeader(Exchange.HTTP_METHOD, constant("POST"))
                        .to(http + "?throwExceptionOnFailure=true")
                        .convertBodyTo(String.class)
                        .process(e -> {
                            Matcher id = ID.matcher(e.getMessage().getBody(String.class));
                            if (!id.find()) {
                                throw new IllegalStateException("no id in " + e.getMessage().getBody());
                            }
                            e.setProperty("creationId", id.group(1));
                        })
                        .removeHeaders("*", "Authorization")
                        .setHeader(Exchange.HTTP_METHOD, constant("GET"))
                        .setHeader(Exchange.HTTP_PATH, exchangeProperty("creationId"))
                        .process(e -> e.getMessage().setBody(null))
                        .loopDoWhile(e -> !String.valueOf(e.getMessage().getBody(String.class)).contains("\"SUCCEEDED\""))
                            .to(http + "?throwExceptionOnFailure=true")
                            .convertBodyTo(String.class)
                        .end()
                        .removeHeaders("*")
                        .setHeader(Exchange.FILE_NAME, exchangeProperty("name"))
                        .to("file:" + outbox + "?tempPrefix=.tmp-")
                        .process(e -> {
                            if (finished.add(e.getProperty("name", String.class))) {
                                done.countDown();
                            }
                        });
            }
        });
        camel.start();
        long cpu0 = cpuNanos();
        long t0 = System.nanoTime();
        try (Stream<Path> files = Files.list(stage)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Files.move(file, inbox.resolve(file.getFileName()));
            }
        }
        if (!done.await(600, TimeUnit.SECONDS)) {
            System.out.println("FAIL: " + done.getCount() + " results missing");
            System.exit(1);
        }
        if (failure.get() != null) {
            System.out.println("FAIL: " + failure.get());
            System.exit(1);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        double cpu = (cpuNanos() - cpu0) / 1e9;
        System.out.printf("camel floor: %d requests in %.2f s = %.0f requests/s, %.2f CPU s per 1,000 requests%n",
                n, seconds, n / seconds, cpu * 1000 / n);
        camel.stop();
        System.exit(0);
    }

    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }
}
