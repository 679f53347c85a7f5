package io.profilebridge;

import io.profilebridge.jms.BrokerAccounts;
import io.profilebridge.jms.BrokerAddresses;
import io.profilebridge.jms.EmbeddedBroker;
import io.profilebridge.job.StoreEngine;
import io.profilebridge.openprospect.OpenProspectRoutes;
import io.profilebridge.orbit.OrbitRoutes;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.LoggerFactory;

/**
 * The values of the configuration checked together before anything opens, so that a bad one stops the start with one
 * line naming its key instead of a component's own message (or a bridge that starts and never takes a file): the
 * values the routes and Camel's components read for themselves (placeholders in the YAML routes, the API roots, the
 * store URL), and the bounds of the bridge's own (rates, bursts, threads, timers, modes) beyond what
 * {@link BridgeSettings} checks of every number as it reads it.
 */
final class PropertyChecks {

    private static final Pattern ASCII_DIGITS = Pattern.compile("[0-9]{1,5}");

    private static final Pattern REDELIVERIES = Pattern.compile("-1|[0-9]{1,9}");
    private static final Pattern DURATION = Pattern.compile("[0-9]{1,18}|([0-9]{1,9}(ms|s|m|h|d))+");

    /** What a queue's name must not hold: it is read into an endpoint URI. */
    private static final Pattern URI_SYNTAX_IN_QUEUE = Pattern.compile("[?&%#{}\\s]");

    /** The fewest pooled connections a PostgreSQL store works with. */
    static final int MIN_SHARED_STORE_CONNECTIONS = 2;

    /** A user (and password) before the host of a {@code jdbc:postgresql://} URL. */
    private static final Pattern STORE_USER_INFO = Pattern.compile("(?i)^jdbc:postgresql://[^/?]*@");

    private static final Pattern FILE_MODE = Pattern.compile("[0-7]{3}");

    /** The most calls a second a budget may give one API key (benchmarks lift the limit with 100,000). */
    private static final double MAX_RATE = 1_000_000;
    /** The shortest period of a timer of the bridge's. */
    private static final long MIN_TIMER_MS = 10;
    /** The shortest age at which a read-lock marker may count as orphaned. */
    private static final long MIN_ORPHANED_LOCK_MS = 5_000;

    private static final long MIN_ANSWER_BYTES = 65_536;
    /** The most threads (or store connections) one setting may ask for. */
    private static final int MAX_THREADS = 1000;
    /** A ? or # written %3F or %23. */
    private static final Pattern ENCODED_QUERY_OR_FRAGMENT = Pattern.compile("%(3[fF]|23)");
    /** New runs of one request after runs that failed: each Orbit run is paid for. */
    private static final int MAX_FAILED_RUN_RETRIES = 10;

    private static final String ORBIT_START_LIMIT =
            "Orbit's documented limit of Deep Search starts: 5 a second per API key, bursts up to 25";
    private static final Pattern BEARER_TOKEN = Pattern.compile("[A-Za-z0-9._~+/-]+=*");

    /**
     * The schemes by which Artemis's core client reaches a broker of another process: a connector, or a discovery
     * group. vm:// reaches a broker in this process, which the bridge never has beside an external one. Artemis reads
     * them in lower case only ("Schema TCP not found").
     */
    private static final Set<String> BROKER_SCHEMES = Set.of("tcp", "udp", "jgroups");

    /** Camel's switch for its developer consoles on the management server ({@code /q/dev}). */
    private static final String DEV_CONSOLES = "camel.management.dev-console-enabled";

    private PropertyChecks() {}

    static void check(BridgeSettings settings) {
        checkProfile(settings, BridgeMain.profile());
        checkFolders(settings);
        checkTimers(settings);
        checkCamelOptions(settings);
        checkSwitches(settings);
        checkBudgets(settings);
        checkPools(settings);
        // retrykeys audit: 1000000 was taken, a paid Orbit run after every failure until the request's age
        for (String key : List.of("bridge.retry.openprospect-failed-runs", "bridge.retry.orbit-failed-runs")) {
            atMost(settings, key, settings.integer(key), MAX_FAILED_RUN_RETRIES, "new runs after runs that failed");
        }
        checkManagementAndLaunch(settings);
        checkModes(settings);
        checkApis(settings);
        checkJms(settings);
        checkSandbox(settings);
        checkStore(settings);
    }

