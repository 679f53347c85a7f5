package io.profilebridge;

import java.nio.file.Path;
import java.time.Clock;

import com.zaxxer.hikari.HikariDataSource;
import io.profilebridge.api.Api;
import io.profilebridge.api.ApiCallRoutes;
import io.profilebridge.api.ApiAnswer;
import io.profilebridge.api.ApiCredentials;
import io.profilebridge.api.ApiError;
import io.profilebridge.api.ApiHolds;
import io.profilebridge.operations.ApiHealthCheck;
import io.profilebridge.operations.JobMetrics;
import io.profilebridge.operations.JobStoreHealthCheck;
import io.profilebridge.operations.JvmMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.profilebridge.operations.BacklogHistory;
import io.profilebridge.operations.JobStatusRoutes;
import io.profilebridge.operations.ProgressRoute;
import io.profilebridge.operations.StatusPage;
import org.apache.camel.health.HealthCheckHelper;
import org.apache.camel.health.HealthCheckRegistry;
import io.profilebridge.delivery.DeliverJobRoute;
import io.profilebridge.delivery.ResultFiles;
import io.profilebridge.intake.AcceptRequestRoute;
import io.profilebridge.intake.RequestAcceptance;
import io.profilebridge.intake.RequestReader;
import io.profilebridge.intake.CheckCommand;
import io.profilebridge.intake.DocumentedRules;
import io.profilebridge.jms.DeadLetters;
import io.profilebridge.jms.JmsConfiguration;
import io.profilebridge.job.JobLifecycle;
import io.profilebridge.job.JobRoutes;
import io.profilebridge.job.JobSchedule;
import io.profilebridge.job.JobStore;
import io.profilebridge.job.JobStoreDataSource;
import io.profilebridge.openprospect.OpenProspectRoutes;
import io.profilebridge.orbit.OrbitRateLimits;
import io.profilebridge.orbit.OrbitRoutes;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.cli.connector.DefaultCliConnectorFactory;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.ThreadPoolProfileBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the bridge's parts from its properties and binds them, with the Java routes, into the registry,
 * where Camel Main picks the routes up next to the YAML ones.
 */
