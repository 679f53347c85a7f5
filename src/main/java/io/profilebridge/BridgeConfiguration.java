package io.profilebridge;

import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.profilebridge.api.AnswerHeads;
import io.profilebridge.api.Api;
import io.profilebridge.api.ApiAnswer;
import io.profilebridge.api.ApiBucket;
import io.profilebridge.api.ApiBudgets;
import io.profilebridge.api.ApiCallLimits;
import io.profilebridge.api.ApiCallRoutes;
import io.profilebridge.api.ApiCredentials;
import io.profilebridge.api.ApiError;
import io.profilebridge.api.ApiHolds;
import io.profilebridge.api.ApiOutageLog;
import io.profilebridge.api.BoundedHeadHttpComponent;
import io.profilebridge.api.CallGate;
import io.profilebridge.api.KeyMask;
import io.profilebridge.api.SendPermission;
import io.profilebridge.api.SharedCallPlaces;
import io.profilebridge.delivery.DeliverJobRoute;
import io.profilebridge.delivery.DeliveryRefusals;
import io.profilebridge.delivery.LaterCallersRoute;
import io.profilebridge.delivery.OversizedResults;
import io.profilebridge.delivery.RefusedResultLines;
import io.profilebridge.delivery.ReplyToSends;
import io.profilebridge.delivery.ResultFiles;
import io.profilebridge.delivery.ResultQueues;
import io.profilebridge.intake.AcceptRequestRoute;
import io.profilebridge.intake.DocumentedRules;
import io.profilebridge.intake.InboxFileErrors;
import io.profilebridge.intake.InboxFileFilter;
import io.profilebridge.intake.InboxFolders;
import io.profilebridge.intake.InboxMarkers;
import io.profilebridge.intake.InboxReadLock;
import io.profilebridge.intake.RequestAcceptance;
import io.profilebridge.intake.RequestReader;
import io.profilebridge.intake.UnreadFolders;
import io.profilebridge.intake.WaitingFiles;
import io.profilebridge.jms.BrokerQueueGauges;
import io.profilebridge.jms.DeadLetters;
import io.profilebridge.jms.EmbeddedBroker;
import io.profilebridge.jms.JmsConfiguration;
import io.profilebridge.job.AwaitedDataSource;
import io.profilebridge.job.ClosedStoreExit;
import io.profilebridge.job.EmbeddedStore;
import io.profilebridge.job.EmbeddedStoreLeftBehind;
import io.profilebridge.job.FinishedJobsRetention;
import io.profilebridge.job.InstanceLiveness;
import io.profilebridge.job.InstanceSetup;
import io.profilebridge.job.JobCallers;
import io.profilebridge.job.JobCounts;
import io.profilebridge.job.JobDispatcher;
import io.profilebridge.job.JobLifecycle;
import io.profilebridge.job.JobRoutes;
import io.profilebridge.job.JobSchedule;
import io.profilebridge.job.JobStore;
import io.profilebridge.job.JobStoreDataSource;
import io.profilebridge.job.JobStoreException;
import io.profilebridge.job.LostStoreNotice;
import io.profilebridge.job.RunTimes;
import io.profilebridge.job.StoreFileWatch;
import io.profilebridge.job.StoreNote;
import io.profilebridge.openprospect.OpenProspectRoutes;
import io.profilebridge.operations.ApiHealthCheck;
import io.profilebridge.operations.BacklogHistory;
import io.profilebridge.operations.BacklogSampleRoute;
import io.profilebridge.operations.CamelExchangeMetrics;
import io.profilebridge.operations.InboxFoldersHealthCheck;
import io.profilebridge.operations.JobMetrics;
import io.profilebridge.operations.JobStatusRoutes;
import io.profilebridge.operations.JobStoreHealthCheck;
import io.profilebridge.operations.JobWorkersHealthCheck;
import io.profilebridge.operations.JvmMetrics;
import io.profilebridge.operations.ManagementReads;
import io.profilebridge.operations.ProgressRoute;
import io.profilebridge.operations.RefusedResultsHealthCheck;
import io.profilebridge.operations.RoutesGoneHealthCheck;
import io.profilebridge.operations.StatusPage;
import io.profilebridge.orbit.OrbitRequestRules;
import io.profilebridge.orbit.OrbitRoutes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.ThreadPoolProfileBuilder;
import org.apache.camel.cli.connector.DefaultCliConnectorFactory;
import org.apache.camel.component.http.CompositeHttpConfigurer;
import org.apache.camel.component.http.HttpComponent;
import org.apache.camel.health.HealthCheckHelper;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.spi.CamelTracingService;
import org.apache.camel.support.service.ServiceSupport;
import org.apache.camel.util.concurrent.ThreadPoolRejectedPolicy;
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
        enableCliConnectorIfAsked(context, settings);
        OpenFilesWatch.addTo(context);
        Store opened = openStore(context, settings);
        DataSource dataSource = opened.dataSource();
        JobStore store = opened.jobs();
        InstanceLiveness liveness = opened.liveness();
        // PostgreSQL, shared by several instances, exactly when the liveness is shared
        boolean postgres = liveness.isShared();
        JobSchedule schedule = new JobSchedule(
                settings.number("bridge.poll.first-delay-ms"),
                settings.number("bridge.poll.interval-ms"),
                settings.number("bridge.retry.base-delay-ms"),
                settings.number("bridge.retry.max-delay-ms"),
                settings.integer("bridge.retry.max-attempts"),
                settings.number("bridge.retry.hold-interval-ms"),
                settings.number("bridge.retry.max-age-ms"),
                settings.integer("bridge.delivery.max-attempts"),
                settings.number("bridge.retry.retry-after-cap-ms"));
        // the registry /observe/metrics serves (camel-micrometer-prometheus binds it as metricsRegistry)
        MeterRegistry meters = context.getRegistry().lookupByNameAndType("metricsRegistry", MeterRegistry.class);
        if (meters == null) {
            meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            context.getRegistry().bind("metricsRegistry", meters);
        }
        // health, metrics, /jobs and the status page wait at most a second for the store, whatever state it is in
        ManagementReads managementReads = ManagementReads.open();
        context.addService(new ClosingService(managementReads));
        // intervals on the monotonic clock: on the wall clock, one set back froze the counts for as long (skew audit)
        JobCounts jobCounts = new JobCounts(store, () -> System.nanoTime() / 1_000_000);
        JobMetrics metrics = new JobMetrics(meters, jobCounts, managementReads.metrics());
        // the metrics listen to the events of the jobs and the API calls
        context.getManagementStrategy().addEventNotifier(metrics);
        // an API that stops answering is named once in the log, and again when it answers
        ApiOutageLog outages = new ApiOutageLog();
        context.getManagementStrategy().addEventNotifier(outages);
        // a want of heap inside a route ends the process, as one at the top of a thread does (OutOfMemoryExit)
        context.getManagementStrategy().addEventNotifier(OutOfMemoryInRoutes.halting());
        // --- operations: the JVM's meters next to ours, switched with Camel's route metrics by one flag
        if (settings.flag("bridge.metrics.camel-and-jvm")) {
            context.addService(new ClosingService(JvmMetrics.bindTo(meters)));
            CamelExchangeMetrics.keepOnlyInflightGauges(context);
        }
        ApiCredentials credentials = ApiCredentials.configured(settings);
        // results and intake refusals hold what callers and APIs wrote: a key in it is masked before it is kept
        KeyMask keyMask = new KeyMask(credentials);
        long deadlineMs = settings.number("bridge.http.deadline-ms");
        boolean jms = settings.flag("bridge.jms.enabled");
        String brokerUrl = settings.optional("bridge.jms.broker-url").orElse(null);
        boolean embeddedBroker = jms && brokerUrl == null;
        if (embeddedBroker && postgres) {
            // black-box audit: with a broker each, the results of the JMS requests another instance took in came out of
            // this one's broker, where the caller does not read
            LOG.warn("Several instances on one job store share their work, but JMS requests go to this instance's"
                    + " own embedded broker, which no other instance reaches: another instance is refused on this store"
                    + " while this one runs. Give every instance the same broker (bridge.jms.broker-url), or turn JMS"
                    + " off (bridge.jms.enabled=false) where requests come as files only");
        }
        // what a JMS result must fit: the embedded broker's cap is known; an external broker's is its own configuration
        long jmsMessageCap = embeddedBroker ? settings.number("bridge.jms.max-message-bytes") : Long.MAX_VALUE;
        JobLifecycle lifecycle = new JobLifecycle(
                schedule,
                new JobLifecycle.RemoteFailureRetries(
                        settings.integer("bridge.retry.openprospect-failed-runs"),
                        settings.integer("bridge.retry.orbit-failed-runs")),
                store,
                event -> BridgeEvent.publish(context, event),
                new RunTimes(settings.flag("bridge.poll.learn-run-times"), OrbitRequestRules::runShape),
                keyMask,
                deadlineMs,
                outages::isOut);
        context.getRegistry().bind("jobStore", store);
        context.getRegistry().bind("jobLifecycle", lifecycle);

        refuseAnotherSetup(
                liveness, InstanceSetup.of(credentials.fingerprint(), jms, brokerUrl, HostName::ofThisMachine));
        ApiHolds holds = holdsForMissingKeys(settings, credentials);
        context.addStartupListener((started, alreadyStarted) -> {
            dueNowOnceKeyed(store, credentials);
            waitingDeliveriesGoNow(store);
        });

        RequestReader reader = new RequestReader(settings.number("bridge.request.max-bytes"), DocumentedRules.INSTANCE);
        // camel.opentelemetry2.enabled: Camel Main has added its tracer before this runs
        boolean tracing = context.hasService(CamelTracingService.class) != null;
        WaitingFiles waitingFiles = new WaitingFiles(
                store,
                settings.number("bridge.inbox.stable-ms"),
                settings.number("bridge.inbox.poll-ms"),
                settings.number("bridge.inbox.incomplete-ms"),
                settings.number("bridge.inbox.undelivered-wait-ms"),
                Path.of(settings.text("bridge.data"), "unmoved-files"));
        waitingFiles.forgetNotesOfGoneFiles();
        JobCallers callers = new JobCallers(store);
        Supplier<Map<Path, String>> inboxFoldersGivingNoFile =
                bindInboxFiles(context, settings, waitingFiles, postgres);
        RequestAcceptance acceptance = new RequestAcceptance(
                reader,
                store,
                tracing,
                Set.of(settings.text("bridge.jms.requests"), EmbeddedBroker.DEAD_LETTER_QUEUE),
                waitingFiles,
                callers,
                keyMask);

        ApiBudgets budgets = budgets(settings, credentials, dataSource, liveness, schedule.retryAfterCapMs());
        ApiCallLimits callLimits = new ApiCallLimits(deadlineMs, settings.number("bridge.http.max-answer-bytes"));
        context.addService(new ClosingService(callLimits));
        AnswerHeads answerHeads = new AnswerHeads(budgets, keyMask);
        configureHttp(context, callLimits, answerHeads, settings.number("bridge.http.idle-close-ms"));

        int workers = settings.integer("bridge.poll.concurrency");
        registerThreadPools(context, settings.integer("bridge.inbox.concurrency"), workers);
        context.getRegistry().bind("acceptRequestRoute", new AcceptRequestRoute(acceptance));
        long tickMs = settings.number("bridge.poll.tick-ms");
        // a step outlasting every deadline its calls could have lost its worker
        CallGate gate = callGate(settings, deadlineMs, postgres ? dataSource : null, credentials);
        JobDispatcher dispatcher = new JobDispatcher(
                store,
                budgets,
                gate,
                liveness,
                holds,
                workers,
                5 * deadlineMs,
                Math.max(30_000, 20 * tickMs),
                schedule.maxAgeMs());
        context.getRegistry().bind("jobDispatcher", dispatcher);
        context.getRegistry().bind("apiBudgets", budgets);
        context.getRegistry().bind("jobRoutes", new JobRoutes(store, lifecycle, dispatcher, budgets, liveness));
        context.getRegistry().bind("apiCallRoutes", new ApiCallRoutes(holds, budgets, keyMask));
        metrics.watch(budgets);
        metrics.watch(gate);
        metrics.watch(holds, budgets);
        HealthCheckRegistry health = HealthCheckHelper.getHealthCheckRegistry(context);
        if (health != null) {
            health.register(new JobStoreHealthCheck(store, managementReads.health()));
            health.register(new JobWorkersHealthCheck(dispatcher));
            for (Api api : Api.values()) {
                health.register(new ApiHealthCheck(api, holds, budgets, credentials.has(api)));
            }
        }
        context.getRegistry().bind("openProspectRoutes", new OpenProspectRoutes(credentials, lifecycle));
        context.getRegistry()
                .bind(
                        "orbitRoutes",
                        new OrbitRoutes(
                                credentials,
                                lifecycle,
                                budgets,
                                settings.number("bridge.orbit.max-profile-bytes"),
                                jmsMessageCap,
                                postgres ? Integer.MAX_VALUE : OrbitRoutes.PROFILE_READS_PER_STEP));
        ReplyToSends replyToSends = ReplyToSends.ofWorkers(settings.integer("bridge.poll.concurrency"));
        context.getRegistry()
                .bind(
                        "deliverJobRoute",
                        new DeliverJobRoute(
                                lifecycle,
                                jms,
                                settings.number("bridge.retry.max-delay-ms"),
                                settings.integer("bridge.poll.concurrency"),
                                replyToSends,
                                keyMask));
        context.getRegistry()
                .bind("laterCallersRoute", new LaterCallersRoute(store, callers, schedule, replyToSends, keyMask));
        context.getRegistry()
                .bind(
                        "finishedJobsRetention",
                        new FinishedJobsRetention(store, settings.number("bridge.store.keep-finished-days")));
        // routes/deliver-result.camel.yaml: the name a result file is written under, and its sync to disk
        Path outbox = Path.of(settings.text("bridge.outbox"));
        // a waiting result is tried again at the backoff's cap at the latest, a waiting inbox file taken again after
        // undelivered-wait: three of the longer without a refusal, and nothing waits for the place any more
        Duration refusalsForgottenAfter = Duration.ofMillis(3
                * Math.max(
                        settings.number("bridge.retry.max-delay-ms"),
                        settings.number("bridge.inbox.undelivered-wait-ms")));
        DeliveryRefusals outboxRefusals =
                new DeliveryRefusals(Clock.systemUTC(), store::wakeWaitingDeliveries, refusalsForgottenAfter);
        context.getRegistry()
                .bind(
                        "resultFiles",
                        // several instances share an outbox only with a shared store
                        new ResultFiles(
                                outbox,
                                outboxRefusals,
                                settings.text("bridge.outbox.folder-mode"),
                                postgres ? dataSource : null));
        // routes/deliver-result-jms.camel.yaml: which queue a JMS result goes to, and whether the broker takes it
        DeliveryRefusals queueRefusals =
                new DeliveryRefusals(Clock.systemUTC(), store::wakeWaitingDeliveries, refusalsForgottenAfter);
        ResultQueues resultQueues = new ResultQueues(settings.text("bridge.jms.results"), queueRefusals);
        context.getRegistry().bind("resultQueues", resultQueues);
        // routes/delivery-errors.camel.yaml: a job's refused result, and one decided at intake, each counted apart
        context.getRegistry().bind("refusedResultLines", new RefusedResultLines());
        context.getRegistry().bind("refusedIntakeResultLines", new RefusedResultLines());
        context.getRegistry().bind("oversizedResults", OversizedResults.ofCap(jmsMessageCap));
        if (health != null) {
            health.register(RefusedResultsHealthCheck.outbox(outbox, outboxRefusals));
            health.register(new InboxFoldersHealthCheck(inboxFoldersGivingNoFile));
            RoutesGoneHealthCheck routesGone = new RoutesGoneHealthCheck();
            context.addStartupListener(routesGone);
            health.register(routesGone);
            if (jms) {
                // a send the broker holds longer than any call of a broker that went away may wait
                long heldAfterMs = settings.number("bridge.jms.call-failover-timeout-ms");
                health.register(
                        RefusedResultsHealthCheck.jmsResults(queueRefusals, () -> resultQueues.heldSend(heldAfterMs)));
            }
        }
        context.getRegistry().bind("progressRoute", new ProgressRoute(jobCounts));
        // the YAML error handlers' log lines name the root cause: "Cannot store file" alone hides the full disk
        context.getRegistry().bind("errorText", new ErrorText());
        BacklogHistory backlog = new BacklogHistory(store);
        context.getRegistry()
                .bind(
                        "backlogSampleRoute",
                        new BacklogSampleRoute(backlog, settings.number("bridge.status.backlog-sample-ms")));
        // null when JMS is off (JmsConfiguration binds it otherwise)
        DeadLetters deadLetters =
                context.getRegistry().lookupByNameAndType(JmsConfiguration.DEAD_LETTERS, DeadLetters.class);
        if (jms) {
            BrokerQueueGauges.bindTo(
                    meters,
                    deadLetters,
                    List.of(
                            settings.text("bridge.jms.results"),
                            settings.text("bridge.jms.failed"),
                            EmbeddedBroker.DEAD_LETTER_QUEUE));
        }
        context.getRegistry()
                .bind(
                        "jobStatusRoutes",
                        new JobStatusRoutes(
                                store,
                                managementReads.operators(),
                                new StatusPage(store, jobCounts, backlog, deadLetters, budgets, holds),
                                holds,
                                budgets,
                                keyMask));
    }

    /**
     * camel-cli-connector is opt-in: its once-a-second status dump costs CPU all the time (docs/benchmarks.md), so
     * {@code camel get} tooling is enabled only where someone uses it (the factory is bound in BridgeMain.createMain,
     * before Camel looks for one; it starts the connector later).
     */
    private static void enableCliConnectorIfAsked(CamelContext context, BridgeSettings settings) {
        DefaultCliConnectorFactory cliConnector = context.getRegistry()
                .lookupByNameAndType(BridgeMain.CLI_CONNECTOR_FACTORY, DefaultCliConnectorFactory.class);
        if (cliConnector != null) {
            cliConnector.setEnabled(settings.flag("bridge.cli-connector.enabled"));
        }
    }

    /** The job store and its instance's liveness (shared exactly when the store is PostgreSQL). */
    private record Store(DataSource dataSource, JobStore jobs, InstanceLiveness liveness) {}

    /**
     * Opens the job store in the background (bound as {@code jobStoreDataSource}) and registers this instance on it.
     */
    private static Store openStore(CamelContext context, BridgeSettings settings) throws Exception {
        // created owner-only and locked by StartupChecks, which runs first
        Path data = Path.of(settings.text("bridge.data"));
        String url = settings.optional("bridge.store.url").orElse(JobStoreDataSource.defaultUrl(data));
        String user = settings.optional("bridge.store.user").orElse("");
        String password = settings.optional("bridge.store.password").orElse("");
        int poolSize = settings.integer("bridge.store.pool-size");
        // the store opens and migrates its schema beside the broker and the route loading; no route starts before
        // it is open, and it closes after them
        boolean embedded = settings.optional("bridge.store.url").isEmpty();
        boolean postgres = JobStoreDataSource.isPostgres(url);
        if (!embedded) {
            // re-check audit: a start on an H2 file of its own left the embedded store's jobs as silently
            if (!EmbeddedStore.isStoreIn(url, data)) {
                EmbeddedStoreLeftBehind.refuseWhileUnfinished(data);
            }
            EmbeddedStore.unguarded(url).ifPresent(LOG::warn);
        }
        StoreNote note = new StoreNote(data);
        StoreFileWatch watch = embedded ? StoreFileWatch.of(context, data) : null;
        boolean newStore = embedded && !note.exists() && Files.notExists(data.resolve(EmbeddedStore.FILE));
        Path inbox = Path.of(settings.text("bridge.inbox"));
        BackgroundStart<HikariDataSource> opening = BackgroundStart.begin("job-store-open", () -> {
            HikariDataSource opened = embedded
                    ? new EmbeddedStore(data, note, ClosedStoreExit.of(context, data)).open(poolSize)
                    : openShared(url, user, password, poolSize);
            if (newStore) {
                LostStoreNotice.of(inbox, data).ifPresent(LOG::warn);
            }
            DataFolder.restrictStoreFiles(data);
            if (watch != null) {
                watch.opened(opened);
            }
            return opened;
        });
        context.addService(opening);
        if (watch != null) {
            // added after the store, so it stops before it: after the routes, with the store still open
            context.addService(watch);
        }
        DataSource dataSource = new AwaitedDataSource(opening::resource);
        context.getRegistry().bind("jobStoreDataSource", dataSource);

        String instanceId = settings.optional("bridge.instance-id").orElseGet(() -> defaultInstanceId(data));
        InstanceLiveness liveness = postgres
                ? InstanceLiveness.shared(
                        dataSource,
                        instanceId,
                        settings.number("bridge.cluster.heartbeat-ms"),
                        settings.number("bridge.cluster.takeover-ms"))
                : InstanceLiveness.single(instanceId);
        JobStore store = new JobStore(dataSource, liveness, liveness.clock(), embedded ? note::saw : createdAt -> {});
        if (embedded) {
            context.addService(note.keptBy(context));
        }
        // a shared store waits here until it is open: this instance registers before anything of it runs
        int released = liveness.start();
        if (released > 0) {
            LOG.info("{} jobs were in flight when {} last stopped; they are due again now", released, instanceId);
        }
        // after the routes stop: this instance's claims go back to the others at once
        context.addService(new ServiceSupport() {
            @Override
            protected void doStop() {
                liveness.stop();
            }
        });
        return new Store(dataSource, store, liveness);
    }

    /**
     * Compares this instance's setup with the live instances' on a shared store: other API keys are named in a warning
     * (their limits cannot be shared), another JMS broker stops the start, naming them: any instance delivers any job's
     * result, so the result of a JMS request would go into a broker its caller does not read (matrix audit: 2 of 4
     * results went to another instance's broker, with only the start's warning).
     */
    private static void refuseAnotherSetup(InstanceLiveness liveness, InstanceSetup own) {
        Map<String, InstanceSetup> others = liveness.publishSetup(own);
        List<String> otherKeys = others.entrySet().stream()
                .filter(other -> !own.keys().equals(other.getValue().keys()))
                .map(Map.Entry::getKey)
                .toList();
        if (!otherKeys.isEmpty()) {
            LOG.warn(
                    "Instances {} on this job store run with other API keys than this one: rate limits, pauses and"
                            + " budgets belong to the key, so they are not shared with them; give every instance the"
                            + " same keys",
                    otherKeys);
        }
        List<String> otherBrokers = others.entrySet().stream()
                .filter(other -> other.getValue().broker() != null
                        && !own.broker().equals(other.getValue().broker()))
                .map(Map.Entry::getKey)
                .toList();
        if (!otherBrokers.isEmpty()) {
            // its session goes with the refusal: left beating, it would refuse the next instance in its turn
            liveness.stop();
            throw new StartupFailure("instances " + otherBrokers + " on this job store name another JMS broker than"
                    + " this one (its hosts and ports as written in bridge.jms.broker-url, a loopback host as this"
                    + " machine's), or JMS is on for them and off"
                    + " here or the other way round: any instance delivers any job's result, so a JMS result could go"
                    + " into a broker its caller does not read. Give every instance the same bridge.jms.broker-url, or"
                    + " bridge.jms.enabled=false on every one (an embedded broker serves one instance alone)");
        }
    }

    /** The APIs held from the start: those without a key (their requests wait, not sent, until one is configured). */
    private static ApiHolds holdsForMissingKeys(BridgeSettings settings, ApiCredentials credentials) {
        ApiHolds holds = new ApiHolds(settings.number("bridge.retry.hold-interval-ms"));
        for (Api api : Api.values()) {
            if (!credentials.has(api)) {
                LOG.warn(
                        "No {} API key is configured ({}.api-key): its requests are held, not sent, until one is",
                        api,
                        api);
                holds.hold(api, ApiError.of(ApiAnswer.API_KEY_MISSING, "no " + api + ".api-key is configured"));
            }
        }
        return holds;
    }

    /** Jobs held for a key this start has go at once, not a hold interval later; a store away leaves them to it. */
    private static void dueNowOnceKeyed(JobStore store, ApiCredentials credentials) {
        for (Api api : Api.values()) {
            if (!credentials.has(api)) {
                continue;
            }
            try {
                int due = store.dueNowOnceKeyed(api);
                if (due > 0) {
                    LOG.info(
                            "{} {} jobs held for want of a key, or by a refusal of it, go now: {}.api-key is configured",
                            due,
                            api,
                            api);
                }
            } catch (JobStoreException e) {
                LOG.debug("The jobs held for want of a {} key wait their hold interval: {}", api, e.toString());
            }
        }
    }

    /**
     * Results waiting for their place (JMS off in the run before, a broker or an outbox that refused them) are tried at
     * once: a restart is how an operator brings a place back, and they would otherwise wait out their backoff's cap, a
     * minute (runbook audit: a JMS result after a restart with JMS on again); a place still away makes them wait again.
     */
    private static void waitingDeliveriesGoNow(JobStore store) {
        try {
            int due = store.wakeWaitingDeliveries();
            if (due > 0) {
                LOG.info("{} results waiting to be delivered are tried now", due);
            }
        } catch (JobStoreException e) {
            LOG.debug("The results waiting to be delivered wait their backoff: {}", e.toString());
        }
    }

    /**
     * The beans the inbox routes' file consumers use (routes/inbox-folder.camel.yaml), and the inbox's own lock; returns
     * what the inbox check reports: the folders that give no file, the filter's (links), the watch's (an inbox not held
     * again) and the refused takes' (a full or read-only inbox).
     */
    private static Supplier<Map<Path, String>> bindInboxFiles(
            CamelContext context, BridgeSettings settings, WaitingFiles waitingFiles, boolean postgres)
            throws Exception {
        // the inbox routes' file consumers' trouble outside a route: a marker or a move that fails
        // (routes/inbox-folder.camel.yaml)
        InboxFileErrors fileErrors = new InboxFileErrors(waitingFiles);
        context.getRegistry().bind("inboxFileErrors", fileErrors);
        // their read lock (routes/inbox-folder.camel.yaml), which knows the markers it made
        InboxReadLock readLock = new InboxReadLock(waitingFiles, settings.number("bridge.inbox.stable-ms"));
        context.getRegistry().bind("inboxReadLock", readLock);
        InboxMarkers markers = new InboxMarkers(
                waitingFiles,
                settings.number("bridge.inbox.orphaned-lock-ms"),
                InboxMarkers.takenInBy(context, readLock));
        if (postgres) {
            // a shared inbox: the markers of the files this instance is taking in stay fresh however long that takes
            ScheduledExecutorService refresh =
                    context.getExecutorServiceManager().newSingleThreadScheduledExecutor(markers, "inbox-markers");
            refresh.scheduleWithFixedDelay(
                    () -> refreshOwnMarkers(markers, context, readLock),
                    markers.refreshEveryMs(),
                    markers.refreshEveryMs(),
                    TimeUnit.MILLISECONDS);
        }
        // named by the inbox routes' listing and by routes/inbox-unread-folders.camel.yaml
        UnreadFolders unreadFolders =
                new UnreadFolders(UnreadFolders.fileFoldersOf(context), Path.of(settings.text("bridge.inbox")));
        context.getRegistry().bind("unreadFolders", unreadFolders);
        // the inbox routes' filter (routes/inbox-folder.camel.yaml)
        InboxFileFilter filter = new InboxFileFilter(
                waitingFiles,
                markers,
                unreadFolders,
                Path.of(settings.text("bridge.inbox")),
                new FolderMaker(settings.text("bridge.inbox.folder-mode")),
                settings.number("bridge.inbox.poll-ms"));
        context.getRegistry().bind("inboxFileFilter", filter);
        InboxFolders folders =
                new InboxFolders(Path.of(settings.text("bridge.inbox")), settings.text("bridge.inbox.folder-mode"));
        context.addStartupListener(folders);
        // the embedded store's inbox is this instance's alone (a shared one needs the shared store), and held so:
        // every marker in it was left by its previous run, and goes before the inbox routes take any file
        InboxWatch watch = new InboxWatch(
                context,
                Path.of(settings.text("bridge.inbox")),
                settings.text("bridge.inbox.folder-mode"),
                postgres,
                folders,
                settings.number("bridge.inbox.folder-check-ms"));
        context.addService(watch);
        if (!postgres) {
            context.addStartupListener((started, alreadyStarted) -> markers.removeLeftByAStop(started));
        }
        return () -> {
            Map<Path, String> givingNoFile = new LinkedHashMap<>(watch.lost());
            givingNoFile.putAll(filter.foldersGivingNoFile());
            givingNoFile.putAll(fileErrors.foldersRefusingTakes());
            return givingNoFile;
        };
    }

    private static void refreshOwnMarkers(InboxMarkers markers, CamelContext context, InboxReadLock readLock) {
        try {
            markers.refreshOwn(InboxMarkers.takenIn(context, readLock));
            markers.removeStray(context);
        } catch (RuntimeException e) {
            // a scheduled task that throws runs no more
            LOG.debug("Cannot date the inbox's read-lock markers anew: {}", e.toString());
        }
    }

    /** Camel's HTTP components, bounded (deadline, answer size), gated and named for the APIs' operators. */
    private static void configureHttp(
            CamelContext context, ApiCallLimits callLimits, AnswerHeads answerHeads, long idleCloseMs)
            throws Exception {
        String userAgent = "profile-bridge/" + StartupBanner.version().replace("(development build)", "dev");
        for (String scheme : new String[] {"http", "https"}) {
            context.addComponent(scheme, new BoundedHeadHttpComponent(idleCloseMs));
            HttpComponent http = context.getComponent(scheme, HttpComponent.class);
            http.setHttpClientConfigurer(CompositeHttpConfigurer.combineConfigurers(callLimits, new SendPermission()));
            http.setHttpActivityListener(answerHeads);
            // the API's operators see who calls, not the HTTP library's name (API-answers audit)
            http.setUserAgent(userAgent);
        }
    }

    /** The pools of the inbox routes' {@code threads} step and of the job workers. */
    private static void registerThreadPools(CamelContext context, int inboxConcurrency, int workers) {
        // the inbox routes' `threads` step (executorService: inbox-workers) accepts files in parallel, so the job
        // commits of a burst of files are grouped instead of queued one by one behind a single consumer thread
        // as many files wait for a worker as are worked on, then the file consumer takes the next in itself: each
        // waiting file holds its read-lock marker, and a SIGKILL left 128 of a 200-file burst marked in a shared inbox,
        // untaken for bridge.inbox.orphaned-lock-ms (cluster audit; Camel's default queue holds 1,000)
        context.getExecutorServiceManager()
                .registerThreadPoolProfile(new ThreadPoolProfileBuilder(INBOX_WORKERS)
                        .poolSize(inboxConcurrency)
                        .maxPoolSize(inboxConcurrency)
                        .maxQueueSize(inboxConcurrency)
                        .rejectedPolicy(ThreadPoolRejectedPolicy.CallerRuns)
                        .build());
        // the job workers: a bounded pool the poll tick hands claimed jobs to; it claims no more than are free
        context.getExecutorServiceManager()
                .registerThreadPoolProfile(new ThreadPoolProfileBuilder(JobRoutes.JOB_WORKERS)
                        .poolSize(workers)
                        .maxPoolSize(workers)
                        .maxQueueSize(workers)
                        .rejectedPolicy(ThreadPoolRejectedPolicy.Abort)
                        .build());
    }

    /**
     * The shared store, named by its key and address when it cannot be opened: the driver's own words ("Connection
     * refused") name neither (black-box audit).
     */
    static HikariDataSource openShared(String url, String user, String password, int poolSize) {
        try {
            return JobStoreDataSource.open(url, user, password, poolSize);
        } catch (StartupFailure e) {
            throw e;
        } catch (RuntimeException e) {
            throw new StartupFailure(
                    "the job store of bridge.store.url (" + Urls.shown(url) + ") cannot be opened: "
                            + StartupFailure.describe(e)
                            + (refusedCredentials(e)
                                    ? "; check bridge.store.user and bridge.store.password (BRIDGE_STORE_USER,"
                                            + " BRIDGE_STORE_PASSWORD)"
                                    : ""),
                    e);
        }
    }

    /**
     * Whether the database refused the user or password (SQL state class 28, "invalid authorization specification"):
     * the driver's words name neither key (matrix audit).
     */
    private static boolean refusedCredentials(Throwable e) {
        return ErrorText.causes(e).stream()
                .anyMatch(cause -> cause instanceof SQLException sql
                        && sql.getSQLState() != null
                        && sql.getSQLState().startsWith("28"));
    }

    /**
     * The budgets of the API keys: Orbit's documented start limit, and adaptive rates for the limits the APIs do not
     * document. Shared in the store when it is PostgreSQL: the limit belongs to the key, not the process.
     */
    private static ApiBudgets budgets(
            BridgeSettings settings,
            ApiCredentials credentials,
            DataSource store,
            InstanceLiveness liveness,
            long retryAfterCapMs) {
        double openProspectRate = settings.decimal("bridge.openprospect.rate");
        double orbitReadRate = settings.decimal("bridge.orbit.read-rate");
        Map<ApiBucket, ApiBudgets.Limit> limits = new EnumMap<>(ApiBucket.class);
        limits.put(
                ApiBucket.OPENPROSPECT,
                ApiBudgets.Limit.adaptive(
                        openProspectRate,
                        settings.integer("bridge.openprospect.burst"),
                        settings.decimal("bridge.openprospect.min-rate"),
                        settings.decimal("bridge.openprospect.max-rate")));
        limits.put(
                ApiBucket.ORBIT_STARTS,
                ApiBudgets.Limit.fixed(
                        settings.decimal("bridge.orbit.start-rate"), settings.integer("bridge.orbit.start-burst")));
        limits.put(
                ApiBucket.ORBIT_READS,
                ApiBudgets.Limit.adaptive(
                        orbitReadRate,
                        settings.integer("bridge.orbit.read-burst"),
                        settings.decimal("bridge.orbit.read-min-rate"),
                        settings.decimal("bridge.orbit.read-max-rate")));
        ApiBudgets.Policy policy = new ApiBudgets.Policy(
                settings.number("bridge.budget.default-pause-ms"),
                retryAfterCapMs,
                settings.decimal("bridge.budget.decrease-factor"),
                settings.decimal("bridge.budget.increase-step"),
                settings.number("bridge.budget.increase-interval-ms"));
        return liveness.isShared()
                ? ApiBudgets.shared(
                        store, credentials, limits, policy, System::currentTimeMillis, liveness.storeNanos())
                : ApiBudgets.local(limits, policy, System::currentTimeMillis, store, credentials);
    }

    /**
     * Calls out at once per bucket and per API of a key: 1 lets no call leave before the answer of the one before has
     * been read, so none is on its way when a 429 or 503 opens a Retry-After window. With a shared store the places
     * are kept there, for every instance using the key.
     */
    private static CallGate callGate(
            BridgeSettings settings, long deadlineMs, DataSource shared, ApiCredentials credentials) {
        Map<ApiBucket, Integer> buckets = new EnumMap<>(ApiBucket.class);
        buckets.put(ApiBucket.OPENPROSPECT, settings.integer("bridge.openprospect.max-in-flight"));
        buckets.put(ApiBucket.ORBIT_STARTS, settings.integer("bridge.orbit.start-max-in-flight"));
        buckets.put(ApiBucket.ORBIT_READS, settings.integer("bridge.orbit.read-max-in-flight"));
        long placeHeldMs = Math.min(settings.number("bridge.http.slow-call-ms"), deadlineMs);
        warnOfCallsHoldingMostWorkers(settings);
        return new CallGate(
                buckets,
                Map.of(Api.ORBIT, settings.integer("bridge.orbit.max-in-flight")),
                placeHeldMs,
                // the limits belong to the key: with a shared store every instance using it takes its places there
                shared == null ? null : new SharedCallPlaces(shared, credentials, placeHeldMs));
    }

    /**
     * Each call in flight holds a job worker until its answer or its deadline, and slow calls hand their places on
     * only while their API holds fewer than half the workers: an API allowed more calls than that at once holds,
     * while its answers hang, workers the other API's jobs need (black-box check: Orbit results took 62-102 s instead
     * of 6 with 16 OpenProspect calls allowed and none answered).
     */
    private static void warnOfCallsHoldingMostWorkers(BridgeSettings settings) {
        int workers = settings.integer("bridge.poll.concurrency");
        int half = workers / 2;
        if (half == 0) {
            return; // one worker: the APIs share it whatever their limits
        }
        warnIfMoreThan(
                half,
                workers,
                "bridge.openprospect.max-in-flight",
                settings.integer("bridge.openprospect.max-in-flight"));
        warnIfMoreThan(
                half,
                workers,
                "bridge.orbit.max-in-flight (with its start and read places)",
                Math.min(
                        settings.integer("bridge.orbit.max-in-flight"),
                        // as a long: two keys of 2,147,483,647 each overflowed, and the warning was skipped
                        (int) Math.min(
                                Integer.MAX_VALUE,
                                (long) settings.integer("bridge.orbit.start-max-in-flight")
                                        + settings.integer("bridge.orbit.read-max-in-flight"))));
    }

    private static void warnIfMoreThan(int half, int workers, String key, int allowed) {
        if (allowed > half) {
            LOG.warn(
                    "{} lets {} calls out at once, more than half of bridge.poll.concurrency ({} workers): should that"
                            + " API's answers hang, its calls hold workers the other API's jobs need; keep it at {} or"
                            + " less",
                    key,
                    allowed,
                    workers,
                    half);
        }
    }

    /** Stable across restarts of the same installation, distinct for instances with their own data folders. */
    private static String defaultInstanceId(Path data) {
        return HostName.ofThisMachine() + ":" + data.toAbsolutePath().normalize();
    }
}
