package io.portcullis.testing;

import java.time.Duration;
import java.util.function.Predicate;

/**
 * #12 item 7: the one way a test waits for something that happens on another thread or in
 * another process. It polls a real condition until it holds or the bound passes, then fails
 * naming what it waited for and the last thing it saw. No test sleeps to synchronise: it waits
 * here, on the condition that proves what it needs.
 *
 * <pre>
 *   eventually(Duration.ofSeconds(10), () -> assertThat(log.lines()).contains("x"));     // an assertion
 *   eventually(Duration.ofSeconds(10), "the listener is closed", () -> !open());         // a condition
 *   Reply r = eventually(Duration.ofSeconds(10), () -> get("/x"), r -> r.status() == 200); // a value
 * </pre>
 */
public final class Eventually {
    /** Between two polls: the probe's own pace, not a wait for the condition. */
    private static final long POLL_MS = 25;

    private Eventually() {}

    /** An assertion (or anything that throws until it holds). */
    @FunctionalInterface
    public interface Check {
        void run() throws Exception;
    }

    /** A condition. */
    @FunctionalInterface
    public interface Condition {
        boolean holds() throws Exception;
    }

    /** Something to look at. */
    @FunctionalInterface
    public interface Probe<T> {
        T get() throws Exception;
    }

    /** Runs {@code check} until it passes; after {@code within} fails with its last failure. */
    public static void eventually(Duration within, Check check) {
        long end = System.nanoTime() + within.toNanos();
        while (true) {
            Throwable last;
            try {
                check.run();
                return;
            } catch (AssertionError | Exception e) {
                last = e;
            }
            if (System.nanoTime() - end > 0) {
                throw new AssertionError("still failing after " + within + ": " + last.getMessage(), last);
            }
            pause();
        }
    }

    /** Waits until {@code condition} holds; after {@code within} fails naming {@code what}. */
    public static void eventually(Duration within, String what, Condition condition) {
        eventually(within, () -> {
            if (!condition.holds()) {
                throw new AssertionError(what + ": not yet");
            }
        });
    }

    /**
     * Looks at {@code probe} until {@code done} accepts what it sees, and returns that; after
     * {@code within} fails with the last value seen.
     */
    public static <T> T eventually(Duration within, Probe<T> probe, Predicate<? super T> done) {
        long end = System.nanoTime() + within.toNanos();
        T last = null;
        Exception error = null;
        while (true) {
            try {
                last = probe.get();
                error = null;
                if (done.test(last)) {
                    return last;
                }
            } catch (Exception e) {
                error = e;
            }
            if (System.nanoTime() - end > 0) {
                throw new AssertionError("not there after " + within + "; last seen: "
                        + (error != null ? error : last), error);
            }
            pause();
        }
    }

    private static void pause() {
        try {
            Thread.sleep(POLL_MS); // the interval between polls, not a wait for the condition
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting", e);
        }
    }
}
