package io.portcullis.it.roots;

import java.time.Duration;
import java.util.function.Predicate;
import java.util.function.Supplier;

/** Polls a real condition until it holds or a bounded deadline passes; returns the last value seen. */
final class Await {
    private Await() {}

    static <T> T until(Duration deadline, Supplier<T> probe, Predicate<T> done) throws InterruptedException {
        long end = System.nanoTime() + deadline.toNanos();
        T last = probe.get();
        while (!done.test(last) && System.nanoTime() < end) {
            Thread.sleep(50); // the interval between polls, not a wait for the condition
            last = probe.get();
        }
        return last;
    }
}
