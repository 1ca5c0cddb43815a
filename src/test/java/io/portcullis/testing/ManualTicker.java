package io.portcullis.testing;

import io.portcullis.ingress.detached.Ticker;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A {@link Ticker} (and {@link Clock}) that moves only when the test says (#12 item 7): timers run
 * on the test's thread, inside {@link #advance}, in the order they fall due.
 */
public final class ManualTicker extends Clock implements Ticker {
    private record Due(Instant at, long seq, Runnable task) {}

    private Instant now;
    private long seq;
    private final List<Due> timers = new ArrayList<>();

    public ManualTicker() {
        this(Instant.parse("2026-11-24T10:00:00Z"));
    }

    public ManualTicker(Instant start) {
        this.now = start;
    }

    @Override
    public synchronized Instant now() {
        return now;
    }

    @Override
    public Instant instant() {
        return now();
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }

    @Override
    public synchronized Timer schedule(Duration after, Runnable task) {
        Due d = new Due(now.plus(after), seq++, task);
        timers.add(d);
        return () -> {
            synchronized (ManualTicker.this) {
                timers.remove(d);
            }
        };
    }

    /** Moves time on by {@code d}, running every timer that falls due (timers it schedules too, if due). */
    public void advance(Duration d) {
        Instant target;
        synchronized (this) {
            target = now.plus(d);
        }
        while (true) {
            Due next;
            synchronized (this) {
                next = timers.stream().filter(t -> !t.at().isAfter(target))
                        .min(Comparator.comparing(Due::at).thenComparingLong(Due::seq)).orElse(null);
                if (next == null) {
                    now = target;
                    return;
                }
                timers.remove(next);
                if (next.at().isAfter(now)) {
                    now = next.at();
                }
            }
            next.task().run();
        }
    }

    /** Timers not yet run nor cancelled. */
    public synchronized int pending() {
        return timers.size();
    }
}