    /**
     * A profile is chosen before any properties file is read (CAMEL_MAIN_PROFILE, -Dcamel.main.profile): one named only
     * in a file chose nothing, while the start-up banner named it (integrator audit: camel.main.profile = sandbox in
     * config/application.properties printed "profile sandbox" over the production APIs and no simulator).
     */
    static void checkProfile(BridgeSettings settings, Optional<String> chosen) {
        String named = settings.orNull("camel.main.profile");
        if (named != null && !Optional.of(named).equals(chosen)) {
            throw new StartupFailure("property camel.main.profile (\"" + named + "\") is set in a properties file,"
                    + " which is read once the profile is chosen: set CAMEL_MAIN_PROFILE=" + named
                    + " (or -Dcamel.main.profile=" + named + ") instead, and remove it from the file");
        }
        if (chosen.equals(Optional.of(CLUSTER_PROFILE))) {
            // manifests audit: an empty key of the Secret behind BRIDGE_STORE_URL overrode the profile's URL, and the
            // pod kept its jobs in an embedded store on its emptyDir, no word said, lost with the pod
            sharedByTheCluster(settings, "bridge.store.url", "PostgreSQL job store", "an embedded store of its own");
            if (settings.flag("bridge.jms.enabled")) {
                sharedByTheCluster(settings, "bridge.jms.broker-url", "broker", "an embedded broker of its own");
            }
        }
    }

    /** The profile of several instances sharing one store and one broker (config/application-cluster.properties). */
    static final String CLUSTER_PROFILE = "cluster";

    private static void sharedByTheCluster(BridgeSettings settings, String key, String shared, String instead) {
        if (settings.optional(key).isEmpty()) {
            throw new StartupFailure("property " + key + " is empty under the profile " + CLUSTER_PROFILE
                    + ", whose instances share one " + shared + ": this one would start with " + instead
                    + ", which no other instance sees. Is " + UnknownSettings.variable(key)
                    + " set to an empty value (an empty key of a"
                    + " Secret)?");
        }
    }

    /** Folders: none with a character that a JDBC URL or Camel's file endpoint reads as syntax; the inbox's times. */
    private static void checkFolders(BridgeSettings settings) {
        // the data folder first: a placeholder location that leaves the packaged defaults out is named by this key
        folderWithout(settings, "bridge.data", ";", "the embedded store's JDBC URL would read its settings from there");
        for (String key : List.of("bridge.inbox", "bridge.outbox")) {
            folderWithout(settings, key, "%", "Camel's file endpoint reads it as an escape (in%41 would be inA)");
            folderWithout(settings, key, "?", "Camel's file endpoint reads its options from there");
        }
        for (String key : List.of(
                "bridge.inbox.stable-ms",
                "bridge.inbox.orphaned-lock-ms",
                "bridge.inbox.incomplete-ms",
                "bridge.inbox.undelivered-wait-ms")) {
            settings.number(key);
        }
        // a live take's marker is dated anew once half this old, looked at every quarter of it but at most once a
        // second: below this a live marker could age past the limit, and another instance take its file a second
        // time (file-coordination audit)
        if (settings.number("bridge.inbox.orphaned-lock-ms") < MIN_ORPHANED_LOCK_MS) {
            throw new StartupFailure("property bridge.inbox.orphaned-lock-ms must be at least " + MIN_ORPHANED_LOCK_MS
                    + " (milliseconds: a live instance dates its markers anew at most once a second), not \""
                    + settings.text("bridge.inbox.orphaned-lock-ms") + "\"");
        }
    }

    /** Timers that wake the process. */
    private static void checkTimers(BridgeSettings settings) {
        // timers that wake the process: at 1 ms (seconds meant, ms read) an idle bridge spent 42% of a core on the
        // poll tick alone (configuration audit)
        for (String key : List.of(
                "bridge.poll.tick-ms",
                "bridge.inbox.poll-ms",
                "bridge.inbox.folder-check-ms",
                "bridge.progress.interval-ms",
                "bridge.status.backlog-sample-ms")) {
            if (settings.number(key) < MIN_TIMER_MS) {
                throw new StartupFailure("property " + key + " must be at least " + MIN_TIMER_MS
                        + " (milliseconds, a timer that wakes the process), not \"" + settings.text(key) + "\"");
            }
        }
    }

    /** Camel's own options that the packaged file sets. */
    private static void checkCamelOptions(BridgeSettings settings) {
        // Camel's own, in whole seconds: it took "abc" or -5 without a word and stopped at once on SIGTERM, where
        // in-flight work has this long to finish, and 3000000000 for its default of 45 (configuration audits)
        settings.integer("camel.main.shutdown-timeout");
        settings.integer("bridge.jms.concurrent-consumers");
        // Camel's own HTTP options the packaged file sets: Camel 4.18 passed over connect-timeout=abc without a word
        // and the calls went on with the component's default (README audit)
        long deadline = settings.number("bridge.http.deadline-ms");
        for (String scheme : List.of("http", "https")) {
            String component = "camel.component." + scheme + ".";
            settings.number(component + "connect-timeout");
            for (String option : List.of("response-timeout", "so-timeout")) {
                warnWhenShorterThanTheDeadline(component + option, settings.number(component + option), deadline);
            }
            settings.integer(component + "connections-per-route");
            settings.flag(component + "automatic-retries-disabled");
            settings.flag(component + "redirect-handling-disabled");
            settings.flag(component + "cookie-management-disabled");
        }
        // the intake's redelivery policies the packaged file sets, by Camel's own rules (0, -1 for ever, "5s"): "abc"
        // and -5 passed without a word, and "soon" stopped the start with a StringIndexOutOfBoundsException naming no
        // key (configuration audit)
        for (String policy : List.of("camel.beans.intakeRetries.", "camel.beans.jmsIntakeRetries.")) {
            String redeliveries = settings.text(policy + "maximum-redeliveries");
            if (!REDELIVERIES.matcher(redeliveries).matches()) {
                throw new StartupFailure("property " + policy + "maximum-redeliveries must be a whole number, -1 for"
                        + " ever, not \"" + redeliveries + "\"");
            }
            duration(settings, policy + "redelivery-delay");
            settings.decimal(policy + "back-off-multiplier");
            settings.flag(policy + "use-exponential-back-off");
        }
        duration(settings, "camel.beans.jmsIntakeRetries.maximum-redelivery-delay");
    }

