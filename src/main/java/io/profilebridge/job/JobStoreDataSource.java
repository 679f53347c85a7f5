package io.profilebridge.job;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.SQLExceptionOverride;
import io.profilebridge.StartupFailure;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Opens the pooled job-store connection and brings its schema up to date (H2 and PostgreSQL). */
public final class JobStoreDataSource {

    /** How long a statement waits for a connection of the pool (a store that is away). */
    static final long CONNECTION_TIMEOUT_MS = 5_000;

    /**
     * How long a PostgreSQL connection may go unanswered before its statement fails (the driver's {@code socketTimeout},
     * seconds). Without it a frozen or partitioned server held every connection of the pool until it came back, so
     * claims, saves and heartbeats waited without end (PostgreSQL audit); the bridge's statements take milliseconds, so
     * this only ends waits for an answer that is not coming. A {@code socketTimeout} in {@code bridge.store.url} wins.
     */
    static final int POSTGRES_READ_TIMEOUT_S = 30;

    /**
     * How long PostgreSQL keeps a session that stands still inside a transaction before it ends it, rolling it back
     * (its {@code idle_in_transaction_session_timeout}). The bridge's transactions take milliseconds, so one idle this
     * long belongs to an instance that stands still (SIGSTOP, a VM paused, a debugger): its locks held another
     * instance's intake of the same request, and the group commit it waited in, for as long as it stood (pause audit:
     * 18 s, for the whole pause). The takeover time: by then the other instances take its jobs over too. Set by a
     * statement once connected, not the driver's {@code options} start-up parameter, which PgBouncer refuses by
     * default; a URL that names the setting itself ({@code options=-c idle_in_transaction_session_timeout=...}) wins.
     */
    static final String POSTGRES_IDLE_IN_TRANSACTION = "10s";

    /**
     * How long PostgreSQL lets one of the bridge's statements run before it cancels it (its {@code statement_timeout}):
     * under the driver's read timeout, so a statement the bridge gives up on is ended by the server too. Otherwise one
     * waiting on a lock (an operator's {@code LOCK TABLE}, a long migration of another release) stayed queued on the
     * server after the driver closed its connection, and the pool opened another: about five more sessions per instance
     * every 30 s for as long as the lock lasted, which would use up {@code max_connections} for every client (read-only
     * store audit: 25 sessions of a pool of 10). Set as the idle timeout is; a URL that names it wins.
     */
    static final String POSTGRES_STATEMENT_TIMEOUT = (POSTGRES_READ_TIMEOUT_S - 5) + "s";

    private JobStoreDataSource() {}

    /**
     * The default store, as the contract names it: an H2 file under the data folder. (SQLite in WAL mode was tried
     * and dropped: on the whole bridge it was no faster, docs/benchmarks.md.)
     */
    public static String defaultUrl(Path dataFolder) {
        // no jobstore.trace.db: H2's errors reach the bridge's log as exceptions, and that file outlived failed starts
        return "jdbc:h2:file:" + dataFolder.toAbsolutePath().resolve("jobstore")
                + ";DB_CLOSE_ON_EXIT=FALSE;TRACE_LEVEL_FILE=0";
    }

    public static boolean isPostgres(String url) {
        return StoreEngine.of(url) == StoreEngine.POSTGRES;
    }

    /** The SET statements of each PostgreSQL session, but for the settings the URL names itself. */
    private static String sessionSettings(String url) {
        // PostgreSQL reads a setting's name in any case, with '-' for '_' (re-check audit)
        String named = url.toLowerCase(Locale.ROOT).replace('-', '_');
        return Stream.of(
                        Map.entry("idle_in_transaction_session_timeout", POSTGRES_IDLE_IN_TRANSACTION),
                        Map.entry("statement_timeout", POSTGRES_STATEMENT_TIMEOUT))
                .filter(setting -> !named.contains(setting.getKey()))
                .map(setting -> "SET " + setting.getKey() + " = '" + setting.getValue() + "'")
                .collect(Collectors.joining("; "));
    }

    /** The connection pool, with the schema brought up to date; closed again when that fails, as nothing can use it. */
    public static HikariDataSource open(String url, String user, String password, int poolSize) {
        HikariDataSource dataSource = pool(url, user, password, poolSize);
        try {
            JobStoreSchema.migrate(url, user, password);
        } catch (StartupFailure e) {
            dataSource.close();
            throw e;
        } catch (SQLException | RuntimeException e) {
            dataSource.close();
            throw new JobStoreException("cannot bring the job store schema up to date", e);
        }
        return dataSource;
    }

    /** The connection pool alone; it connects at once, so a store that cannot be opened fails here. */
    static HikariDataSource pool(String url, String user, String password, int poolSize) {
        return pool(url, user, password, poolSize, null);
    }

    /** As {@link #pool(String, String, String, int)}, with an override that sees every SQLException of the pool. */
    static HikariDataSource pool(
            String url, String user, String password, int poolSize, SQLExceptionOverride exceptions) {
        StoreEngine engine = StoreEngine.of(url);
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setUsername(user);
        config.setPassword(password);
        config.setMaximumPoolSize(poolSize);
        config.setPoolName("job-store");
        // a store that is away fails a statement in seconds, so the intake warns and the request waits in its inbox or
        // on its queue (store-failure audit: HikariCP's 30 s default held an inbox file that long per try, unlogged,
        // past its read-lock marker's age). Every user of the pool waits at most this long: the job workers, the
        // intake and the timers hold a connection for one statement or one group commit, milliseconds, so a wait
        // this long means the store is away
        config.setConnectionTimeout(CONNECTION_TIMEOUT_MS);
        config.setDriverClassName(engine.driverClass());
        if (engine == StoreEngine.POSTGRES) {
            // the driver reads these beneath the URL's own parameters
            config.addDataSourceProperty("socketTimeout", String.valueOf(POSTGRES_READ_TIMEOUT_S));
            String sessionSettings = sessionSettings(url);
            if (!sessionSettings.isEmpty()) {
                config.setConnectionInitSql(sessionSettings);
            }
        }
        if (exceptions != null) {
            config.setExceptionOverride(exceptions);
        }
        return new HikariDataSource(config);
    }
}
