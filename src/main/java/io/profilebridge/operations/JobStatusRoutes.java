package io.profilebridge.operations;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.profilebridge.Json;
import io.profilebridge.api.Api;
import io.profilebridge.job.Job;
import io.profilebridge.job.JobState;
import io.profilebridge.job.JobStore;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;

/**
 * The read-only operator view, served by Camel's management server next to /observe/health and /observe/metrics:
 * {@code GET /jobs?state=&api=&page=&size=}, {@code GET /jobs/{idempotencyKey}} and the status page {@code GET /}.
 */
public class JobStatusRoutes extends RouteBuilder {

    private static final int MAX_PAGE_SIZE = 500;

    private final JobStore store;
    private final StatusPage page;
    private final BacklogHistory backlog;
    private final long backlogSampleMs;

    public JobStatusRoutes(JobStore store, StatusPage page, BacklogHistory backlog, long backlogSampleMs) {
        this.store = store;
        this.page = page;
        this.backlog = backlog;
        this.backlogSampleMs = backlogSampleMs;
    }

    @Override
    public void configure() {
        from("platform-http:/jobs?httpMethodRestrict=GET").routeId("jobs-list")
                .process(this::list);
        from("platform-http:/jobs/{idempotencyKey}?httpMethodRestrict=GET").routeId("jobs-one")
                .process(this::one);
        from("platform-http:/?httpMethodRestrict=GET").routeId("status-page")
                .process(exchange -> html(exchange, page.render()));
        from("timer:backlog-sample?period=" + backlogSampleMs).routeId("backlog-sample")
                .process(exchange -> backlog.sample());
    }

    private void list(Exchange exchange) {
        Api api;
        JobState state;
        int pageNumber;
        int size;
        try {
            api = optional(exchange, "api").map(value -> Api.of(value).orElseThrow(() -> new IllegalArgumentException(
                    "api: must be openprospect or orbit, not \"" + value + "\""))).orElse(null);
            state = optional(exchange, "state").map(JobStatusRoutes::state).orElse(null);
            pageNumber = number(exchange, "page", 0, Integer.MAX_VALUE, 0);
            size = number(exchange, "size", 1, MAX_PAGE_SIZE, 50);
        } catch (IllegalArgumentException e) {
            json(exchange, 400, Json.object().put("error", e.getMessage()));
            return;
        }
        List<Job> jobs = store.list(api, state, pageNumber * size, size);
        ObjectNode body = Json.object();
        body.put("page", pageNumber);
        body.put("size", size);
        body.put("api", api == null ? null : api.id());
        body.put("state", state == null ? null : state.name().toLowerCase());
        ArrayNode items = body.putArray("jobs");
        jobs.forEach(job -> items.add(JobView.of(job)));
        json(exchange, 200, body);
    }

    private void one(Exchange exchange) {
        String key = exchange.getMessage().getHeader("idempotencyKey", String.class);
        Optional<Job> job = store.findByKey(key);
        if (job.isPresent()) {
            json(exchange, 200, JobView.of(job.get()));
        } else {
            json(exchange, 404, Json.object().put("error", "no job with idempotencyKey " + key));
        }
    }

    private static JobState state(String value) {
        try {
            return JobState.valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("state: must be one of received, submitted, polling, fetching, "
                    + "delivering, delivered, failed, not \"" + value + "\"");
        }
    }

    private static Optional<String> optional(Exchange exchange, String name) {
        return Optional.ofNullable(exchange.getMessage().getHeader(name, String.class)).filter(v -> !v.isBlank());
    }

    private static int number(Exchange exchange, String name, int min, int max, int defaultValue) {
        Optional<String> value = optional(exchange, name);
        if (value.isEmpty()) {
            return defaultValue;
        }
        try {
            int number = Integer.parseInt(value.get().trim());
            if (number < min || number > max) {
                throw new NumberFormatException();
            }
            return number;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + ": must be a whole number from " + min + " to " + max);
        }
    }

    private static void json(Exchange exchange, int status, ObjectNode body) {
        exchange.getMessage().removeHeaders("*");
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
        exchange.getMessage().setBody(Json.write(body));
    }

    private static void html(Exchange exchange, String page) {
        exchange.getMessage().removeHeaders("*");
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "text/html; charset=utf-8");
        exchange.getMessage().setBody(page);
    }
}
