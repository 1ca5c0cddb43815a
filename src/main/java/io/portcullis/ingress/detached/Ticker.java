package io.portcullis.ingress.detached;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Time for detached calls (#12 item 5, item 7): what time it is, and "run this once that much
 * time has passed". Production uses {@link #system()}; tests use a ticker they move by hand, so
 * a window, a ttl or an expiry is reached by advancing time, never by sleeping.
 */
public interface Ticker {

    /** The current instant. */
    Instant now();

    /** Runs {@code task} once {@code after} has passed; the returned handle cancels it. */
    Timer schedule(Duration after, Runnable task);

    /** This ticker's time as a {@link Clock} (UTC), for parts that only read the time (approvals). */
    default Clock clock() {
        Ticker t = this;
        return new Clock() {
            @Override
            public java.time.ZoneId getZone() {
                return java.time.ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return t.now();
            }
        };
    }

    /** A scheduled task; cancelling a task that ran or was cancelled does nothing. */
    interface Timer {
        void cancel();
    }

    /** The system clock (UTC) and one daemon thread for the timers. */
    static Ticker system() {
        return SystemTicker.INSTANCE;
    }

    /** {@link #system()}: the wall clock and a shared scheduled executor. */
    final class SystemTicker implements Ticker {
        static final SystemTicker INSTANCE = new SystemTicker();
        private final Clock clock = Clock.systemUTC();
        private final ScheduledThreadPoolExecutor timers;

        private SystemTicker() {
            timers = (ScheduledThreadPoolExecutor) Executors.newScheduledThreadPool(1,
                    Thread.ofPlatform().daemon().name("detached-call-timer").factory());
            timers.setRemoveOnCancelPolicy(true); // a cancelled timer does not stay queued until it would have run
        }

        @Override
        public Instant now() {
            return clock.instant();
        }

        @Override
        public Timer schedule(Duration after, Runnable task) {
            ScheduledFuture<?> f = timers.schedule(task, Math.max(0, after.toMillis()), TimeUnit.MILLISECONDS);
            return () -> f.cancel(false);
        }
    }
}
