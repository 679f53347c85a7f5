package io.profilebridge;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.Layout;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.OutputStreamAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;

/**
 * Every log line the bridge writes while it is open, formatted by the configured console layout (so what a test
 * finds is what an operator's console shows), split on line breaks as a log reader would.
 */
public final class LogCapture implements AutoCloseable {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final OutputStreamAppender appender;

    private LogCapture(Layout<?> layout) {
        appender = OutputStreamAppender.newBuilder()
                .setName("capture-" + System.nanoTime())
                .setLayout(layout)
                .setTarget(out)
                .build();
        appender.start();
        forEachLogger(logger -> logger.addAppender(appender, null, null));
    }

    /** Captures with the layout of the configured appender named {@code console}. */
    public static LogCapture start() {
        return new LogCapture(consoleLayout());
    }

    /** The layout of the configured appender named {@code console}. */
    public static Layout<?> consoleLayout() {
        return configuration().getAppender("console").getLayout();
    }

    public List<String> lines() {
        synchronized (out) {
            return out.toString(StandardCharsets.UTF_8).lines().toList();
        }
    }

    @Override
    public void close() {
        forEachLogger(logger -> logger.removeAppender(appender.getName()));
        appender.stop();
    }

    private static void forEachLogger(java.util.function.Consumer<LoggerConfig> action) {
        Configuration configuration = configuration();
        action.accept(configuration.getRootLogger());
        configuration.getLoggers().values().stream()
                .filter(logger -> !logger.isAdditive())
                .forEach(action);
        context().updateLoggers();
    }

    private static Configuration configuration() {
        return context().getConfiguration();
    }

    private static LoggerContext context() {
        return (LoggerContext) LogManager.getContext(false);
    }
}
