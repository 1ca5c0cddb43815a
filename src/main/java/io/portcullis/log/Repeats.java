package io.portcullis.log;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Rate-limits a log line that a fault repeats (#21 item 9): the first occurrence of a kind is
 * logged in full; the same kind again within {@code interval} is only counted, and the next line
 * of that kind after the interval says how many were left out. A full disk or an upstream writing
 * garbage thus makes a handful of lines instead of one per failed call or per garbage line.
 * Thread-safe; one instance per place that logs.
 */
public final class Repeats {
    private final long intervalNanos;
    private final Map<String, Window> windows = new ConcurrentHashMap<>();

    private static final class Window {
        final AtomicLong lastLogged = new AtomicLong(Long.MIN_VALUE);
        final AtomicLong suppressed = new AtomicLong();
    }

    public Repeats(Duration interval) {
        this.intervalNanos = interval.toNanos();
    }

    /**
     * Logs through {@code log} unless a line of this {@code kind} was logged less than the interval
     * ago (then it is counted). The argument {@code log} gets the suffix to append: empty, or
     * {@code " (N more like this in the last 10s left out)"}.
     *
     * @return whether the line was logged
     */
    public boolean log(String kind, Consumer<String> log) {
        Window w = windows.computeIfAbsent(kind, k -> new Window());
        long now = System.nanoTime();
        long last = w.lastLogged.get();
        if (last != Long.MIN_VALUE && now - last < intervalNanos) {
            w.suppressed.incrementAndGet();
            return false;
        }
        if (!w.lastLogged.compareAndSet(last, now)) {
            w.suppressed.incrementAndGet(); // another thread logs this window's line
            return false;
        }
        long left = w.suppressed.getAndSet(0);
        log.accept(left == 0 ? "" : " (" + left + " more like this in the previous " + Duration.ofNanos(intervalNanos).toSeconds()
                + "s left out)");
        return true;
    }
}