    /**
     * A read time-out below the calls' deadline cuts every slower answer there, the deadline never reached: a config
     * file copied from an earlier release sets 30000, where this one follows bridge.http.deadline-ms (upgrade audit: a
     * deadline raised to 60 s still cut calls at 30 s, no word said). A warning: a shorter wait per read may be meant.
     */
    private static void warnWhenShorterThanTheDeadline(String key, long timeout, long deadline) {
        if (timeout > 0 && timeout < deadline) {
            LoggerFactory.getLogger(PropertyChecks.class)
                    .warn(
                            "{} ({} ms) is shorter than bridge.http.deadline-ms ({} ms): an answer slower than that is"
                                    + " cut there, the deadline never reached. Remove the key to follow the deadline"
                                    + " (a config file copied from an earlier release sets 30000)",
                            key,
                            timeout,
                            deadline);
        }
    }

    /** A time as Camel reads it: milliseconds, or with units ({@code 5s}, {@code 1m30s}); Camel took "abc" for 0. */
    private static void duration(BridgeSettings settings, String key) {
        String value = settings.text(key);
        if (!DURATION.matcher(value).matches()) {
            throw new StartupFailure("property " + key
                    + " must be milliseconds or a time with units (5s, 1m30s), not \"" + value + "\"");
        }
    }

    /** Every on/off switch, true or false. */
    private static void checkSwitches(BridgeSettings settings) {
        for (String key : List.of(
                "bridge.jms.enabled",
                "bridge.metrics.camel-and-jvm",
                "bridge.poll.learn-run-times",
                "bridge.cli-connector.enabled",
                "sandbox.enabled",
                // Camel's own switches the packaged file sets: Camel names only the type it could not convert to
                "camel.main.jmx-enabled",
                "camel.management.enabled",
                "camel.management.health-check-enabled",
                "camel.management.metrics-enabled",
                "camel.metrics.enabled",
                "camel.mdc.enabled",
                "camel.opentelemetry2.enabled")) {
            settings.flag(key);
        }
    }

    /** The API keys' budgets: rates within their bounds and Orbit's documented start limit. */
    private static void checkBudgets(BridgeSettings settings) {
        double cut = settings.decimal("bridge.budget.decrease-factor");
        if (cut >= 1) {
            throw new StartupFailure("property bridge.budget.decrease-factor must be less than 1 (a 429 cuts the rate"
                    + " by it, 0.5 halves it), not \"" + settings.text("bridge.budget.decrease-factor") + "\"");
        }
        for (String prefix : List.of("bridge.openprospect.", "bridge.orbit.read-")) {
            double min = settings.decimal(prefix + "min-rate");
            double max = settings.decimal(prefix + "max-rate");
            if (min > max) {
                // an adaptive rate between them could never settle (audit: accepted, and the rate went past max)
                throw new StartupFailure("property " + prefix + "min-rate must not be more than " + prefix
                        + "max-rate (" + settings.text(prefix + "max-rate") + "), not \""
                        + settings.text(prefix + "min-rate")
                        + "\"");
            }
            // configuration audit: a rate of 500 with a max-rate of 200 started at 500
            String rate = prefix + "rate";
            double value = settings.decimal(rate);
            if (value < min || value > max) {
                throw new StartupFailure("property " + rate + " must lie between " + prefix + "min-rate ("
                        + settings.text(prefix + "min-rate") + ") and " + prefix + "max-rate ("
                        + settings.text(prefix + "max-rate") + "), not \"" + settings.text(rate) + "\"");
            }
        }
        for (String rate : List.of(
                "bridge.openprospect.rate",
                "bridge.openprospect.max-rate",
                "bridge.orbit.read-rate",
                "bridge.orbit.read-max-rate",
                "bridge.orbit.start-rate")) {
            // a budget's refill period is a whole number of nanoseconds (audit: 1e10 made it 0, and the start failed
            // with Bucket4j's "0 is wrong value for period of bandwidth")
            atMost(settings, rate, settings.decimal(rate), MAX_RATE, "calls a second to one API key");
        }
        // the Orbit docs: "5 requests per second per API key, with bursts up to 25"; more is answered 429, which the
        // contract promises never to provoke (configuration audit: 50 and 1000 were accepted)
        atMost(settings, "bridge.orbit.start-rate", settings.decimal("bridge.orbit.start-rate"), 5, ORBIT_START_LIMIT);
        atMost(
                settings,
                "bridge.orbit.start-burst",
                settings.integer("bridge.orbit.start-burst"),
                25,
                ORBIT_START_LIMIT);
    }

