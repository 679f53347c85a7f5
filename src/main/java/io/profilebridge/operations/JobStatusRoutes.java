package io.profilebridge.operations;

import io.profilebridge.ErrorText;
import io.profilebridge.Json;
import io.profilebridge.api.Api;
import io.profilebridge.api.ApiBudgets;
import io.profilebridge.api.ApiHolds;
import io.profilebridge.api.KeyMask;
import io.profilebridge.job.Job;
import io.profilebridge.job.JobState;
import io.profilebridge.job.JobStore;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.platform.http.PlatformHttpComponent;
import org.apache.camel.model.rest.RestBindingMode;
import org.apache.camel.model.rest.RestParamType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The read-only operator view, served by Camel's management server next to /observe/health and /observe/metrics
 * (platform-http binds to the one server there is): {@code GET /jobs}, {@code GET /jobs/{id}} with their OpenAPI
 * document at {@code /openapi.json}, and the status page {@code GET /}.
 */
public class JobStatusRoutes extends RouteBuilder {

    private static final Logger LOG = LoggerFactory.getLogger(JobStatusRoutes.class);

    /** Where the OpenAPI document of /jobs is served. */
    public static final String OPENAPI_PATH = "/openapi.json";

    private static final int MAX_PAGE_SIZE = 500;
    private static final Pattern ASCII_NUMBER = Pattern.compile("[0-9]{1,10}");
    private static final int DEFAULT_PAGE_SIZE = 50;
    /** The 503 every read may answer (the store away); the OpenAPI document names it (operations audit: it did not). */
    private static final String UNAVAILABLE = "The jobs cannot be read now (the job store is away)";

    private static final String[] STATES = Arrays.stream(JobState.values())
            .map(state -> state.name().toLowerCase(Locale.ROOT))
            .toArray(String[]::new);
    /** Each API, and "unknown": the requests rejected at intake that named none of them. */
    private static final String[] APIS = Stream.concat(
                    Arrays.stream(Api.values()).map(Api::id), Stream.of(StatusPage.UNKNOWN_API))
            .toArray(String[]::new);

    private final JobStore store;
    private final StoreReadDeadline deadline;
    private final StatusPage page;
    private final JobWaits waits;
    private final KeyMask keyMask;

    public JobStatusRoutes(
            JobStore store,
            StoreReadDeadline deadline,
            StatusPage page,
            ApiHolds holds,
            ApiBudgets budgets,
            KeyMask keyMask) {
        this.store = store;
        this.keyMask = keyMask;
        this.deadline = deadline;
        this.waits = new JobWaits(holds, budgets);
        this.page = page;
    }

