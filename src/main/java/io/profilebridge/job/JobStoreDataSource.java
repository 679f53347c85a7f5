package io.profilebridge.job;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.profilebridge.StartupFailure;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;

/** Opens the pooled job-store connection and brings its schema up to date (H2 and PostgreSQL). */
public final class JobStoreDataSource {

    private JobStoreDataSource() {}

    /**
     * The default store, as the contract names it: an H2 file under the data folder. (SQLite in WAL mode was tried
     * and dropped: on the whole bridge it was no faster, docs/benchmarks.md.)
     */
    public static String defaultUrl(Path dataFolder) {
        return "jdbc:h2:file:" + dataFolder.toAbsolutePath().resolve("jobstore") + ";DB_CLOSE_ON_EXIT=FALSE";
    }

    public static boolean isPostgres(String url) {
        return StoreEngine.of(url) == StoreEngine.POSTGRES;
    }

    /** The connection pool, with the schema brought up to date; closed again when that fails, as nothing can use it. */
    public static HikariDataSource open(String url, String user, String password, int poolSize) {
        return open(url, user, password, poolSize, false);
    }

    /**
     * The default store in the data folder. The folder keeps a note once its store was created ({@value #CREATED}):
     * a store file that went missing or was emptied since (a truncated copy, a restore gone wrong) is refused, naming
     * the file, instead of started empty while the taken inbox files and acknowledged JMS requests wait for results
     * that would never come. A store that cannot be opened names its file and what to do.
     */
    public static HikariDataSource openInDataFolder(Path data, int poolSize) throws IOException {
        Path file = data.toAbsolutePath().resolve("jobstore.mv.db");
        Path created = data.resolve(CREATED);
        boolean hadStore = Files.exists(created);
        HikariDataSource dataSource;
        try {
            dataSource = open(defaultUrl(data), "", "", poolSize, hadStore);
        } catch (StartupFailure e) {
            throw e;
        } catch (RuntimeException e) {
            throw new StartupFailure(
                    e.getCause() instanceof JobStoreSchema.StoreMissingException
                            ? "the job store " + file + " is empty or missing, although this folder had one ("
                                    + CREATED + "): it was emptied, replaced or removed. Restore it from a backup; to"
                                    + " start with an empty store instead (its pending jobs are lost), move the data"
                                    + " folder away"
                            : "the job store " + file + " cannot be opened (" + StartupFailure.describe(e)
                                    + "). If it is damaged, restore it from a backup (H2's Recover tool may save part"
                                    + " of it); if it is not writable, give the bridge's user write access to"
                                    + " bridge.data",
                    e);
        }
        if (!hadStore) {
            Files.writeString(
                    created,
                    "profile-bridge created its job store jobstore.mv.db here. While this note exists, a missing or"
                            + " empty store stops the start instead of starting empty.\n");
        }
        return dataSource;
    }

    /** The note a data folder keeps once its store was created. */
    static final String CREATED = "jobstore.created";

    private static HikariDataSource open(String url, String user, String password, int poolSize, boolean mustExist) {
        StoreEngine engine = StoreEngine.of(url);
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setUsername(user);
        config.setPassword(password);
        config.setMaximumPoolSize(poolSize);
        config.setPoolName("job-store");
        config.setDriverClassName(engine.driverClass());
        HikariDataSource dataSource = new HikariDataSource(config);
        try {
            JobStoreSchema.migrate(url, user, password, mustExist);
        } catch (StartupFailure e) {
            dataSource.close();
            throw e;
        } catch (SQLException | RuntimeException e) {
            dataSource.close();
            throw new JobStoreException("cannot bring the job store schema up to date", e);
        }
        return dataSource;
    }
}
