package io.profilebridge.job;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A data source that can be handed out before the store is open: the store opens (and migrates its schema) on a
 * thread of its own while Camel loads the routes, and the first connection asked for waits until it has.
 */
public final class AwaitedDataSource implements DataSource {

    /** The opened data source; waits for it, or throws why it could not be opened. */
    @FunctionalInterface
    public interface Opened {
        DataSource await() throws Exception;
    }

    private final Opened opened;

    public AwaitedDataSource(Opened opened) {
        this.opened = opened;
    }

    private DataSource target() throws SQLException {
        try {
            return opened.await();
        } catch (SQLException e) {
            throw e;
        } catch (Exception e) {
            throw new SQLException("the job store did not open: " + e.getMessage(), e);
        }
    }

    @Override
    public Connection getConnection() throws SQLException {
        return target().getConnection();
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        return target().getConnection(username, password);
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return target().getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        target().setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        target().setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return target().getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException("java.util.logging is not used");
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
        return type.isInstance(this) ? type.cast(this) : target().unwrap(type);
    }

    @Override
    public boolean isWrapperFor(Class<?> type) throws SQLException {
        return type.isInstance(this) || target().isWrapperFor(type);
    }
}