    @Override
    public void configure() throws Exception {
        getContext()
                .getComponent("platform-http", PlatformHttpComponent.class)
                .setHeaderFilterStrategy(new FixedResponseHeaders());
        getContext().addStartupListener(new MalformedRequests());
        getContext().addStartupListener(new HeadRequests());
        getContext().addStartupListener(new TurnedAwayRequests());
        getContext().addStartupListener(new SafetyHeaders());
        getContext()
                .addStartupListener(new MetricsScrape(
                        getContext().resolvePropertyPlaceholders("{{camel.metrics.path:/observe/metrics}}")));
        restConfiguration()
                .component("platform-http")
                .bindingMode(RestBindingMode.off)
                .apiContextPath(OPENAPI_PATH)
                .apiContextRouteId("openapi-document")
                // rendered per request (from the request's Host), so start-up does not build it (without this, Camel
                // renders it at start: 0.4 s of every start, measured); the X-Forwarded-* headers it would read never
                // reach it (FixedResponseHeaders)
                .useXForwardHeaders(true)
                .apiProperty("api.title", "profile-bridge jobs")
                .apiProperty("api.version", "1")
                .apiProperty(
                        "api.description",
                        "Read-only view of the bridge's jobs: one per request, accepted or "
                                + "rejected at intake. A job has two names: its jobId, and the idempotencyKey it is sent under.");

        rest("/jobs")
                .description("Jobs, one per request")
                .get()
                .id("jobs-list")
                .description("Jobs, newest first, one page at a time")
                .produces("application/json")
                .param()
                .name("api")
                .type(RestParamType.query)
                .required(false)
                .description("Only jobs of this API; unknown: requests rejected at intake that named no API")
                .allowableValues(APIS)
                .endParam()
                .param()
                .name("state")
                .type(RestParamType.query)
                .required(false)
                .description("Only jobs in this state (failed includes requests rejected at intake)")
                .allowableValues(STATES)
                .endParam()
                .param()
                .name("page")
                .type(RestParamType.query)
                .required(false)
                .dataType("integer")
                // no defaultValue: Camel's OpenAPI writer puts it in as a string, which makes the document invalid for
                // an integer (config-and-APIs audit); the default is in the description
                .description("Page number, from 0 (default 0)")
                .endParam()
                .param()
                .name("size")
                .type(RestParamType.query)
                .required(false)
                .dataType("integer")
                .description("Jobs per page, 1 to " + MAX_PAGE_SIZE + " (default " + DEFAULT_PAGE_SIZE + ")")
                .endParam()
                .responseMessage()
                .code(200)
                .message("A page of jobs")
                .responseModel(JobPage.class)
                .endResponseMessage()
                .responseMessage()
                .code(400)
                .message("A parameter out of its range, named with its rule")
                .responseModel(JobsError.class)
                .endResponseMessage()
                .responseMessage()
                .code(503)
                .message(UNAVAILABLE)
                .responseModel(JobsError.class)
                .endResponseMessage()
                .to("direct:list-jobs")
                .get("/{id}")
                .id("jobs-one")
                .description("One job, by its job id or by the key it was accepted under")
                .produces("application/json")
                .param()
                .name("id")
                .type(RestParamType.path)
                .description("The jobId, or the idempotency key the request was accepted under")
                .endParam()
                .param()
                .name("api")
                .type(RestParamType.query)
                .required(false)
                .description("Only a job of this API: one key may have been used with both (else the newest)")
                .allowableValues(Arrays.stream(Api.values()).map(Api::id).toList())
                .endParam()
                .responseMessage()
                .code(200)
                .message("The job")
                .responseModel(JobView.class)
                .endResponseMessage()
                .responseMessage()
                .code(400)
                .message("An api other than openprospect or orbit")
                .responseModel(JobsError.class)
                .endResponseMessage()
                .responseMessage()
                .code(404)
                .message("No job has this id or key")
                .responseModel(JobsError.class)
                .endResponseMessage()
                .responseMessage()
                .code(503)
                .message(UNAVAILABLE)
                .responseModel(JobsError.class)
                .endResponseMessage()
                .to("direct:find-job");

        rest("/")
                .get()
                .id("status-page")
                .description("The status page (HTML)")
                .produces("text/html")
                .apiDocs(false)
                .to("direct:render-status-page");

        answering("direct:list-jobs", "list-jobs", this::list);
        answering("direct:find-job", "find-job", this::one);
        answering(
                "direct:render-status-page",
                "render-status-page",
                exchange -> respond(
                        exchange,
                        200,
                        "text/html; charset=utf-8",
                        keyMask.applyToCallerText(deadline.read(page::render))));
    }

    private void list(Exchange exchange) {
        Optional<String> apiName = optional(exchange, "api");
        boolean withoutApi = apiName.filter(StatusPage.UNKNOWN_API::equals).isPresent();
        Api api;
        JobState state;
        int pageNumber;
        int size;
        try {
            api = apiName.filter(value -> !withoutApi)
                    .map(value -> Api.of(value)
                            .orElseThrow(() -> new IllegalArgumentException(
                                    "api: must be openprospect, orbit or unknown, not \"" + value + "\"")))
                    .orElse(null);
            state = optional(exchange, "state").map(JobStatusRoutes::state).orElse(null);
            pageNumber = number(exchange, "page", 0, Integer.MAX_VALUE, 0);
            size = number(exchange, "size", 1, MAX_PAGE_SIZE, DEFAULT_PAGE_SIZE);
        } catch (IllegalArgumentException e) {
            json(exchange, 400, new JobsError(e.getMessage()));
            return;
        }
        // in 64 bits: page 1073741824 of 4 was page 0 again, and page 2147483647 a 500 (operations audit)
        long offset = (long) pageNumber * size;
        List<Job> found = deadline.read(
                () -> withoutApi ? store.listWithoutApi(state, offset, size) : store.list(api, state, offset, size));
        long now = store.now();
        List<JobView> jobs =
                found.stream().map(job -> JobView.of(job, waits, now)).toList();
        json(
                exchange,
                200,
                new JobPage(
                        pageNumber,
                        size,
                        withoutApi ? StatusPage.UNKNOWN_API : api == null ? null : api.id(),
                        state == null ? null : state.name().toLowerCase(Locale.ROOT),
                        jobs));
    }

