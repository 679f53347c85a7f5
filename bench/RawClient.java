import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The baseline of bench/throughput.sh: the least a program can do for N OpenProspect requests, with no
 * durability at all: POST each creation, then GET it until SUCCEEDED, on a fixed number of threads. A request that
 * fails (an error status, no id, an exception, FAILED) is counted, not retried; the rate counts succeeded requests
 * only, and the exit status is 1 when any failed.
 * Run: java bench/RawClient.java BASE_URL REQUESTS THREADS [WARMUP] [KEY_PREFIX]; WARMUP other requests go first,
 * unmeasured; KEY_PREFIX keeps the keys of one run apart from another's on the same simulator.
 */
public class RawClient {
    private static final Pattern ID = Pattern.compile("\"profile_creation_id\":\"([^\"]+)\"");

    public static void main(String[] args) throws Exception {
        String base = args[0];
        int requests = Integer.parseInt(args[1]);
        int threads = Integer.parseInt(args[2]);
        int warmup = args.length > 3 ? Integer.parseInt(args[3]) : 0;
        String prefix = args.length > 4 ? args[4] : "raw-";
        HttpClient http = HttpClient.newBuilder().executor(Executors.newFixedThreadPool(threads)).build();
        run(http, base, prefix + "warm-", warmup, threads);
        long start = System.nanoTime();
        int[] outcome = run(http, base, prefix, requests, threads);
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("raw client: %d requests in %.2f s = %.0f requests/s; %d failed%n", outcome[0], seconds,
                outcome[0] / seconds, outcome[1]);
        System.exit(outcome[1] == 0 ? 0 : 1);
    }

    /** Returns {succeeded, failed}. */
    private static int[] run(HttpClient http, String base, String keyPrefix, int requests, int threads) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<Boolean>> done = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
            String key = keyPrefix + i;
            done.add(pool.submit(() -> oneRequest(http, base, key)));
        }
        int succeeded = 0;
        int failed = 0;
        for (Future<Boolean> request : done) {
            boolean ok;
            try {
                ok = request.get();
            } catch (java.util.concurrent.ExecutionException e) {
                ok = false;
                if (failed == 0) {
                    System.err.println("first failure: " + e.getCause());
                }
            }
            succeeded += ok ? 1 : 0;
            failed += ok ? 0 : 1;
        }
        pool.shutdown();
        pool.awaitTermination(1, TimeUnit.HOURS);
        return new int[] {succeeded, failed};
    }

    private static boolean oneRequest(HttpClient http, String base, String key) throws Exception {
        String body = "{\"profile_name\":\"" + key + "\",\"ideal_customer_profile\":\"x\",\"target_countries\":[\"DE\"]}";
        HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/search-profile-creations"))
                .header("Authorization", "Bearer lnc_live_bench_key_0001").header("Idempotency-Key", key)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        Matcher id = ID.matcher(created.body());
        if (created.statusCode() / 100 != 2 || !id.find()) {
            throw new IllegalStateException("create answered " + created.statusCode() + ": " + created.body());
        }
        while (true) {
            HttpResponse<String> status = http.send(HttpRequest.newBuilder(
                    URI.create(base + "/api/v1/search-profile-creations/" + id.group(1)))
                    .header("Authorization", "Bearer lnc_live_bench_key_0001").GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (status.statusCode() != 200) {
                throw new IllegalStateException("status read answered " + status.statusCode() + ": " + status.body());
            }
            if (status.body().contains("\"SUCCEEDED\"")) {
                return true;
            }
            if (status.body().contains("\"FAILED\"")) {
                return false;
            }
        }
    }
}