    /** Threads, connections and calls out at once. */
    private static void checkPools(BridgeSettings settings) {
        // threads and connections: a pool of 2,000,000,000 took 2 GB in 13 s and would not stop on SIGTERM
        for (String key : List.of(
                "bridge.store.pool-size",
                "bridge.inbox.concurrency",
                "bridge.poll.concurrency",
                "bridge.jms.concurrent-consumers")) {
            atMost(settings, key, settings.integer(key), MAX_THREADS, "threads or connections");
        }
        // calls out at once, and how long a place is held: read here so that a 0 (no call would ever leave) is named
        // before anything opens
        for (String key : List.of(
                "bridge.openprospect.max-in-flight",
                "bridge.orbit.start-max-in-flight",
                "bridge.orbit.read-max-in-flight",
                "bridge.orbit.max-in-flight",
                "bridge.http.slow-call-ms")) {
            settings.number(key);
        }
    }

    /** The management port and how the JVM is launched. */
    private static void checkManagementAndLaunch(BridgeSettings settings) {
        settings.optional(StartupChecks.MANAGEMENT_PORT_KEY).ifPresent(PropertyChecks::port);
        // Camel Main binds a -D value, where placeholders see CAMEL_MANAGEMENT_PORT first: both are checked (third
        // black-box audit: -Dcamel.management.port=abc beside the variable listened on a random port)
        Optional.ofNullable(System.getProperty(StartupChecks.MANAGEMENT_PORT_KEY))
                .ifPresent(PropertyChecks::port);
        JitMode.SETTING.checkConfigured(settings.text(JitMode.KEY));
        ClassPreloader.SETTING.checkConfigured(settings.text(ClassPreloader.SETTING.key()));
        Relaunch.SETTING.checkConfigured(settings.text(Relaunch.SETTING.key()));
    }

    /**
     * Camel's management login without its accounts: Camel then asks no one for a login, and served every path to
     * anyone without a word (re-check audit).
     */
    static void refuseLoginWithoutAccounts(boolean login, boolean accounts) {
        if (login && !accounts) {
            throw new StartupFailure("property camel.management.authentication-enabled needs"
                    + " camel.management.basic-properties-file (or camel.management.jwt-keystore-path): without it"
                    + " Camel asks for no login and the management port answers anyone");
        }
    }

    /**
     * Camel 4.18's {@code /observe/info} reads the context's JMX bean: without JMX (the default) it answered every
     * request with a 500 and an ERROR line carrying a NullPointerException's stack trace (secrets audit).
     */
    static void refuseInfoWithoutJmx(boolean info, boolean jmx) {
        if (info && !jmx) {
            throw new StartupFailure("property camel.management.info-enabled needs camel.main.jmx-enabled=true:"
                    + " Camel's /observe/info reads the context's JMX bean, and without it fails every request");
        }
    }

    /**
     * Camel's management switches that give whoever reaches the port, which answers without a login, the bridge's
     * secrets or its files, by key, with what they would do: the developer consoles read any property through
     * eval-language (secrets audit); send reads the process's environment through a file: endpoint, and upload writes
     * and deletes files above the routes folder and route files the next start loads (management-security audit).
     */
    private static final Map<String, String> MANAGEMENT_POWERS = new LinkedHashMap<>();

    static {
        MANAGEMENT_POWERS.put(
                DEV_CONSOLES,
                "serve Camel's developer consoles on the management port, which answers without a login: they read"
                        + " every property, the API keys and passwords included, and send to any endpoint");
        MANAGEMENT_POWERS.put(
                "camel.management.send-enabled",
                "serve /q/send on the management port, which answers without a login: it sends to any endpoint, and a"
                        + " file: endpoint reads the process's environment, the API keys and passwords included");
        MANAGEMENT_POWERS.put(
                "camel.management.upload-enabled",
                "serve /q/upload on the management port, which answers without a login: it writes and deletes files,"
                        + " above the routes folder too, and route files the next start runs");
        MANAGEMENT_POWERS.put(
                "camel.management.download-enabled",
                "serve /q/download on the management port, which answers without a login: it hands out the route"
                        + " files, and whatever a route of your own writes in them");
    }

