package io.portcullis.it.roots;

import io.portcullis.testing.Eventually;
import java.time.Duration;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Polls a real condition until it holds or a bounded deadline passes; returns the last value seen
 * (the caller's assertion on it says what is wrong). The waiting is {@link Eventually}'s.
 */
final class Await {
    private Await() {}

    static <T> T until(Duration deadline, Supplier<T> probe, Predicate<T> done) {
        try {
            return Eventually.eventually(deadline, probe::get, done);
        } catch (AssertionError notThere) {
            return probe.get();
        }
    }
}
