package io.profilebridge;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/** A clock the test moves by hand, starting at the real time. */
public final class MovableClock extends Clock {

    private final AtomicLong now = new AtomicLong(System.currentTimeMillis());

    public void move(long millis) {
        now.addAndGet(millis);
    }

    public void move(Duration by) {
        move(by.toMillis());
    }

    @Override
    public long millis() {
        return now.get();
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(millis());
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
