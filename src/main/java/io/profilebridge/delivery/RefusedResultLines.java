package io.profilebridge.delivery;

import io.profilebridge.ErrorText;
import java.nio.file.FileSystemException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import org.apache.camel.Exchange;

/**
 * One warning a minute per cause for results a destination refuses, the others counted into the next line
 * (routes/delivery-errors.camel.yaml; one for jobs' results, one for results decided at intake, whose files are taken
 * again every bridge.inbox.undelivered-wait-ms). Such a result is never given up when the outbox is out of room or the
 * broker refuses it, so the lines never ended: one per waiting result and retry, 268 a minute for 22 results
 * (permanent-faults audit). The outbox and jms-results health checks name the refusal the whole time.
 */
public final class RefusedResultLines {

    /** Exchange property the line ends with: how many refusals of that cause went unlogged since the last line. */
    public static final String NOT_LOGGED = "bridgeRefusedResultsNotLogged";

    static final long INTERVAL_MS = 60_000;

    private final LongSupplier millis;
    /** Causes kept at most; the oldest is forgotten (a cause whose text names something new each time). */
    private static final int CAUSES_KEPT = 100;

    /** By cause: when its last line was written, and the refusals since. */
    private final Map<String, Window> windows = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Window> eldest) {
            return size() > CAUSES_KEPT;
        }
    };

    private static final class Window {
        long loggedAt;
        long notLogged;
    }

    public RefusedResultLines() {
        this(System::currentTimeMillis);
    }

    RefusedResultLines(LongSupplier millis) {
        this.millis = millis;
    }

    /** True when this refusal gets a line; {@link #NOT_LOGGED} is then set to say how many went unlogged before. */
    public boolean worthALine(Exchange exchange) {
        Throwable caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        String cause = caught == null ? "" : cause(ErrorText.rootCause(caught));
        long now = millis.getAsLong();
        long notLogged;
        synchronized (windows) {
            Window window = windows.get(cause);
            if (window != null && now - window.loggedAt < INTERVAL_MS) {
                window.notLogged++;
                return false;
            }
            if (window == null) {
                window = new Window();
                windows.put(cause, window);
            }
            notLogged = window.notLogged;
            window.loggedAt = now;
            window.notLogged = 0;
        }
        exchange.setProperty(
                NOT_LOGGED,
                notLogged == 0 ? "" : " (" + notLogged + " more refused so since the last such line, not logged)");
        return true;
    }

    /**
     * What the refusal says, without the file it names: a file system's reason ("No space left on device", "Read-only
     * file system", "Not a directory") is the same for every result, the class alone is not (diff review: a read-only
     * disk went unnamed behind a full one).
     */
    private static String cause(Throwable root) {
        String text = root instanceof FileSystemException refused ? refused.getReason() : root.getMessage();
        return root.getClass().getName() + ": " + ErrorText.shortened(String.valueOf(text), 200);
    }
}