    /**
     * Refuses each of {@link #MANAGEMENT_POWERS} that is on. Asked of Camel's own reading of its
     * {@code camel.management.*} keys, which takes every spelling ({@code devConsoleEnabled}, the variable
     * {@code CAMEL_MANAGEMENT_DEVCONSOLEENABLED}).
     *
     * @param enabled whether Camel reads each of those keys as on, by key
     */
    static void refuseManagementPowers(Map<String, Boolean> enabled) {
        MANAGEMENT_POWERS.forEach((key, what) -> {
            if (enabled.getOrDefault(key, false)) {
                throw new StartupFailure("property " + key + " would " + what + ". Leave it unset; the status page,"
                        + " /jobs, health, metrics and jcmd show what an operator needs");
            }
        });
    }

    /** File and folder modes the bridge's own user can work with. */
    private static void checkModes(BridgeSettings settings) {
        for (String key : List.of("bridge.outbox.file-mode", "bridge.outbox.folder-mode", "bridge.inbox.folder-mode")) {
            String mode = settings.text(key);
            if (!FILE_MODE.matcher(mode).matches()) {
                throw new StartupFailure(
                        "property " + key + " must be three octal digits such as 640, not \"" + mode + "\"");
            }
        }
        // the bridge's own user writes its results into those folders (configuration audit: with 000 the outbox was
        // made d---------, and every result waited for ever)
        ownerMay(settings, "bridge.outbox.folder-mode", 7, "read, write and enter (7xx)", "make its results there");
        ownerMay(settings, "bridge.outbox.file-mode", 6, "read and write (6xx)", "write and rename its results");
        ownerMay(settings, "bridge.inbox.folder-mode", 7, "read, write and enter (7xx)", "take and move the requests");
    }

    /** The APIs' base URLs and keys, and what the bridge reads of their answers. */
    private static void checkApis(BridgeSettings settings) {
        // lifecycle audit: at 100 bytes every start answer was cut off after the run had been charged, and each
        // request given up; an answer the API documents fits well below this
        if (settings.number("bridge.http.max-answer-bytes") < MIN_ANSWER_BYTES) {
            throw new StartupFailure("property bridge.http.max-answer-bytes must be at least " + MIN_ANSWER_BYTES
                    + " (bytes: an API answer cut off short is a charged run given up), not \""
                    + settings.text("bridge.http.max-answer-bytes") + "\"");
        }
        apiRoot("openprospect.base-url", settings.text("openprospect.base-url"), OpenProspectRoutes.PATH);
        apiRoot("orbit.base-url", settings.text("orbit.base-url"), OrbitRoutes.PATH);
        for (String key : List.of("openprospect.api-key", "orbit.api-key")) {
            settings.optional(key).map(String::trim).ifPresent(apiKey -> bearerToken(key, apiKey));
        }
    }

    /** The JMS queues and broker addresses. */
    private static void checkJms(BridgeSettings settings) {
        if (settings.flag("bridge.jms.enabled")) {
            resultQueuesApartFromRequests(settings);
            Optional<String> brokerUrl = settings.optional("bridge.jms.broker-url");
            if (brokerUrl.isEmpty()) {
                embeddedBrokerCap(settings);
                embeddedBrokerAccountsApart(settings);
                URI broker = embeddedBrokerAddress(settings.text("bridge.jms.embedded-url"));
                notTheManagementPort(settings, "bridge.jms.embedded-url", broker.getPort());
            } else {
                brokerAddresses(brokerUrl.get());
            }
        }
    }

    /** The sandbox's port. */
    private static void checkSandbox(BridgeSettings settings) {
        if (settings.flag("sandbox.enabled")) {
            settings.optional("sandbox.port")
                    .filter(PropertyChecks::isPort)
                    .ifPresent(port -> notTheManagementPort(settings, "sandbox.port", Integer.parseInt(port)));
        }
    }

    /** The shared store's URL. */
    private static void checkStore(BridgeSettings settings) {
        settings.optional("bridge.store.url").ifPresent(url -> {
            if (StoreEngine.find(url).isEmpty()) {
                // shown up to its parameters, as the start-up banner shows it: they may carry a password
                throw new StartupFailure(
                        "property bridge.store.url must be a jdbc:postgresql: URL (or jdbc:h2:), not \""
                                + Urls.shown(url) + "\"");
            }
            // the PostgreSQL driver reads "user:password@host" as the host, and its failure named it in full (secrets
            // audit: a libpq URI copied with jdbc: in front)
            if (STORE_USER_INFO.matcher(url).find()) {
                throw new StartupFailure("property bridge.store.url must not hold a user or password before its host"
                        + " (\"" + Urls.shown(url) + "\"): set bridge.store.user and bridge.store.password");
            }
            // configuration audit: with one connection a claim waited for ever for the one it held, the heartbeat
            // lapsed every 5 s and no job left "received"
            if (StoreEngine.find(url).orElseThrow() == StoreEngine.POSTGRES
                    && settings.integer("bridge.store.pool-size") < MIN_SHARED_STORE_CONNECTIONS) {
                throw new StartupFailure("property bridge.store.pool-size must be at least "
                        + MIN_SHARED_STORE_CONNECTIONS + " with a PostgreSQL store (a claim holds a connection while"
                        + " it takes a shared call place with another), not \""
                        + settings.text("bridge.store.pool-size") + "\"");
            }
        });
    }

