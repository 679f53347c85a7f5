package io.profilebridge.sandbox;

import java.util.Arrays;
import java.util.Locale;

/**
 * How a simulated server writes Retry-After: delta-seconds or an HTTP-date (both RFC 9110's), or not at all. Neither
 * API document promises the header on a 429, 502 or 503, so a faithful simulator can leave it out, and the bridge's
 * own pacing is then what keeps it polite.
 */
public enum RetryAfterFormat {
    SECONDS,
    HTTP_DATE,
    NONE;

    /** The knob's value: {@code seconds}, {@code http-date} or {@code none}. */
    public String knobValue() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    static RetryAfterFormat of(String value) {
        return Arrays.stream(values())
                .filter(format -> format.knobValue().equals(value.trim()))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException(
                        "retry-after-format is seconds, http-date or none, not \"" + value + "\""));
    }
}
