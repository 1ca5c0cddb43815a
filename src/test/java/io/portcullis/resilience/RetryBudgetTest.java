package io.portcullis.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** #14 item 1: retries are a bounded share of the calls of a window, and the share comes back as the window moves. */
class RetryBudgetTest {
    @Test
    void item1_retriesAreCappedAtTheirShareOfTheWindowsCalls() {
        AtomicLong now = new AtomicLong(1_000_000_000_000L);
        RetryBudget b = new RetryBudget(10, Duration.ofSeconds(10), 2, now::get);
        for (int i = 0; i < 50; i++) {
            b.called();
        }
        int allowed = 0;
        for (int i = 0; i < 100; i++) {
            allowed += b.tryRetry() ? 1 : 0;
        }
        assertThat(allowed).isEqualTo(2 + 5); // the floor, plus 10% of 50
        // eleven seconds later the window is empty again: only the floor
        now.addAndGet(Duration.ofSeconds(11).toNanos());
        assertThat(b.tryRetry()).isTrue();
        assertThat(b.tryRetry()).isTrue();
        assertThat(b.tryRetry()).isFalse();
    }

    @Test
    void item1_aZeroBudgetNeverRetries() {
        RetryBudget b = new RetryBudget(0, Duration.ofSeconds(10), 0, System::nanoTime);
        for (int i = 0; i < 1000; i++) {
            b.called();
        }
        assertThat(b.tryRetry()).isFalse();
    }
}
