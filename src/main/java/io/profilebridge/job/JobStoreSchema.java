package io.profilebridge.job;

import io.profilebridge.StartupFailure;
import io.profilebridge.StoreClock;
import io.profilebridge.Urls;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.ResourceProvider;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.flywaydb.core.api.output.MigrateResult;
import org.flywaydb.core.api.resource.LoadableResource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The job store's schema, brought up to date by Flyway from the versioned scripts in {@code db/migration}. The
 * scripts are listed here instead of found by scanning the classpath (in the single jar that scan is slow), and a
 * test checks the list against the folder. {@code ${text}} and {@code ${binary}} become each database's types. A
 * store that the bridge's own migrations of earlier releases kept ({@code bridge_schema_version}) is taken over by
 * Flyway at the version it had reached.
 */
public final class JobStoreSchema {

    /** Every migration, in order. */
    public static final List<String> SCRIPTS = List.of(
            "V1__job_store.sql",
            "V2__rate_buckets.sql",
            "V3__previous_attempts.sql",
            "V4__rejected_requests.sql",
            "V5__claims_by_live_instances.sql",
            "V6__trace_context.sql",
            "V7__later_callers.sql",
            "V8__longer_keys.sql",
            "V9__instance_key_fingerprints.sql",
            "V10__shared_call_places.sql",
            "V11__unbounded_keys.sql",
            "V12__jobs_by_creation.sql",
            "V13__request_bodies.sql",
            "V14__result_name_claims.sql");

    private static final String LATEST = SCRIPTS.get(SCRIPTS.size() - 1);

    /**
     * The schema of every script above in one, which Flyway runs on an empty store instead of them (a baseline
     * migration): an empty store took about 0.4 s more to open than a migrated one, beside the start's own work on
     * two cores. {@code JobStoreTest.theBaselineGivesTheSchemaOfTheVersionedScripts} checks that it gives the schema
     * the scripts give.
     */
    public static final String BASELINE = "B14__baseline.sql";

    /**
     * The baselines earlier releases made stores with: Flyway validates the scripts a store applied, so each stays
     * listed (a B14 in B13's place failed every store made with B13: "Detected applied migration not resolved
     * locally: 13").
     */
    static final List<String> EARLIER_BASELINES = List.of("B13__baseline.sql");

    /** What Flyway is given: the versioned scripts and the baselines. */
    static final List<String> LISTED = Stream.of(SCRIPTS, EARLIER_BASELINES, List.of(BASELINE))
            .flatMap(List::stream)
            .toList();

    static final String FOLDER = "db/migration";
    /** Where the bridge's own migrations of earlier releases kept the versions they had applied. */
    static final String OWN_HISTORY = "bridge_schema_version";

    static final String FLYWAY_HISTORY = "flyway_schema_history";
    private static final Logger LOG = LoggerFactory.getLogger(JobStoreSchema.class);

    /**
     * A session that beat this recently is live: the longest takeover time a heartbeat is taken with
     * ({@link InstanceLiveness#CONTRACT_TAKEOVER_MS}).
     */
    private static final long LIVE_HEARTBEAT_MS = InstanceLiveness.CONTRACT_TAKEOVER_MS;

    /** How long a start waits for the live instances of an earlier release to stop before it migrates the store. */
    private static final long EARLIER_RELEASE_WAIT_MS = 30_000;

    /** Any fixed number: the PostgreSQL advisory lock that lets one instance at a time take over and migrate. */
    private static final long LOCK_ID = 0x70726f66696c65L;

    /** How often a start asks for the migration lock again while another session holds it. */
    private static final long LOCK_RETRY_MS = 250;

    /** A wait for the migration lock this long is named in the log. */
    private static final long LOCK_WAIT_TOLD_MS = 10_000;

    private JobStoreSchema() {}

    /**
     * Applies the scripts the store has not seen yet; returns how many. It connects on its own, outside the pool:
     * Flyway holds two connections while it works, the checks a third and the PostgreSQL lock a fourth.
     */
    public static int migrate(String url, String user, String password) throws SQLException {
        return migrate(url, user, password, false);
    }

    /**
     * As {@link #migrate(String, String, String)}; with {@code mustExist}, a store without any schema is refused
     * instead of created (it was created before, so it has been emptied or replaced). A store a newer release
     * migrated is always refused: this release would leave what that one keeps unused.
     */
    public static int migrate(String url, String user, String password, boolean mustExist) throws SQLException {
        return migrate(url, user, password, mustExist, EARLIER_RELEASE_WAIT_MS);
    }