public class BridgeConfiguration implements CamelConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(BridgeConfiguration.class);

    /** Thread pool profile of the inbox routes' {@code threads} step. */
    public static final String INBOX_WORKERS = "inbox-workers";

    @Override
    public void configure(CamelContext context) throws Exception {
        BridgeSettings settings = new BridgeSettings(context);

        // camel-cli-connector is opt-in: its once-a-second status dump cost a fifth of the bridge's CPU in the
        // throughput benchmark (JFR), so `camel get` tooling is enabled only where someone uses it
        // (the factory is bound in ProfileBridge.createMain, before Camel looks for one; it starts the connector later)
        DefaultCliConnectorFactory cliConnector = context.getRegistry()
                .lookupByNameAndType(ProfileBridge.CLI_CONNECTOR_FACTORY, DefaultCliConnectorFactory.class);
        if (cliConnector != null) {
            cliConnector.setEnabled(settings.flag("bridge.cli-connector.enabled", false));
        }

        // created owner-only and locked by StartupChecks, which runs first
        Path data = Path.of(settings.text("bridge.data", "data"));
        String url = settings.text("bridge.store.url", JobStoreDataSource.defaultUrl(data));
        HikariDataSource dataSource = JobStoreDataSource.open(url, settings.text("bridge.store.user", ""),
                settings.text("bridge.store.password", ""), settings.integer("bridge.store.pool-size", 10));
        context.addService(new ClosingService(dataSource));
        DataFolder.restrictStoreFiles(data);
        context.getRegistry().bind("jobStoreDataSource", dataSource);

        String instanceId = settings.text("bridge.instance-id", defaultInstanceId(data));
        JobStore store = new JobStore(dataSource, JobStoreDataSource.isPostgres(url), instanceId, Clock.systemUTC());
        int released = store.releaseOwnLeases();
        if (released > 0) {
            LOG.info("{} jobs were in flight when {} last stopped; they are due again now", released, instanceId);
        }
        JobSchedule schedule = new JobSchedule(
                settings.number("bridge.poll.first-delay-ms", 2000),
                settings.decimal("bridge.poll.backoff-factor", 1.5),
                settings.number("bridge.poll.max-interval-ms", 30000),
                settings.number("bridge.retry.base-delay-ms", 1000),
                settings.number("bridge.retry.max-delay-ms", 60000),
                settings.integer("bridge.retry.max-attempts", 10),
                settings.number("bridge.retry.hold-interval-ms", 60000),
                settings.number("bridge.retry.max-age-ms", 86_400_000),
                settings.number("bridge.poll.lease-ms", 120000),
                settings.number("bridge.retry.retry-after-cap-ms", 3_600_000));
        // the registry /observe/metrics serves (camel-micrometer-prometheus binds it as metricsRegistry)
        MeterRegistry meters = context.getRegistry().lookupByNameAndType("metricsRegistry", MeterRegistry.class);
        if (meters == null) {
            meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            context.getRegistry().bind("metricsRegistry", meters);
        }
        JobMetrics metrics = new JobMetrics(meters, store);
        // --- operations: the JVM's meters next to ours, switched with Camel's route metrics by one flag
        if (settings.flag("bridge.metrics.camel-and-jvm", true)) {
            context.addService(new ClosingService(JvmMetrics.bindTo(meters)));
        }
        JobLifecycle lifecycle = new JobLifecycle(schedule, new JobLifecycle.RemoteFailureRetries(
                settings.integer("bridge.retry.openprospect-failed-runs", 1),
                settings.integer("bridge.retry.orbit-failed-runs", 0)), store, metrics);
        context.getRegistry().bind("jobStore", store);
        context.getRegistry().bind("jobLifecycle", lifecycle);

        ApiCredentials credentials = new ApiCredentials()
                .with(Api.OPENPROSPECT, settings.text("openprospect.api-key", null))
                .with(Api.ORBIT, settings.text("orbit.api-key", null));
        ApiHolds holds = new ApiHolds();
        for (Api api : Api.values()) {
            if (!credentials.has(api)) {
                LOG.warn("No {} API key is configured ({}.api-key): its requests are held, not sent, until one is",
                        api, api);
                holds.hold(api, ApiError.of(ApiAnswer.API_KEY_MISSING, "no " + api + ".api-key is configured"));
            }
        }

        RequestReader reader = new RequestReader(settings.number("bridge.request.max-bytes", CheckCommand.DEFAULT_MAX_BYTES),
                DocumentedRules.INSTANCE);
        RequestAcceptance acceptance = new RequestAcceptance(reader, store);

        OrbitRateLimits.Limits limits = new OrbitRateLimits.Limits(
                settings.decimal("bridge.orbit.start-rate", 5), settings.integer("bridge.orbit.start-burst", 20),
                settings.decimal("bridge.orbit.read-rate", 20), settings.integer("bridge.orbit.read-burst", 40));
        // with a shared PostgreSQL store the buckets are shared too: the limit belongs to the key, not the process
        OrbitRateLimits orbitLimits = JobStoreDataSource.isPostgres(url) && credentials.has(Api.ORBIT)
                ? OrbitRateLimits.shared(dataSource, credentials.key(Api.ORBIT).orElseThrow(), limits)
                : OrbitRateLimits.local(limits);

        // the inbox routes' `threads` step (executorService: inbox-workers) accepts files in parallel, so the job
        // commits of a burst of files are grouped instead of queued one by one behind a single consumer thread
        int inboxConcurrency = settings.integer("bridge.inbox.concurrency", 8);
        context.getExecutorServiceManager().registerThreadPoolProfile(new ThreadPoolProfileBuilder(INBOX_WORKERS)
                .poolSize(inboxConcurrency).maxPoolSize(inboxConcurrency).build());
        context.getRegistry().bind("acceptRequestRoute", new AcceptRequestRoute(acceptance));
        context.getRegistry().bind("jobRoutes", new JobRoutes(store, settings.integer("bridge.poll.batch-size", 32),
                settings.integer("bridge.poll.concurrency", 16), schedule.leaseMs()));
        context.getRegistry().bind("apiCallRoutes", new ApiCallRoutes(holds, metrics));
        HealthCheckRegistry health = HealthCheckHelper.getHealthCheckRegistry(context);
        if (health != null) {
            health.register(new JobStoreHealthCheck(store));
            for (Api api : Api.values()) {
                health.register(new ApiHealthCheck(api, holds));
            }
        }
        context.getRegistry().bind("openProspectRoutes", new OpenProspectRoutes(credentials, lifecycle));
        context.getRegistry().bind("orbitRoutes", new OrbitRoutes(credentials, lifecycle, orbitLimits));
        context.getRegistry().bind("deliverJobRoute", new DeliverJobRoute(lifecycle));
        // routes/deliver-result.camel.yaml: the name a result file is written under, and its sync to disk
        context.getRegistry().bind("resultFiles", new ResultFiles(Path.of(settings.text("bridge.outbox", "outbox"))));
        context.getRegistry().bind("progressRoute", new ProgressRoute(store));
        BacklogHistory backlog = new BacklogHistory(store);
        // null when JMS is off (JmsConfiguration binds it otherwise)
        DeadLetters deadLetters = context.getRegistry()
                .lookupByNameAndType(JmsConfiguration.DEAD_LETTERS, DeadLetters.class);
        context.getRegistry().bind("jobStatusRoutes", new JobStatusRoutes(store,
                new StatusPage(store, backlog, deadLetters), backlog,
                settings.number("bridge.status.backlog-sample-ms", 10_000)));
    }

    /** Stable across restarts of the same installation, distinct for instances with their own data folders. */
    private static String defaultInstanceId(Path data) {
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            host = "localhost";
        }
        return host + ":" + data.toAbsolutePath().normalize();
    }

}