    /**
     * A result sent to the requests queue would come back as a request (the broker refuses the bridge that send, so
     * every result waited and was given up: README audit); a caller's JMSReplyTo naming it is refused the same way.
     */
    private static void resultQueuesApartFromRequests(BridgeSettings settings) {
        for (String key : List.of("bridge.jms.requests", "bridge.jms.results", "bridge.jms.failed")) {
            String queue = settings.text(key);
            // a queue's name goes into the routes' endpoint URIs: "res?timeToLive=1" set an option, and its results
            // went nowhere (configuration audit)
            if (URI_SYNTAX_IN_QUEUE.matcher(queue).find()) {
                throw new StartupFailure("property " + key + " must be a queue's name, without ?, &, %, #, braces or"
                        + " spaces, not \"" + queue + "\"");
            }
            // the broker's own addresses, as a caller's JMSReplyTo naming one is refused (re-check audit: results
            // named activemq.notifications waited for ever, refused)
            if (queue.toLowerCase(Locale.ROOT).startsWith("activemq.")) {
                throw new StartupFailure("property " + key + " must not name one of the broker's own addresses"
                        + " (activemq.*), not \"" + queue + "\"");
            }
        }
        String requests = settings.text("bridge.jms.requests");
        if (requests.equals(EmbeddedBroker.DEAD_LETTER_QUEUE)) {
            throw new StartupFailure("property bridge.jms.requests must name another queue than the dead-letter queue"
                    + " \"" + EmbeddedBroker.DEAD_LETTER_QUEUE + "\", where requests that could not be taken go");
        }
        for (String key : List.of("bridge.jms.results", "bridge.jms.failed")) {
            if (settings.text(key).equals(requests)) {
                throw new StartupFailure("property " + key + " must name another queue than bridge.jms.requests (\""
                        + requests + "\"): a result sent there would come back as a request");
            }
            // as a caller's JMSReplyTo naming it is refused (configuration audit: failed results went there, and
            // the status page counted them as requests whose every delivery failed)
            if (settings.text(key).equals(EmbeddedBroker.DEAD_LETTER_QUEUE)) {
                throw new StartupFailure("property " + key + " must name another queue than the dead-letter queue \""
                        + EmbeddedBroker.DEAD_LETTER_QUEUE + "\", which holds requests that could not be taken");
            }
        }
    }

    /**
     * The embedded broker's two accounts have a name each: with one name for both, the broker refused the bridge's own
     * login and JMS never worked, with only a warning (configuration audit).
     */
    private static void embeddedBrokerAccountsApart(BridgeSettings settings) {
        String bridge = settings.optional("bridge.jms.user").orElse(BrokerAccounts.BRIDGE_USER);
        if (bridge.equals(settings.text("bridge.jms.client-user"))) {
            throw new StartupFailure("property bridge.jms.client-user must name another account than the bridge's own"
                    + " (bridge.jms.user, \"" + bridge + "\") at the embedded broker");
        }
    }

    /**
     * Below this the embedded broker refused even a cut-down failed result, at every attempt until delivery gave up,
     * and its caller got nothing (at 1,000 nothing fitted beside the message's own header room).
     */
    private static void embeddedBrokerCap(BridgeSettings settings) {
        int diskUsage = settings.integer("bridge.jms.max-disk-usage");
        if (diskUsage > 100) {
            throw new StartupFailure(
                    "property bridge.jms.max-disk-usage must be a percentage of at most 100 (a full disk)," + " not \""
                            + settings.text("bridge.jms.max-disk-usage") + "\"");
        }
        long cap = settings.number("bridge.jms.max-message-bytes");
        if (cap < EmbeddedBroker.MIN_MESSAGE_BYTES) {
            throw new StartupFailure("property bridge.jms.max-message-bytes must be at least "
                    + EmbeddedBroker.MIN_MESSAGE_BYTES + " (bytes: a failed result, cut down to its ids and error,"
                    + " must fit in a message), not \"" + settings.text("bridge.jms.max-message-bytes") + "\"");
        }
    }

    private static void atMost(BridgeSettings settings, String key, double value, double most, String what) {
        if (value > most) {
            throw new StartupFailure("property " + key + " must be at most " + new BigDecimal(most) + " (" + what
                    + "), not \"" + settings.text(key) + "\"");
        }
    }

    /** The owner's digit of a mode must hold the {@code needed} bits. */
    private static void ownerMay(BridgeSettings settings, String key, int needed, String rights, String why) {
        String mode = settings.text(key);
        if (((mode.charAt(0) - '0') & needed) != needed) {
            throw new StartupFailure("property " + key + " must let the owner (the bridge's own user) " + rights
                    + ", which it needs to " + why + ", not \"" + mode + "\"");
        }
    }