    private void one(Exchange exchange) {
        String id;
        Optional<String> apiName;
        try {
            id = optional(exchange, "id").orElse("");
            apiName = optional(exchange, "api");
        } catch (IllegalArgumentException twice) {
            json(exchange, 400, new JobsError(twice.getMessage()));
            return;
        }
        Optional<Api> api = apiName.flatMap(Api::of);
        if (apiName.isPresent() && api.isEmpty()) {
            json(exchange, 400, new JobsError("api: must be openprospect or orbit, not \"" + apiName.get() + "\""));
            return;
        }
        // hostile-input audit: a key used with both APIs showed one job only, and ?api= was ignored
        Optional<Job> job = deadline.read(() -> api.isEmpty()
                ? store.findByIdOrKey(id)
                : store.findById(id).filter(found -> found.api() == api.get()).or(() -> store.find(api.get(), id)));
        if (job.isPresent()) {
            json(exchange, 200, JobView.of(job.get(), waits, store.now()));
        } else {
            // a key a retry derived is no name of the job's (observability audit: the result's key gave a bare 404)
            json(
                    exchange,
                    404,
                    new JobsError("no job has the id or idempotency key " + id + " (a job started again under a key"
                            + " derived from its first is found by its jobId, or by the key it was accepted under:"
                            + " requestKey, the first of a result's attempts)"));
        }
    }

    private static JobState state(String value) {
        try {
            return JobState.valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "state: must be one of " + String.join(", ", STATES) + ", not \"" + value + "\"");
        }
    }

    /**
     * The parameter's one value, if given. Given twice it is refused by name (jobs-API audit: {@code size=2&size=3}
     * was refused as out of range, {@code state=a&state=b} quoted as {@code "[a, b]"}, and {@code /jobs/<id>?id=x}
     * looked up {@code "[x, <id>]"}).
     */
    private static Optional<String> optional(Exchange exchange, String name) {
        Object value = exchange.getMessage().getHeader(name);
        if (value instanceof Collection<?> several) {
            throw new IllegalArgumentException(name + ": given " + several.size() + " times; give it once");
        }
        return Optional.ofNullable(exchange.getMessage().getHeader(name, String.class))
                .filter(v -> !v.isBlank());
    }

    private static int number(Exchange exchange, String name, int min, int max, int defaultValue) {
        Optional<String> value = optional(exchange, name);
        if (value.isEmpty()) {
            return defaultValue;
        }
        try {
            // ASCII digits only: Integer.parseInt also reads "+5", full-width and Arabic-Indic digits
            String digits = value.get().trim();
            if (!ASCII_NUMBER.matcher(digits).matches()) {
                throw new NumberFormatException();
            }
            int number = Integer.parseInt(digits);
            if (number < min || number > max) {
                throw new NumberFormatException();
            }
            return number;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + ": must be a whole number from " + min + " to " + max);
        }
    }

    /** A route that answers a management request, and a failure while it does with {@link #unavailable}. */
    private void answering(String uri, String routeId, Processor answer) {
        from(uri)
                .routeId(routeId)
                .onException(Exception.class)
                .handled(true)
                .process(this::unavailable)
                .end()
                .process(answer);
    }

    /**
     * A failure while answering (the store away, a bug) is a 503 in the API's error shape, its reason in the log only:
     * Camel's own 500 answered with the request's headers and query parameters copied into its own (operations audit:
     * {@code ?Set-Cookie=a%3Db} came back as a Set-Cookie header) and logged the SQL with a stack trace.
     */
    private void unavailable(Exchange exchange) {
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        LOG.warn("{} could not be answered: {}", exchange.getFromRouteId(), ErrorText.withRootCause(cause));
        json(exchange, 503, new JobsError("the jobs cannot be read now; see the job-store check on /observe/health"));
    }

    /**
     * The answer with the API keys masked, as in results: a file named after a key, or a key sent as a request's
     * idempotency key, showed the key here while results and logs masked it (REST audit).
     */
    private void json(Exchange exchange, int status, Object body) {
        respond(exchange, status, "application/json", keyMask.applyToCallerText(Json.write(body)));
    }

    private static void respond(Exchange exchange, int status, String contentType, String body) {
        exchange.getMessage().removeHeaders("*");
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, contentType);
        exchange.getMessage().setBody(body);
    }
}
