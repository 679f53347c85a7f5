package io.profilebridge.operations;

import static io.profilebridge.BridgeRun.drop;
import static io.profilebridge.BridgeRun.results;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.profilebridge.BridgeRun;
import io.profilebridge.Json;
import io.profilebridge.LogCapture;
import io.profilebridge.sandbox.Simulator;
import io.profilebridge.sandbox.SimulatorSettings;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The operator's view over HTTP: the jobs API, the metrics and the status page, after real work. */
class OperationsTest {

    /** A metric name in a PromQL query: the bridge's, Camel's, the JVM's or the process's. */
    private static final Pattern METRIC_NAME =
            Pattern.compile("\\b(profile_bridge|camel|jvm|process|system)_[a-z_]+\\b");

    @TempDir
    Path root;

    Simulator simulator;
    BridgeRun bridge;
    String base;

    @BeforeEach
    void start() throws Exception {
        simulator = Simulator.start(new SimulatorSettings().jobDurationMs(100));
        // someone else already used requestId "taken" with other parameters: that request will fail with a 409
        HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(simulator.baseUrl() + "/v2/developer/deep-search"))
                                .header("Authorization", "Bearer " + BridgeRun.ORBIT_KEY)
                                .POST(HttpRequest.BodyPublishers.ofString(
                                        "{\"requestId\": \"taken\", \"email\": \"other@example.com\"}"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        Map<String, String> properties = BridgeRun.testProperties(root, simulator.baseUrl());
        properties.put("bridge.status.backlog-sample-ms", "100");
        base = "http://127.0.0.1:" + properties.get("camel.management.port");
        for (int i = 0; i < 5; i++) {
            drop(
                    root,
                    "openprospect/op-" + i + ".json",
                    "{\"profile_name\": \"p" + i
                            + "\", \"ideal_customer_profile\": \"x\", \"target_countries\": [\"DE\"]}");
        }
        drop(root, "orbit/ok.json", "{\"email\": \"a@example.com\"}");
        drop(root, "orbit/conflict.json", "{\"requestId\": \"taken\", \"email\": \"b@example.com\"}");
        // rejected at intake: an invalid Orbit body, and an envelope naming no API we know
        drop(root, "orbit/invalid.json", "{\"email\": \"nobody\"}");
        drop(root, "no-api.json", "{\"api\": \"elsewhere\", \"request\": {}}");
        bridge = BridgeRun.start(root, properties);
    }

    @AfterEach
    void stop() {
        bridge.close();
        simulator.close();
    }

    @Test
    void theJobsApiPagesAndFilters() throws Exception {
        await().atMost(Duration.ofSeconds(20)).until(() -> results(root).size() == 9);
        JsonNode all = getJson("/jobs?size=3");
        assertThat(all.get("jobs")).hasSize(3);
        assertThat(getJson("/jobs?size=3&page=2").get("jobs")).hasSize(3);
        assertThat(getJson("/jobs?size=3&page=3").get("jobs")).isEmpty();
        JsonNode orbit = getJson("/jobs?api=orbit");
        assertThat(orbit.get("jobs"))
                .hasSize(3)
                .allSatisfy(j -> assertThat(j.get("api").asText()).isEqualTo("orbit"));
        JsonNode unknown = getJson("/jobs?api=unknown");
        assertThat(unknown.get("api").asText()).isEqualTo("unknown");
        assertThat(unknown.get("jobs"))
                .as("the envelope naming no API we know, listed as it is shown")
                .singleElement()
                .satisfies(j -> assertThat(j.get("api").asText()).isEqualTo("unknown"));
        assertThat(get("/jobs?api=elsewhere").body()).contains("api: must be openprospect, orbit or unknown");
        JsonNode delivered = getJson("/jobs?state=delivered&api=openprospect");
        assertThat(delivered.get("jobs")).hasSize(5);
        JsonNode one = getJson("/jobs/taken");
        assertThat(one.get("state").asText()).isEqualTo("failed");
        assertThat(one.get("lastError").get("code").asText()).isEqualTo("developer_api_idempotency_key_conflict");
        assertThat(one.fieldNames()).toIterable().contains("attempts", "nextAttemptAt", "lastError", "remoteId");
        assertThat(get("/jobs?state=lost").body()).contains("state: must be one of");
        assertThat(get("/jobs?state=lost").statusCode()).isEqualTo(400);
        assertThat(get("/jobs/nope").statusCode()).isEqualTo(404);
        assertThat(get("/jobs?size=501").body()).contains("size: must be a whole number from 1 to 500");
        // operations audit: page x size in 32 bits gave page 0 again, or a 500 echoing the query as headers
        HttpResponse<String> far = get("/jobs?page=1073741824&size=4&Set-Cookie=a%3Db");
        assertThat(far.statusCode()).isEqualTo(200);
        assertThat(Json.parse(far.body()).get("jobs")).isEmpty();
        assertThat(far.headers().firstValue("Set-Cookie")).isEmpty();
        assertThat(get("/jobs?page=2147483647&size=500").statusCode()).isEqualTo(200);
        // jobs-API audit: a parameter given twice was refused as out of range or read as "[a, b]"; digits other than
        // ASCII ones were read as numbers
        assertThat(get("/jobs?size=2&size=3").body()).contains("size: given 2 times; give it once");
        assertThat(get("/jobs?state=failed&state=delivered").statusCode()).isEqualTo(400);
        assertThat(get("/jobs?size=%EF%BC%95").body()).contains("size: must be a whole number from 1 to 500");
        assertThat(get("/jobs?page=%2B1").statusCode()).isEqualTo(400);
        assertThat(get("/jobs").body())
                .doesNotContain(BridgeRun.OPENPROSPECT_KEY)
                .doesNotContain(BridgeRun.ORBIT_KEY);
    }

    @Test
    void aJobIsFoundByItsJobIdAndByItsIdempotencyKeyTwoNamesForOneJob() throws Exception {
        await().atMost(Duration.ofSeconds(20)).until(() -> results(root).size() == 9);
        JsonNode result = results(root).get("orbit/ok.json");
        String jobId = result.get("jobId").asText();
        String key = result.get("idempotencyKey").asText();
        assertThat(jobId).isNotEqualTo(key);
        for (String name : new String[] {jobId, key}) {
            JsonNode job = getJson("/jobs/" + name);
            assertThat(job.get("jobId").asText()).as(name).isEqualTo(jobId);
            assertThat(job.get("idempotencyKey").asText()).as(name).isEqualTo(key);
            assertThat(job.get("requestKey").asText()).as(name).isEqualTo(key);
            assertThat(job.get("rejectedAtIntake").asBoolean()).isFalse();
            assertThat(job.get("traceId").asText())
                    .as("the trace to follow it by")
                    .matches("[0-9a-f]{32}")
                    .isEqualTo(result.get("traceId").asText());
        }
        // jobs-API audit: an id in the query as well looked up "[x, <id>]"
        assertThat(get("/jobs/" + jobId + "?id=nope").body()).contains("id: given 2 times; give it once");
    }

    @Test
    void oneKeyUsedWithBothApisNamesEitherJobByItsApi() throws Exception {
        // hostile-input audit: /jobs/{key} showed the one job only, and ?api= was ignored
        drop(
                root,
                "shared-op.json",
                "{\"api\": \"openprospect\", \"idempotencyKey\": \"shared-1\", \"request\": "
                        + "{\"profile_name\": \"s\", \"ideal_customer_profile\": \"x\", \"target_countries\": [\"DE\"]}}");
        drop(
                root,
                "shared-orbit.json",
                "{\"api\": \"orbit\", \"idempotencyKey\": \"shared-1\", \"request\": "
                        + "{\"email\": \"s@example.com\"}}");
        await().atMost(Duration.ofSeconds(20)).until(() -> results(root).size() == 11);

        assertThat(getJson("/jobs/shared-1?api=orbit").get("api").asText()).isEqualTo("orbit");
        assertThat(getJson("/jobs/shared-1?api=openprospect").get("api").asText())
                .isEqualTo("openprospect");
        String orbitJob = results(root).get("shared-orbit.json").get("jobId").asText();
        assertThat(get("/jobs/" + orbitJob + "?api=openprospect").statusCode())
                .as("that job is Orbit's")
                .isEqualTo(404);
        assertThat(get("/jobs/shared-1?api=elsewhere").statusCode()).isEqualTo(400);
    }

    @Test
    void requestsRejectedAtIntakeCountAsFailedEverywhereAnOperatorLooks() throws Exception {
        await().atMost(Duration.ofSeconds(20)).until(() -> results(root).size() == 9);
        JsonNode rejected = results(root).get("failed/orbit/invalid.json");
        assertThat(rejected.get("error").get("code").asText()).isEqualTo("developer_deep_search_email_invalid");
        JsonNode job = getJson("/jobs/" + rejected.get("jobId").asText());
        assertThat(job.get("state").asText()).isEqualTo("failed");
        assertThat(job.get("rejectedAtIntake").asBoolean()).isTrue();
        assertThat(job.get("idempotencyKey").isNull()).isTrue();
        assertThat(job.get("lastError").get("code").asText()).isEqualTo("developer_deep_search_email_invalid");
        assertThat(job.get("source").get("file").asText()).isEqualTo("invalid.json");

        JsonNode failed = getJson("/jobs?state=failed");
        assertThat(failed.get("jobs"))
                .extracting(j -> j.get("source").get("file").asText())
                .containsExactlyInAnyOrder("conflict.json", "invalid.json", "no-api.json");
        assertThat(failed.get("jobs"))
                .filteredOn(j -> j.get("source").get("file").asText().equals("no-api.json"))
                .singleElement()
                .satisfies(j -> assertThat(j.get("api").asText()).isEqualTo("unknown"));

        await().atMost(Duration.ofSeconds(5))
                .until(() -> get("/observe/metrics")
                        .body()
                        .contains("profile_bridge_jobs{api=\"orbit\",state=\"failed\"} 2.0"));
        assertThat(get("/observe/metrics").body())
                .contains("profile_bridge_jobs{api=\"unknown\",state=\"failed\"} 1.0");
        String page = get("/").body();
        assertThat(page)
                .containsPattern("<tr data-api=\"orbit\">.*<td data-state=\"failed\">2</td>")
                .containsPattern("<tr data-api=\"unknown\">.*<td data-state=\"failed\">1</td>")
                .contains("<table id=\"rejections\">")
                .contains("developer_deep_search_email_invalid")
                .contains("api_unknown");

        // the same invalid file dropped again gets its failed result again, and stays one failed job
        Path again = drop(root, "orbit/invalid.json", "{\"email\": \"nobody\"}");
        await().atMost(Duration.ofSeconds(10)).until(() -> !java.nio.file.Files.exists(again));
        assertThat(getJson("/jobs?state=failed").get("jobs")).hasSize(3);
        for (io.profilebridge.job.WorkQueue queue : io.profilebridge.job.WorkQueue.values()) {
            assertThat(bridge.store().claimDue(queue, 100, wanted -> wanted, id -> false, java.util.List.of()))
                    .as("nothing due in " + queue)
                    .isEmpty();
        }
    }

    /**
     * REST audit: a file named after an API key, and a request sent under the key as its idempotency key, showed the
     * key in /jobs and on the status page while results and logs masked it; and as the answer about that request was
     * masked before it was compared with the key it was sent under, the request was asked again until given up.
     */
    @Test
    void noApiKeyShowsInTheJobsApiNorOnTheStatusPage() throws Exception {
        drop(root, "orbit/" + BridgeRun.ORBIT_KEY + "-copy.json", "{\"email\": \"k@example.com\"}");
        drop(
                root,
                "under-the-key.json",
                "{\"api\": \"orbit\", \"idempotencyKey\": \"" + BridgeRun.ORBIT_KEY + "\", \"request\": "
                        + "{\"email\": \"u@example.com\"}}");
        await().atMost(Duration.ofSeconds(30)).until(() -> results(root).size() == 11);

        assertThat(results(root).get("under-the-key.json").get("outcome").asText())
                .isEqualTo("succeeded");
        assertThat(simulator.ledger().requests())
                .filteredOn(call -> call.method().equals("POST") && BridgeRun.ORBIT_KEY.equals(call.key()))
                .as("accepted at its first start, not sent again as if the answer were about another run")
                .hasSize(1);
        String everyJob = get("/jobs?size=500").body();
        assertThat(everyJob).contains("[API key]-copy.json").doesNotContain(BridgeRun.ORBIT_KEY);
        assertThat(get("/").body()).doesNotContain(BridgeRun.ORBIT_KEY);
        assertThat(get("/jobs/" + BridgeRun.ORBIT_KEY).body())
                .contains("\"idempotencyKey\":\"[API key]\"")
                .doesNotContain(BridgeRun.ORBIT_KEY);
    }

    /**
     * Jobs-API audit: a guess echoed in an error answer came back as {@code [API key]} when it was part of a key, and
     * {@code /jobs} read both keys back a character at a time (315 requests, 1.3 s, no log line). A guess is echoed as
     * it was asked, whatever part of a key it is; a whole key still is not.
     */
    @Test
    void noAnswerTellsAGuessThatIsPartOfAKeyFromOneThatIsNot() throws Exception {
        String key = BridgeRun.OPENPROSPECT_KEY;
        for (String guess : List.of(key.substring(0, 9), key.substring(0, 12), key.substring(0, key.length() - 1))) {
            assertThat(get("/jobs/" + guess).body()).contains(guess).doesNotContain("[API key]");
            assertThat(get("/jobs?api=" + guess).body()).contains(guess).doesNotContain("[API key]");
        }
        assertThat(get("/jobs/" + key).body()).contains("[API key]").doesNotContain(key);

        // re-check audit: Orbit repeats a requestId as request_id, and the answer's mask of parts told a guess apart
        String requestId = BridgeRun.ORBIT_KEY.substring(0, 8) + "-guess-1";
        drop(root, "orbit/guess.json", "{\"requestId\": \"" + requestId + "\", \"email\": \"g@example.com\"}");
        await().atMost(Duration.ofSeconds(30)).until(() -> results(root).containsKey("orbit/guess.json"));
        assertThat(results(root)
                        .get("orbit/guess.json")
                        .get("status")
                        .get("request_id")
                        .asText())
                .isEqualTo(requestId);

        // re-check audit: once what was sent was spared as written, a guess escaped in a URL the API refuses and
        // quotes (the mask decodes what the API repeats), or in a requestId, gave each key back in 13 requests
        String escaped = BridgeRun.ORBIT_KEY.substring(0, 7) + "%" + Integer.toHexString(BridgeRun.ORBIT_KEY.charAt(7));
        drop(root, "orbit/escaped.json", "{\"urls\": [\"http://x.example/ " + escaped + "\"]}");
        drop(root, "orbit/escaped-id.json", "{\"requestId\": \"" + escaped + "-1\", \"email\": \"e@example.com\"}");
        await().atMost(Duration.ofSeconds(30))
                .until(() -> results(root).containsKey("failed/orbit/escaped.json")
                        && results(root).containsKey("orbit/escaped-id.json"));
        assertThat(results(root)
                        .get("failed/orbit/escaped.json")
                        .get("error")
                        .get("message")
                        .asText())
                .contains("http://x.example/ " + escaped)
                .doesNotContain("[API key]");
        assertThat(results(root)
                        .get("orbit/escaped-id.json")
                        .get("status")
                        .get("request_id")
                        .asText())
                .isEqualTo(escaped + "-1");
    }

    /**
     * REST audit: Camel's OpenAPI route answered with any header a caller named in the query or sent ({@code
     * ?Set-Cookie=a%3Db} set a cookie, a proxy's token came back, a CR in a value made a 500), believed X-Forwarded-*
     * for the document's server, and each malformed URL cost an ERROR with a 60-frame stack trace in the log.
     */
    @Test
    void theManagementPortAnswersWithItsOwnHeadersAndLogsNoMalformedRequest() throws Exception {
        HttpResponse<String> echoed = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(base + "/openapi.json?Set-Cookie=a%3Db"
                                        + "&Access-Control-Allow-Origin=*&X-A=b%0d%0aX-B:%20c"))
                                .header("X-Api-Key", "echo-me")
                                .header("X-Forwarded-Host", "evil.example")
                                .header("X-Forwarded-Proto", "javascript")
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(echoed.statusCode()).isEqualTo(200);
        assertThat(echoed.headers().map().keySet())
                .map(name -> name.toLowerCase(Locale.ROOT))
                .doesNotContain("set-cookie", "access-control-allow-origin", "x-api-key", "x-a", "x-b")
                .contains("content-type");
        assertThat(echoed.body()).doesNotContain("evil.example", "javascript:");
        HttpResponse<String> jobs = get("/jobs?Set-Cookie=a%3Db");
        assertThat(jobs.headers().firstValue("Content-Type")).hasValue("application/json");
        // management-security audit: /jobs (file names, keys, error text) could be kept by a cache, the page framed
        for (String path : List.of("/jobs", "/", "/observe/health", "/observe/metrics", "/no-such-page")) {
            HttpResponse<String> answer = get(path);
            assertThat(answer.headers().firstValue("Cache-Control")).as(path).hasValue("no-store");
            assertThat(answer.headers().firstValue("X-Content-Type-Options"))
                    .as(path)
                    .hasValue("nosniff");
            assertThat(answer.headers().firstValue("X-Frame-Options")).as(path).hasValue("DENY");
        }
        try (LogCapture logs = LogCapture.start()) {
            for (String target : List.of("/jobs/%", "/jobs?api=%")) {
                assertThat(rawGet(target)).as(target).startsWith("HTTP/1.1 400").contains("the request is malformed");
            }
            assertThat(get("/jobs?size=1").statusCode()).isEqualTo(200);
            assertThat(logs.lines()).noneMatch(line -> line.contains("Unhandled exception"));
        }
    }

