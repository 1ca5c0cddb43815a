package io.portcullis.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * #12 item 7: a clock a test moves by hand, for code that waits for time to pass (session
 * idleness): the test advances it instead of sleeping, so "not yet" and "now" are exact.
 */
public final class TestClock extends Clock {
    private volatile Instant now;

    public TestClock() {
        this(Instant.parse("2026-01-01T00:00:00Z"));
    }

    public TestClock(Instant start) {
        now = start;
    }

    /** Moves time forward. */
    public synchronized void advance(Duration by) {
        now = now.plus(by);
    }

    @Override
    public Instant instant() {
        return now;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this; // always UTC: the code under test reads instants only
    }
}
