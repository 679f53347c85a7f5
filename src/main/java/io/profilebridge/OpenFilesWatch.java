package io.profilebridge;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.apache.camel.CamelContext;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Says in a WARN when the process has run out of file handles, and in an INFO when it has some again. Out of them,
 * the inbox's listing reads as empty and the management port takes no connection, with no word of either
 * (scarce-resources audit: files dropped lay unseen, the health endpoint unreachable, the log silent).
 */
public final class OpenFilesWatch extends ServiceSupport {

    private static final Logger LOG = LoggerFactory.getLogger(OpenFilesWatch.class);
    private static final long PERIOD_SECONDS = 10;

    private final CamelContext context;
    private final LongSupplier open;
    private final long limit;
    private final long margin;
    private boolean atLimit;
    private ScheduledExecutorService checker;

    OpenFilesWatch(CamelContext context, LongSupplier open, long limit, long margin) {
        this.context = context;
        this.open = open;
        this.limit = limit;
        this.margin = margin;
    }

    /** This process's watch; none off Unix, where the JVM does not count them. */
    public static void addTo(CamelContext context) throws Exception {
        if (OpenFiles.limit() >= 0) {
            context.addService(new OpenFilesWatch(context, OpenFiles::open, OpenFiles.limit(), OpenFiles.MARGIN));
        }
    }

    @Override
    protected void doStart() {
        checker = context.getExecutorServiceManager().newSingleThreadScheduledExecutor(this, "open-files-watch");
        checker.scheduleWithFixedDelay(this::check, PERIOD_SECONDS, PERIOD_SECONDS, TimeUnit.SECONDS);
    }

    void check() {
        long count = open.getAsLong();
        boolean now = OpenFiles.atLimit(count, limit, margin);
        if (now && !atLimit) {
            LOG.warn(
                    "This process holds {} of the {} files and sockets it may open (ulimit -n): until some close, inbox"
                            + " files go unseen, result files and API calls fail, and the management port takes no"
                            + " connection; raise the limit, or look for what holds them (ls /proc/<pid>/fd)",
                    count < 0 ? "all" : count,
                    limit);
        } else if (!now && atLimit) {
            LOG.info("This process holds {} of the {} files and sockets it may open again", count, limit);
        }
        atLimit = now;
    }

    @Override
    protected void doStop() {
        if (checker != null) {
            context.getExecutorServiceManager().shutdownNow(checker);
            checker = null;
        }
    }
}