    /**
     * A folder becomes part of a URI (a file endpoint's, the H2 store's): a character that means something there
     * would make it another folder, silently (configuration audit: an inbox "in%41" was read as "inA").
     */
    private static void folderWithout(BridgeSettings settings, String key, String character, String why) {
        String folder = settings.text(key);
        if (folder.contains(character)) {
            throw new StartupFailure("property " + key + " cannot hold \"" + character + "\" (\"" + folder + "\"): "
                    + why + "; name another folder");
        }
    }

    /**
     * A key goes out as {@code Authorization: Bearer <key>}, whose token has letters, digits, {@code -._~+/} and a
     * trailing {@code =} only (RFC 6750). Another character cannot be sent as written, and the log layouts' mask ends at
     * it (configuration audit: a key "..., TAIL" was logged as "Bearer ****, TAIL" by HttpClient's DEBUG loggers). The
     * key itself is never shown.
     */
    private static void bearerToken(String key, String apiKey) {
        if (!apiKey.isEmpty() && !BEARER_TOKEN.matcher(apiKey).matches()) {
            // worded so that the log layouts' mask (a word after "bearer") leaves the line readable
            throw new StartupFailure("property " + key + " holds a character no Authorization header can carry as"
                    + " written (RFC 6750 allows letters, digits, - . _ ~ + / and a trailing =); the key is not shown");
        }
    }

    /** Camel reads a port that is no number as none at all and listens on any free one, where no probe finds it. */
    private static void port(String value) {
        if (!isPort(value)) {
            throw new StartupFailure("property " + StartupChecks.MANAGEMENT_PORT_KEY
                    + " must be a port number from 0 to 65535 (0: any free port), not \"" + value + "\"");
        }
    }

    /** A refused port as a line shows it: one line, 20 characters at most. */
    private static String portNamed(String port) {
        return "its port \"" + ErrorText.shortened(ErrorText.oneLine(port), 20) + "\"";
    }

    /** A port a broker can listen on: not 0, which means "any free one" to a server (re-check audit: taken). */
    private static boolean isBrokerPort(String value) {
        return isPort(value) && Integer.parseInt(value) > 0;
    }

