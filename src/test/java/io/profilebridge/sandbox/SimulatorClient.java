package io.profilebridge.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import io.profilebridge.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/** A plain java.net.http client for the simulator tests: real HTTP, nothing of the bridge in between. */
final class SimulatorClient {

    static final String OPENPROSPECT_KEY = "lnc_live_simtest_0001";
    static final String ORBIT_KEY = "sk_orb_simtest_0001";

    record Answer(int status, JsonNode body, Map<String, java.util.List<String>> headers) {
        String header(String name) {
            return headers.entrySet().stream()
                    .filter(e -> e.getKey().equalsIgnoreCase(name))
                    .findFirst()
                    .map(e -> e.getValue().get(0))
                    .orElse(null);
        }

        String errorCode() {
            return body.has("error")
                    ? body.get("error").get("code").asText()
                    : body.path("error_code").asText(null);
        }
    }

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String baseUrl;

    SimulatorClient(String baseUrl) {
        this.baseUrl = baseUrl;
    }

    Answer post(String path, String key, String body, Map<String, String> headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json");
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        headers.forEach(request::header);
        return send(request.build());
    }

    Answer get(String path, String key) throws IOException, InterruptedException {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(URI.create(baseUrl + path)).GET();
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        return send(request.build());
    }

    Answer createProfile(String idempotencyKey, String body) throws IOException, InterruptedException {
        return post(
                "/api/v1/search-profile-creations",
                OPENPROSPECT_KEY,
                body,
                idempotencyKey == null ? Map.of() : Map.of("Idempotency-Key", idempotencyKey));
    }

    Answer deepSearch(String body) throws IOException, InterruptedException {
        return post("/v2/developer/deep-search", ORBIT_KEY, body, Map.of());
    }

    private Answer send(HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        return new Answer(
                response.statusCode(),
                Json.parseLenient(response.body()),
                response.headers().map());
    }
}
