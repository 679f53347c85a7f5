package io.profilebridge;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;

/** Every log line of this JVM at INFO and above while it is open, as "logger - message". */
public final class CapturedLog implements AutoCloseable {

    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final List<String> errors = new CopyOnWriteArrayList<>();
    private final AbstractAppender appender;

    private CapturedLog() {
        appender = new AbstractAppender("captured-" + System.nanoTime(), null, null, true, Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent event) {
                String line = event.getLoggerName() + " - " + event.getMessage().getFormattedMessage();
                lines.add(line);
                if (event.getLevel().isMoreSpecificThan(Level.ERROR)) {
                    errors.add(line);
                }
            }
        };
    }

    public static CapturedLog start() {
        CapturedLog log = new CapturedLog();
        log.appender.start();
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        context.getConfiguration().getRootLogger().addAppender(log.appender, Level.INFO, null);
        // loggers that do not pass their lines on to the root (the start-up banner's) are captured too
        nonAdditive(context).forEach(logger -> logger.addAppender(log.appender, Level.INFO, null));
        context.updateLoggers();
        return log;
    }

    private static Stream<LoggerConfig> nonAdditive(LoggerContext context) {
        return context.getConfiguration().getLoggers().values().stream().filter(logger -> !logger.isAdditive());
    }

    public List<String> lines() {
        return List.copyOf(lines);
    }

    /** The lines at ERROR and above. */
    public List<String> errors() {
        return List.copyOf(errors);
    }

    @Override
    public void close() {
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        context.getConfiguration().getRootLogger().removeAppender(appender.getName());
        nonAdditive(context).forEach(logger -> logger.removeAppender(appender.getName()));
        context.updateLoggers();
        appender.stop();
    }
}