    /**
     * Management audit: the loopback server answered any Host, so a web page rebinding its name to 127.0.0.1 could read
     * /jobs; and a GET with a form body was a 500 with a 63-line ERROR in the log. Jobs-API audit: the same through an
     * absolute-form target or a second Host; a GET's body of any type held on the heap.
     */
    @Test
    void aForeignHostOrAGetWithAFormBodyIsTurnedAwayWithoutALogLine() throws Exception {
        URI uri = URI.create(base);
        try (LogCapture logs = LogCapture.start()) {
            assertThat(rawWith("GET", "/jobs", "Host: evil.example:" + uri.getPort()))
                    .startsWith("HTTP/1.1 421 ")
                    .contains("names no loopback address")
                    .doesNotContain("jobId");
            assertThat(rawWith("GET", "/jobs", "Host: localhost:" + uri.getPort()))
                    .startsWith("HTTP/1.1 200 ");
            assertThat(rawWith("GET", "/jobs", "Host: [::1]:" + uri.getPort())).startsWith("HTTP/1.1 200 ");
            assertThat(rawWith(
                            "GET",
                            "/jobs",
                            "Host: " + uri.getHost(),
                            "Content-Type: application/x-www-form-urlencoded",
                            "Content-Length: 3",
                            "",
                            "abc"))
                    .startsWith("HTTP/1.1 400 ")
                    .contains("a GET takes no form body");
            // jobs-API audit: a foreign name in an absolute-form target, or in a second Host header, read /jobs; a GET
            // body of any type was kept on the heap while its client held the connection
            assertThat(rawWith("GET", "http://evil.example/jobs", "Host: localhost:" + uri.getPort()))
                    .startsWith("HTTP/1.1 421 ");
            assertThat(rawWith(
                            "GET", "http://localhost:" + uri.getPort() + "/jobs", "Host: localhost:" + uri.getPort()))
                    .startsWith("HTTP/1.1 200 ");
            assertThat(rawWith("GET", "/jobs", "Host: localhost:" + uri.getPort(), "Host: evil.example"))
                    .startsWith("HTTP/1.1 400 ")
                    .contains("a request names one Host");
            assertThat(rawWith("GET", "/jobs", "Host: " + uri.getHost(), "Content-Length: 5", "", "abcde"))
                    .startsWith("HTTP/1.1 400 ")
                    .contains("a GET takes no body");
            assertThat(rawWith(
                            "GET",
                            "/nowhere",
                            "Host: " + uri.getHost(),
                            "Transfer-Encoding: chunked",
                            "",
                            "5\r\nabcde"))
                    .startsWith("HTTP/1.1 400 ")
                    .contains("a GET takes no body");
            assertThat(rawWith("GET", "/jobs", "Host: " + uri.getHost(), "Content-Length: 0"))
                    .startsWith("HTTP/1.1 200 ");
            assertThat(logs.lines()).noneMatch(line -> line.contains("ERROR"));
        }
    }

