package io.profilebridge.job;

import java.nio.file.Path;
import java.sql.SQLException;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

/** Opens the pooled job-store connection and brings its schema up to date (one migration set, H2 and PostgreSQL). */
public final class JobStoreDataSource {

    private JobStoreDataSource() {
    }

    /** The default store: an H2 file under the data folder, kept open until the bridge closes the pool itself. */
    public static String defaultUrl(Path dataFolder) {
        // H2's own write delay (500 ms) applies: the writes that must survive a SIGKILL (a new job, before its inbox
        // file moves or its JMS message is acknowledged; a final state) are flushed by the job store itself
        return "jdbc:h2:file:" + dataFolder.toAbsolutePath().resolve("jobstore") + ";DB_CLOSE_ON_EXIT=FALSE";
    }

    public static boolean isPostgres(String url) {
        return url.startsWith("jdbc:postgresql:");
    }

    /** The connection pool, with the schema brought up to date; closed again when that fails, as nothing can use it. */
    public static HikariDataSource open(String url, String user, String password, int poolSize) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setUsername(user);
        config.setPassword(password);
        config.setMaximumPoolSize(poolSize);
        config.setPoolName("job-store");
        config.setDriverClassName(isPostgres(url) ? "org.postgresql.Driver" : "org.h2.Driver");
        HikariDataSource dataSource = new HikariDataSource(config);
        try {
            JobStoreSchema.migrate(url, user, password);
        } catch (SQLException | RuntimeException e) {
            dataSource.close();
            throw new JobStoreException("cannot bring the job store schema up to date", e);
        }
        return dataSource;
    }
}
