package io.profilebridge.sandbox;

import io.profilebridge.sandbox.SimRequest.Reply;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * Puts a Retry-After on a simulated answer in the form the {@code retry-after-format} knob asks for (delta-seconds or
 * an HTTP-date); with the form {@code none} the answer goes without one. The ledger learns of it once the answer is
 * sent (Simulator), so that an early request is counted.
 */
final class RetryAfterWriter {

    /** IMF-fixdate, the HTTP-date form a server sends (RFC 9110). */
    private static final DateTimeFormatter IMF_FIXDATE = DateTimeFormatter.ofPattern(
                    "EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US)
            .withZone(ZoneOffset.UTC);
    /** The last instant an HTTP-date can name with a four-digit year. */
    private static final long LATEST_DATE_MS =
            Instant.parse("9999-12-31T23:59:59Z").toEpochMilli();

    private final SimulatorSettings settings;

    RetryAfterWriter(SimulatorSettings settings) {
        this.settings = settings;
    }

    Reply add(Reply reply, long seconds, long now) {
        RetryAfterFormat format = settings.retryAfterFormat();
        if (format == RetryAfterFormat.NONE) {
            return reply;
        }
        long until = saturatedAdd(now, seconds);
        String value;
        if (format == RetryAfterFormat.HTTP_DATE) {
            // whole seconds only: the caller may come back from the named second on
            until = Math.min(LATEST_DATE_MS, until) / 1000 * 1000;
            value = IMF_FIXDATE.format(Instant.ofEpochMilli(until));
        } else {
            value = Long.toString(seconds);
        }
        return reply.with("Retry-After", value);
    }

    private static long saturatedAdd(long now, long seconds) {
        try {
            return Math.addExact(now, Math.multiplyExact(seconds, 1000L));
        } catch (ArithmeticException tooFar) {
            return Long.MAX_VALUE;
        }
    }
}