    /** A request with the head lines given (a blank one, then a body, ends it); the connection closes after it. */
    private String rawWith(String method, String target, String... lines) throws Exception {
        URI uri = URI.create(base);
        List<String> all = new java.util.ArrayList<>(List.of(lines));
        all.add(1, "Connection: close");
        if (!all.contains("")) {
            all.add("");
            all.add("");
        }
        try (java.net.Socket socket = new Socket(uri.getHost(), uri.getPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream()
                    .write((method + " " + target + " HTTP/1.1\r\n" + String.join("\r\n", all))
                            .getBytes(StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** Contract audit: every HEAD was a 405; HTTP wants it wherever GET is answered, and probes use it. */
    @Test
    void aHeadRequestIsAnsweredAsItsGetWithoutTheBody() throws Exception {
        for (String path : List.of("/", "/jobs", "/openapi.json", "/observe/health", "/observe/metrics")) {
            HttpResponse<String> get = get(path);
            String head = raw("HEAD", path);
            assertThat(head)
                    .as(path)
                    .startsWith("HTTP/1.1 " + get.statusCode() + " ")
                    .containsIgnoringCase("content-type: "
                            + get.headers().firstValue("Content-Type").orElseThrow());
            assertThat(head.substring(head.indexOf("\r\n\r\n") + 4))
                    .as(path + " has no body")
                    .isEmpty();
        }
        assertThat(raw("HEAD", "/jobs/no-such-job")).startsWith("HTTP/1.1 404 ");
        // a request in absolute form, as a proxy sends it
        assertThat(raw("HEAD", base + "/observe/health?x=1")).startsWith("HTTP/1.1 200 ");
    }

    /** Management audit: a POST got a 405 with an empty body and {@code Allow: HEAD}, the one method it would not take. */
    @Test
    void anotherMethodIsToldTheOnesThePortAnswers() throws Exception {
        for (String method : List.of("POST", "DELETE", "PUT")) {
            String answer = raw(method, "/observe/health");
            assertThat(answer)
                    .as(method)
                    .startsWith("HTTP/1.1 405 ")
                    .containsIgnoringCase("allow: GET, HEAD\r\n")
                    .endsWith("{\"error\":\"the management port answers GET and HEAD only\"}");
        }
    }

    /** A request written as it comes, which java.net.http would refuse to send. */
    private String rawGet(String target) throws Exception {
        return raw("GET", target);
    }

    private String raw(String method, String target) throws Exception {
        URI uri = URI.create(base);
        try (java.net.Socket socket = new Socket(uri.getHost(), uri.getPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream()
                    .write((method + " " + target + " HTTP/1.1\r\nHost: " + uri.getHost()
                                    + "\r\nConnection: close\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void theOpenApiDocumentDescribesTheJobsApi() throws Exception {
        HttpResponse<String> response = get("/openapi.json");
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode doc = Json.parse(response.body());
        assertThat(doc.get("openapi").asText()).startsWith("3.");
        assertThat(doc.get("info").get("title").asText()).isEqualTo("profile-bridge jobs");
        JsonNode list = doc.get("paths").get("/jobs").get("get");
        assertThat(list.get("parameters"))
                .extracting(p -> p.get("name").asText())
                .containsExactlyInAnyOrder("api", "state", "page", "size");
        assertThat(list.get("parameters"))
                .filteredOn(p -> p.get("name").asText().equals("state"))
                .singleElement()
                .satisfies(p -> assertThat(p.get("schema").get("enum"))
                        .extracting(JsonNode::asText)
                        .contains("failed", "delivered"));
        // config-and-APIs audit: "default": "0" for an integer made the document invalid OpenAPI
        assertThat(list.get("parameters"))
                .filteredOn(p -> p.get("name").asText().matches("page|size"))
                .hasSize(2)
                .allSatisfy(p -> {
                    assertThat(p.get("schema").get("type").asText()).isEqualTo("integer");
                    assertThat(
                                    p.get("schema").has("default")
                                            ? p.get("schema").get("default").isInt()
                                            : true)
                            .as("a default, if any, is an integer")
                            .isTrue();
                    assertThat(p.get("description").asText()).contains("(default ");
                });
        assertThat(list.get("responses").fieldNames()).toIterable().containsExactlyInAnyOrder("200", "400", "503");
        JsonNode one = doc.get("paths").get("/jobs/{id}").get("get");
        assertThat(one.get("parameters").get(0).get("in").asText()).isEqualTo("path");
        assertThat(one.get("parameters"))
                .extracting(p -> p.get("name").asText())
                .containsExactly("id", "api");
        assertThat(one.get("responses").fieldNames())
                .toIterable()
                .containsExactlyInAnyOrder("200", "400", "404", "503");
        JsonNode job = doc.get("components").get("schemas").get("Job").get("properties");
        assertThat(job.fieldNames())
                .toIterable()
                .contains("jobId", "idempotencyKey", "requestKey", "rejectedAtIntake", "state", "lastError");
        assertThat(job.get("jobId").get("description").asText()).contains("job id");
        // operations audit: fields that are null at times were not marked so, and a generated client refused them
        assertThat(job.get("remoteId").path("nullable").asBoolean())
                .as("remoteId nullable")
                .isTrue();
        assertThat(job.get("lastError").path("nullable").asBoolean())
                .as("lastError nullable")
                .isTrue();
        assertThat(job.get("jobId").path("nullable").asBoolean())
                .as("jobId always set")
                .isFalse();
        assertThat(job.get("pausedUntil").path("nullable").asBoolean())
                .as("pausedUntil nullable")
                .isTrue();
        JsonNode page = doc.get("components").get("schemas").get("JobPage").get("properties");
        assertThat(List.of(page.get("api"), page.get("state")))
                .as("a page's filters are null when not given")
                .allSatisfy(filter ->
                        assertThat(filter.path("nullable").asBoolean()).isTrue());
        assertThat(doc.get("paths").has("/"))
                .as("the HTML status page is not part of the API")
                .isFalse();
    }

    @Test
    void theMetricsMatchTheWorkDone() throws Exception {
        await().atMost(Duration.ofSeconds(20)).until(() -> results(root).size() == 9);
        await().atMost(Duration.ofSeconds(5))
                .until(() -> get("/observe/metrics")
                        .body()
                        .contains("profile_bridge_jobs{api=\"openprospect\",state=\"delivered\"} 5.0"));
        String metrics = get("/observe/metrics").body();
        assertThat(metrics)
                .contains("profile_bridge_submitted_total{api=\"openprospect\"} 5.0")
                .contains("profile_bridge_delivered_total{api=\"openprospect\"} 5.0")
                .contains("profile_bridge_delivered_total{api=\"orbit\"} 1.0")
                .contains("profile_bridge_failed_total{api=\"orbit\"} 1.0")
                .contains("profile_bridge_jobs{api=\"orbit\",state=\"failed\"} 2.0")
                // dashboards audit: the rejection at intake (invalid.json) was counted nowhere but the store's gauge
                .contains("profile_bridge_rejected_total{api=\"orbit\"} 1.0")
                .contains("profile_bridge_rejected_total{api=\"unknown\"} 1.0")
                .contains("profile_bridge_orbit_credits_remaining 999980.0")
                .contains("profile_bridge_request_duration_seconds_count{api=\"openprospect\",outcome=\"succeeded\"} 5")
                // buckets up to two days: an Orbit run outlasts Micrometer's default 30 s (observability audit)
                .contains("profile_bridge_request_duration_seconds_bucket{api=\"openprospect\",outcome=\"succeeded\","
                        + "le=\"3600.0\"} 5")
                .contains("le=\"172800.0\"} 5")
                // counters exist at zero before their first event
                .contains("profile_bridge_retried_total{api=\"orbit\"} 0.0")
                // with its HELP line (operations audit: made at its first event, with none)
                .contains("profile_bridge_undeliverable_total{api=\"orbit\"} 0.0")
                .contains("# HELP profile_bridge_undeliverable_total results given up undelivered")
                // Camel's route and exchange metrics and the JVM's, next to ours
                .containsPattern("camel_exchanges_total\\{.*routeId=\"accept-request\".*\\} 9")
                .containsPattern("camel_route_policy_seconds_count\\{.*routeId=\"submit-orbit\".*\\} 2")
                .containsPattern("camel_exchanges_inflight\\{.*routeId=\"accept-request\".*\\} 0")
                // no per-endpoint timers: they cost a search through every meter on every exchange
                .doesNotContain("camel_exchange_event_notifier")
                .contains("jvm_memory_used_bytes{")
                .contains("jvm_threads_live_threads")
                .contains("jvm_classes_loaded_classes")
                .contains("process_cpu_usage")
                .contains("jvm_gc_memory_allocated_bytes_total");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                // curl -H 'Accept: text/plain', Telegraf's scrape, Prometheus' own, none, OpenMetrics alone
                "text/plain|text/plain; version=0.0.4",
                "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited;q=0.7,"
                        + "text/plain;version=0.0.4;q=0.3|text/plain; version=0.0.4",
                "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,"
                        + "text/plain;version=0.0.4;q=0.5,*/*;q=0.1|application/openmetrics-text; version=1.0.0",
                "|text/plain; version=0.0.4",
                "application/openmetrics-text|application/openmetrics-text; version=1.0.0"
            })
    void theMetricsAnswerEveryScrapersAccept(String accept, String type) throws Exception {
        // Camel's own route answered 406 to every Accept without */* (text/plain, Telegraf's)
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + "/observe/metrics"));
        if (accept != null) {
            request.header("Accept", accept);
        }
        HttpResponse<String> answer =
                HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.headers().firstValue("Content-Type"))
                .hasValueSatisfying(v -> assertThat(v).startsWith(type));
        assertThat(answer.body()).contains("profile_bridge_submitted");
    }

    @Test
    void theDashboardQueriesOnlyMetricsTheBridgeServes() throws Exception {
        await().atMost(Duration.ofSeconds(20)).until(() -> results(root).size() == 9);
        // the GC meters appear with the first collection; this JVM may not have had one yet
        System.gc();
        JsonNode dashboard = Json.parse(Files.readString(Path.of("docs/grafana-dashboard.json")));
        List<String> queries = new ArrayList<>();
        for (JsonNode panel : dashboard.get("panels")) {
            panel.path("targets")
                    .forEach(target -> queries.add(target.get("expr").asText()));
        }
        assertThat(queries).hasSizeGreaterThan(15);
        Set<String> named = new TreeSet<>();
        queries.forEach(query -> METRIC_NAME.matcher(query).results().forEach(m -> named.add(m.group())));
        assertThat(named).contains("profile_bridge_jobs", "camel_exchanges_total", "jvm_memory_used_bytes");
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            Set<String> served = new TreeSet<>();
            get("/observe/metrics")
                    .body()
                    .lines()
                    .filter(line -> !line.startsWith("#"))
                    .forEach(line -> served.add(line.split("[{ ]", 2)[0]));
            assertThat(served).containsAll(named);
        });
    }

    @Test
    void theStatusPageShowsCountsFailuresAndTheBacklog() throws Exception {
        await().atMost(Duration.ofSeconds(20)).until(() -> results(root).size() == 9);
        await().atMost(Duration.ofSeconds(5)).until(() -> get("/").body().contains("samples."));
        String page = get("/").body();
        assertThat(page)
                .startsWith("<!DOCTYPE html>")
                .contains("<table id=\"counts\">")
                .contains("data-api=\"orbit\"")
                .contains("<table id=\"failures\">")
                .contains("developer_api_idempotency_key_conflict")
                .contains("<svg id=\"backlog\"")
                .contains("<polyline")
                .doesNotContain("<script src")
                .doesNotContain("<link ");
        assertThat(get("/").headers().firstValue("Content-Type"))
                .hasValueSatisfying(v -> assertThat(v).contains("text/html"));
    }

    /**
     * Log-injection audit: mustache escapes markup only, so a right-to-left override in a file name showed the name,
     * and the bridge's words after it, reversed on the page; outside values are shown as the log shows them.
     */
    @Test
    void theStatusPageShowsNoBidirectionalControlOfAFileName() throws Exception {
        await().atMost(Duration.ofSeconds(20)).until(() -> results(root).size() == 9);
        drop(root, "orbit/rtl-\u202Enosj.\u061Cgnp.json", "{\"email\": \"nobody\"}");
        await().atMost(Duration.ofSeconds(10)).until(() -> get("/").body().contains("rtl-"));
        assertThat(get("/").body()).contains("rtl-\uFFFDnosj.\uFFFDgnp.json").doesNotContain("\u202E", "\u061C");
    }

    private JsonNode getJson(String path) throws Exception {
        return Json.parse(get(path).body());
    }

    private HttpResponse<String> get(String path) throws Exception {
        return HttpClient.newHttpClient()
                .send(HttpRequest.newBuilder(URI.create(base + path)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