    /** As {@link #migrate(String, String, String, boolean)}, waiting at most {@code earlierReleaseWaitMs}. */
    static int migrate(String url, String user, String password, boolean mustExist, long earlierReleaseWaitMs)
            throws SQLException {
        return migrate(url, user, password, mustExist, earlierReleaseWaitMs, LOCK_WAIT_TOLD_MS);
    }

    /** As {@link #migrate(String, String, String, boolean, long)}, naming a wait for the lock after {@code lockWaitToldMs}. */
    static int migrate(
            String url, String user, String password, boolean mustExist, long earlierReleaseWaitMs, long lockWaitToldMs)
            throws SQLException {
        boolean postgres = StoreEngine.of(url) == StoreEngine.POSTGRES;
        try (Connection lock = DriverManager.getConnection(url, user, password);
                Connection held = postgres ? DriverManager.getConnection(url, user, password) : null) {
            if (postgres) {
                // the wait before the lock: held through it, the lock kept every other start waiting too, of either
                // release (black-box audit: an earlier release's restart hung 20 s)
                if (tableExists(lock, FLYWAY_HISTORY) && !isUpToDate(lock)) {
                    awaitNoEarlierRelease(lock, url, earlierReleaseWaitMs);
                }
                holdMigrationLock(held, lockWaitToldMs);
            }
            boolean flywayHistory = tableExists(lock, FLYWAY_HISTORY);
            if (mustExist && !flywayHistory && !tableExists(lock, OWN_HISTORY)) {
                throw new StoreMissingException();
            }
            if (flywayHistory) {
                refuseNewerSchema(lock, url);
            }
            takeOverOwnHistory(lock, url, user, password);
            if (postgres && flywayHistory && !isUpToDate(lock)) {
                // once more under the lock, waiting no longer: one may have started meanwhile
                awaitNoEarlierRelease(lock, url, 0);
            }
            MigrateResult result = flyway(url, user, password).load().migrate();
            if (result.migrationsExecuted > 0) {
                LOG.info(
                        "Job store schema brought from version {} to {} ({})",
                        result.initialSchemaVersion == null ? "none" : result.initialSchemaVersion,
                        result.targetSchemaVersion,
                        result.migrationsExecuted == 1
                                ? "1 script applied"
                                : result.migrationsExecuted + " scripts applied");
            }
            return result.migrationsExecuted;
        }
    }