    /** A port number, 0 to 65535. */
    private static boolean isPort(String value) {
        // ASCII digits: Integer.parseInt takes any script's, which the management server did not (locale audit:
        // CAMEL_MANAGEMENT_PORT in Arabic-Indic digits passed, and the server listened on a random port)
        if (!ASCII_DIGITS.matcher(value).matches()) {
            return false;
        }
        try {
            int port = Integer.parseInt(value);
            return port >= 0 && port <= 65535;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static void apiRoot(String key, String value, String apiPath) {
        URI root = url(
                value,
                Set.of("http", "https"),
                false,
                "property " + key + " must be an http:// or https:// URL with a host, such as https://api.example.com,"
                        + " not \"" + Urls.shown(value) + "\"");
        // Camel finds no component for HTTP://, and a #fragment is no part of a URL sent (configuration audit: each
        // started, and failed at the first call with an exception naming no key)
        if (!root.getScheme().equals(root.getScheme().toLowerCase(Locale.ROOT)) || root.getRawFragment() != null) {
            throw new StartupFailure("property " + key + " must be an http:// or https:// URL with its scheme in lower"
                    + " case and no #fragment, not \"" + Urls.shown(value) + "\""
                    + (root.getRawFragment() != null ? " (its #fragment not shown)" : ""));
        }
        // the query went onto every call's URL after its path, and a name of camel-http's own would set an option of
        // the endpoint (placeholders audit: ?x=1 was taken)
        // Camel decodes an encoded ? or # in the path and cuts the path there (re-check audit: /prefix%3Fx=1 called
        // /prefix/v2/..., the rest of the root dropped without a word)
        if (root.getRawQuery() != null
                || ENCODED_QUERY_OR_FRAGMENT
                        .matcher(String.valueOf(root.getRawPath()))
                        .find()) {
            // readme-walk audit: the line showed the clean root alone, as if that were what it refused
            throw new StartupFailure("property " + key + " must be the API's root, without a ?query, not \""
                    + ENCODED_QUERY_OR_FRAGMENT.split(Urls.shown(value), 2)[0] + "\" (its query not shown)");
        }
        // the root the docs' curl lines begin with, copied with the API's own path: every call went to
        // /api/v1/api/v1/..., and every request failed 404 (configuration audit)
        String path = root.getRawPath() == null ? "" : root.getRawPath().replaceAll("/+$", "");
        if (path.endsWith(apiPath)) {
            throw new StartupFailure("property " + key + " must be the API's root, without " + apiPath
                    + ", which the bridge adds to every call, not \"" + Urls.shown(value) + "\"");
        }
        // HttpClient refuses such a URL at every call ("deprecated userinfo component"), and the key has its own
        // property (operations audit: it started, and every job was given up)
        if (root.getRawUserInfo() != null) {
            throw new StartupFailure("property " + key + " must not hold a user or password before its host (\""
                    + Urls.shown(value) + "\"): the API key goes in " + key.replace("base-url", "api-key"));
        }
    }

    /**
     * Two of the bridge's own listeners on one port: the one that binds second fails (contract audit: the management
     * server lost to the embedded broker, logged a warning, and the bridge ran on without health or metrics while
     * its banner named the broker's port as the status page's).
     */
    private static void notTheManagementPort(BridgeSettings settings, String key, int port) {
        Optional<String> management = settings.optional(StartupChecks.MANAGEMENT_PORT_KEY);
        if (management.isPresent() && isPort(management.get()) && Integer.parseInt(management.get()) == port) {
            throw new StartupFailure("property " + key + " names port " + port + ", which "
                    + StartupChecks.MANAGEMENT_PORT_KEY + " names too: give each its own port");
        }
    }

    /** The embedded broker's address, tcp://host:port: anything else is named by its key here, not by Netty later. */
    static URI embeddedBrokerAddress(String value) {
        return url(
                value,
                Set.of("tcp"),
                true,
                "property bridge.jms.embedded-url must be tcp://host:port, such as tcp://127.0.0.1:61616, not \""
                        + Urls.shown(value) + "\"");
    }

    /**
     * An external broker's URL is Artemis's to read (lists, failover, parameters); only what it reads wrongly is
     * refused here: an address of a scheme its core client does not take, or whose port is no port number (operations
     * audit: tcp://host:notaport started, and the client failed later with "port out of range:-1" and a stack trace).
     */
    static void brokerAddresses(String value) {
        List<BrokerAddresses.Address> addresses = BrokerAddresses.of(value);
        boolean named = !addresses.isEmpty()
                && !BrokerAddresses.hasPrefixBeforeList(value)
                && addresses.stream()
                        .allMatch(address -> BROKER_SCHEMES.contains(address.scheme())
                                && !address.host().isEmpty()
                                && (address.port() == null || isBrokerPort(address.port())));
        if (!named) {
            // matrix audit: amqp:// (the ESB's protocol in README's table) stopped the start with "Schema amqp not
            // found", naming no property; vm://0 started and looked for a broker in this process for ever; black-box
            // re-check: failover:(tcp://...) and tcp:// alone, the same without the property
            throw new StartupFailure("property bridge.jms.broker-url must name its broker as tcp://host:port,"
                    + " such as tcp://broker:61616 (the bridge speaks Artemis's core protocol; amqp:// and openwire"
                    + " are for the ESB's clients), not \"" + Urls.shown(value) + "\""
                    + addresses.stream()
                            .filter(address -> address.port() != null && !isBrokerPort(address.port()))
                            .findFirst()
                            // re-check audit: tcp://host:abc was told only the general rule
                            .map(address -> ": " + portNamed(address.port()) + " is no port number")
                            .orElse(""));
        }
    }

    /** A URL with one of the schemes and a host (and a port where one is required), or a start that stops on rule. */
    private static URI url(String value, Set<String> schemes, boolean portRequired, String rule) {
        URI uri;
        try {
            uri = new URI(value);
        } catch (URISyntaxException e) {
            throw new StartupFailure(rule + ": " + e.getReason());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        String authority = uri.getRawAuthority() == null ? "" : uri.getRawAuthority();
        String hostAndPort = authority.substring(authority.lastIndexOf('@') + 1);
        String afterHost =
                hostAndPort.startsWith("[") ? hostAndPort.substring(hostAndPort.indexOf(']') + 1) : hostAndPort;
        String port = afterHost.substring(afterHost.lastIndexOf(':') + 1);
        if (schemes.contains(scheme) && uri.getHost() == null && afterHost.contains(":") && !port.matches("[0-9]*")) {
            // CLI audit: "tcp://127.0.0.1:abc" was told its host was no name or address
            throw new StartupFailure(rule + ": " + portNamed(port) + " is no number");
        }
        if (schemes.contains(scheme)
                && uri.getHost() == null
                && !hostAndPort.isEmpty()
                && !hostAndPort.startsWith(":")) {
            // a host java.net.URI cannot read, which HttpClient and Artemis cannot either (ipv6 audit: "bücher.example"
            // and a Compose service "my_sim" were told they had no host)
            throw new StartupFailure(rule + ": its host is no name or address a URL may hold (a name of ASCII letters,"
                    + " digits, '-' and '.', an IPv6 address in brackets): write a non-ASCII name in its punycode form"
                    + " (xn--...), and a name without '_'");
        }
        if (!schemes.contains(scheme)
                || uri.getHost() == null
                || uri.getPort() > 65535
                || (portRequired && uri.getPort() < 1)) {
            throw new StartupFailure(rule);
        }
        return uri;
    }
}
