import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The baseline of bench/throughput.sh: the least a program can do for N OpenProspect requests, with no
 * durability at all: POST each creation, then GET it until SUCCEEDED, on a fixed number of threads.
 * Run: java bench/RawClient.java BASE_URL REQUESTS THREADS [WARMUP]; WARMUP other requests go first, unmeasured.
 */
public class RawClient {
    private static final Pattern ID = Pattern.compile("\"profile_creation_id\":\"([^\"]+)\"");

    public static void main(String[] args) throws Exception {
        String base = args[0];
        int requests = Integer.parseInt(args[1]);
        int threads = Integer.parseInt(args[2]);
        int warmup = args.length > 3 ? Integer.parseInt(args[3]) : 0;
        HttpClient http = HttpClient.newBuilder().executor(Executors.newFixedThreadPool(threads)).build();
        run(http, base, "raw-warm-", warmup, threads);
        long start = System.nanoTime();
        int done = run(http, base, "raw-", requests, threads);
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("raw client: %d requests in %.2f s = %.0f requests/s%n", done, seconds, done / seconds);
        System.exit(0);
    }

    private static int run(HttpClient http, String base, String keyPrefix, int requests, int threads) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        AtomicInteger done = new AtomicInteger();
        for (int i = 0; i < requests; i++) {
            String key = keyPrefix + i;
            pool.submit(() -> {
                String body = "{\"profile_name\":\"" + key + "\",\"ideal_customer_profile\":\"x\",\"target_countries\":[\"DE\"]}";
                HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/search-profile-creations"))
                        .header("Authorization", "Bearer lnc_live_bench_key_0001").header("Idempotency-Key", key)
                        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                        HttpResponse.BodyHandlers.ofString());
                Matcher id = ID.matcher(created.body());
                if (!id.find()) {
                    throw new IllegalStateException("no id in " + created.body());
                }
                String status;
                do {
                    status = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/search-profile-creations/" + id.group(1)))
                            .header("Authorization", "Bearer lnc_live_bench_key_0001").GET().build(),
                            HttpResponse.BodyHandlers.ofString()).body();
                } while (!status.contains("SUCCEEDED") && !status.contains("FAILED"));
                done.incrementAndGet();
                return null;
            });
        }
        pool.shutdown();
        pool.awaitTermination(1, TimeUnit.HOURS);
        return done.get();
    }
}