    /**
     * Waits until no instance of an earlier release beats in the shared store this start is about to migrate, and
     * refuses the start if one still does after {@code waitMs}: an earlier release beside a later one coordinates
     * result names, inbox markers and unmoved files differently, and once migrated it could not start again (upgrade
     * audit: the migration ran while an earlier instance took a third of the requests, without a word). An instance
     * killed just before beats no more within {@link #LIVE_HEARTBEAT_MS}, so the wait covers a stop by any means.
     */
    private static void awaitNoEarlierRelease(Connection c, String url, long waitMs) throws SQLException {
        if (!tableExists(c, "bridge_instance")) {
            return;
        }
        long until = System.nanoTime() + waitMs * 1_000_000;
        List<String> live = liveInstances(c);
        if (!live.isEmpty() && waitMs > 0) {
            LOG.warn(
                    "The job store {} is used by {} live instance(s) of an earlier release ({}): waiting up to {} s"
                            + " for them to stop before bringing its schema up to this release's",
                    Urls.shown(url),
                    live.size(),
                    String.join(", ", live),
                    waitMs / 1000);
        }
        while (!live.isEmpty() && System.nanoTime() - until < 0) {
            try {
                Thread.sleep(Math.min(1_000, Math.max(1, (until - System.nanoTime()) / 1_000_000)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            live = liveInstances(c);
        }
        if (!live.isEmpty()) {
            throw new StartupFailure("the job store " + Urls.shown(url) + " is used by " + live.size()
                    + " live instance(s) of an earlier release (" + String.join(", ", live) + "): stop them all,"
                    + " then start this release, which brings the store's schema up to its own (an earlier release"
                    + " beside it would claim result names and inbox files its own way, and could not start again)");
        }
    }

    /** The instance ids whose sessions beat in the store within {@link #LIVE_HEARTBEAT_MS}, by its clock. */
    private static List<String> liveInstances(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT DISTINCT instance_id FROM bridge_instance WHERE heartbeat_at >= "
                        + StoreClock.NOW_MS + " - " + LIVE_HEARTBEAT_MS + " ORDER BY instance_id")) {
            List<String> live = new ArrayList<>();
            while (rs.next()) {
                live.add(rs.getString(1));
            }
            return live;
        }
    }

    /** The store holds no schema although one was created before. */
    public static final class StoreMissingException extends SQLException {
        StoreMissingException() {
            super("it holds no job store");
        }
    }

    /**
     * Whether the store is at this release's schema: Flyway's history ends at the last listed script, with no failed
     * one, and no earlier release's own history waits to be taken over. A newer release's store is not: {@link
     * #migrate} refuses it.
     */
    static boolean isUpToDate(Connection c) throws SQLException {
        if (!tableExists(c, FLYWAY_HISTORY) || tableExists(c, OWN_HISTORY)) {
            return false;
        }
        History history = History.of(c);
        return !history.anyFailed() && history.newest().equals(latestKnown());
    }

    /** What Flyway's history table says: the newest version applied, and whether any script failed. */
    private record History(MigrationVersion newest, boolean anyFailed) {

        static History of(Connection c) throws SQLException {
            MigrationVersion newest = MigrationVersion.EMPTY;
            boolean anyFailed = false;
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT \"version\", \"success\" FROM \"" + FLYWAY_HISTORY
                            + "\" WHERE \"version\" IS NOT NULL")) {
                while (rs.next()) {
                    MigrationVersion applied = MigrationVersion.fromVersion(rs.getString(1));
                    newest = applied.compareTo(newest) > 0 ? applied : newest;
                    anyFailed |= !rs.getBoolean(2);
                }
            }
            return new History(newest, anyFailed);
        }
    }

    /** The schema version this release brings a store to: the last listed script's. */
    static int schemaVersion() {
        return Integer.parseInt(latestKnown().getVersion());
    }

    private static MigrationVersion latestKnown() {
        return MigrationVersion.fromVersion(
                LATEST.substring(1, LATEST.indexOf("__")).replace('_', '.'));
    }

    /**
     * A store migrated by a newer release (Flyway itself would ignore its "future" versions): a downgrade on it left
     * the JMS callers that release had recorded unanswered, with nothing in the log but Flyway's warning.
     */
    private static void refuseNewerSchema(Connection c, String url) throws SQLException {
        MigrationVersion known = latestKnown();
        MigrationVersion newest = History.of(c).newest();
        if (newest.compareTo(known) > 0) {
            throw new StartupFailure("the job store " + Urls.shown(url) + " was brought to schema version "
                    + newest
                    + " by a newer profile-bridge; this release knows versions up to " + known
                    + ". Run that release or a newer one on it: an older one would leave what the newer one keeps "
                    + "(JMS requests waiting for results, for one) unanswered");
        }
    }

    /**
     * A store of the earlier releases' own migrations: its version becomes Flyway's baseline, and its own history
     * goes. A Flyway history beside it stopped when those migrations took over (or is this takeover's, cut short),
     * so it is replaced; nothing is migrated before the own history is gone, so a cut-short takeover starts again.
     */
    private static void takeOverOwnHistory(Connection c, String url, String user, String password) throws SQLException {
        if (!tableExists(c, OWN_HISTORY)) {
            return;
        }
        int version = maxVersion(c);
        if (tableExists(c, FLYWAY_HISTORY)) {
            execute(c, "DROP TABLE \"" + FLYWAY_HISTORY + "\"");
        }
        flyway(url, user, password)
                .baselineVersion(String.valueOf(version))
                .baselineDescription("taken over from " + OWN_HISTORY)
                .load()
                .baseline();
        execute(c, "DROP TABLE " + OWN_HISTORY);
        LOG.info(
                "Job store schema of an earlier release ({} at version {}) taken over by Flyway", OWN_HISTORY, version);
    }

    /** Flyway on the listed scripts, with the store's own types for the placeholders; nothing is scanned. */
    static FluentConfiguration flyway(String url, String user, String password) {
        return flyway(url, user, password, LISTED);
    }

    /**
     * For tests: Flyway on the versioned scripts alone, without the baseline, building a store as the releases before
     * the baseline did (a start goes through {@link #flyway} with it).
     */
    static FluentConfiguration flywayWithoutBaseline(String url, String user, String password) {
        return flyway(url, user, password, SCRIPTS);
    }

    /** For tests: Flyway on the given scripts, as a release that listed those made its stores. */
    static FluentConfiguration flyway(String url, String user, String password, List<String> scripts) {
        StoreEngine engine = StoreEngine.of(url);
        return Flyway.configure(JobStoreSchema.class.getClassLoader())
                .dataSource(url, user, password)
                .resourceProvider(new ListedScripts(FOLDER, scripts))
                .javaMigrationClassProvider(List::of)
                .placeholders(
                        switch (engine) {
                            case H2 ->
                                Map.of(
                                        "text",
                                        "CHARACTER VARYING",
                                        "binary",
                                        "VARBINARY(65536)",
                                        "keyHashOfIdempotencyKey",
                                        "LOWER(RAWTOHEX(HASH('SHA-256', idempotency_key)))");
                            case POSTGRES ->
                                Map.of(
                                        "text",
                                        "TEXT",
                                        "binary",
                                        "BYTEA",
                                        "keyHashOfIdempotencyKey",
                                        "encode(sha256(convert_to(idempotency_key, 'UTF8')), 'hex')");
                        });
    }

    static boolean tableExists(Connection c, String name) throws SQLException {
        DatabaseMetaData meta = c.getMetaData();
        for (String candidate : List.of(name, name.toUpperCase(Locale.ROOT))) {
            try (ResultSet rs = meta.getTables(null, null, candidate, null)) {
                if (rs.next()) {
                    return true;
                }
            }
        }
        return false;
    }

    private static int maxVersion(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT MAX(version) FROM " + OWN_HISTORY)) {
            return rs.next() ? rs.getInt(1) : 0;
        }
    }

    /**
     * Takes the lock that lets one start at a time migrate, for as long as {@code held}'s transaction lasts: it ends
     * when the connection closes, whatever ends it. A session's lock outlived the start behind a transaction pooler
     * (PgBouncer keeps the server session when the client leaves), and every later start waited on it until its
     * statement timeout (PgBouncer audit: 5 of 5 restarts failed). The connection is a session of its own: the checks and
     * Flyway's baseline run beside it, each in its own transactions. No timeout of the session (a pooler's server
     * connection may carry another client's) cuts the wait for another start's migration or the hold through this one.
     */
    private static void holdMigrationLock(Connection held, long toldAfterMs) throws SQLException {
        held.setAutoCommit(false);
        execute(held, "SET LOCAL statement_timeout = 0");
        execute(held, "SET LOCAL idle_in_transaction_session_timeout = 0");
        long since = System.nanoTime();
        boolean told = false;
        while (!tryLock(held)) {
            if (!told && System.nanoTime() - since > toldAfterMs * 1_000_000) {
                told = true;
                // a start migrates in seconds; longer is a lock left behind (an earlier release's session lock on a
                // pooler's server connection) or a start that hangs
                LOG.warn(
                        "The job store's migration lock has been held for over {} s by the database session {}: another"
                                + " start migrating, or a lock an earlier release left on a pooler's server connection"
                                + " (PgBouncer: RECONNECT the database, or SELECT pg_terminate_backend of that pid);"
                                + " this start waits for it",
                        toldAfterMs / 1000,
                        lockHolder(held));
            }
            try {
                Thread.sleep(LOCK_RETRY_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SQLException("interrupted while waiting for the job store's migration lock", e);
            }
        }
    }

    private static boolean tryLock(Connection held) throws SQLException {
        try (Statement s = held.createStatement();
                ResultSet rs = s.executeQuery("SELECT pg_try_advisory_xact_lock(" + LOCK_ID + ")")) {
            return rs.next() && rs.getBoolean(1);
        }
    }

    /** The pid of the session holding the migration lock, as pg_locks shows it ("unknown" when it is gone). */
    private static String lockHolder(Connection held) throws SQLException {
        try (Statement s = held.createStatement();
                ResultSet rs = s.executeQuery("SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND"
                        + " ((classid::bigint << 32) | objid::bigint) = " + LOCK_ID)) {
            return rs.next() ? rs.getString(1) : "unknown";
        }
    }

    private static void execute(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    /** The listed scripts as Flyway's resources, read from the classpath by name. */
    private record ListedScripts(String folder, List<String> scripts) implements ResourceProvider {

        @Override
        public LoadableResource getResource(String name) {
            return scripts.contains(name) ? new Script(folder, name) : null;
        }

        @Override
        public Collection<LoadableResource> getResources(String prefix, String[] suffixes) {
            return scripts.stream()
                    .filter(name -> name.startsWith(prefix)
                            && List.of(suffixes).stream().anyMatch(name::endsWith))
                    .<LoadableResource>map(name -> new Script(folder, name))
                    .toList();
        }
    }

    private static final class Script extends LoadableResource {

        private final String folder;
        private final String name;

        Script(String folder, String name) {
            this.folder = folder;
            this.name = name;
        }

        @Override
        public Reader read() {
            InputStream in = JobStoreSchema.class.getClassLoader().getResourceAsStream(getAbsolutePath());
            if (in == null) {
                throw new IllegalStateException("migration " + getAbsolutePath() + " is missing from the classpath");
            }
            return new InputStreamReader(in, StandardCharsets.UTF_8);
        }

        @Override
        public String getAbsolutePath() {
            return folder + "/" + name;
        }

        @Override
        public String getAbsolutePathOnDisk() {
            return getAbsolutePath();
        }

        @Override
        public String getFilename() {
            return name;
        }

        @Override
        public String getRelativePath() {
            return name;
        }
    }
}
