package io.portcullis.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * #14 item 1 (C6.1), the composition alone: breaker, retries and bulkheads around an attempt that
 * fails on demand. The real upstream through the real gateway is {@code it.BreakerIT}.
 */
class ProtectionTest {
    /** What the upstream package would throw: a failure that counts, one that may be retried, and an answer that is neither. */
    static final class Down extends Exception {
        Down() {
            super("down", null, false, false);
        }
    }

    static final class TimedOut extends Exception {
        TimedOut() {
            super("timed out", null, false, false);
        }
    }

    static final class Answered extends Exception {
        Answered() {
            super("the upstream answered with an error", null, false, false);
        }
    }

    static final Protection.Outcomes OUTCOMES = new Protection.Outcomes() {
        @Override
        public boolean failure(Throwable e) {
            return e instanceof Down || e instanceof TimedOut;
        }

        @Override
        public boolean retryable(Throwable e) {
            return e instanceof Down;
        }
    };

    static final ToolCall READ = new ToolCall("t__read", true, null);
    static final ToolCall WRITE = new ToolCall("t__write", false, null);

    static Protection protection(BreakerSettings b, RetrySettings r) {
        return new Protection("t", AdmissionConfig.UPSTREAM, new ProtectionConfig(b, r), Duration.ofSeconds(30), OUTCOMES);
    }

    static BreakerSettings breaker(int window, Duration openFor) {
        return new BreakerSettings(true, 50, 100, null, window, window, openFor, 2);
    }

    static final RetrySettings NO_RETRY = new RetrySettings(1, Duration.ofMillis(1), Duration.ofMillis(1), 10, Duration.ofSeconds(10), 0);
    static final RetrySettings RETRY = new RetrySettings(3, Duration.ofMillis(1), Duration.ofMillis(5), 100, Duration.ofSeconds(10), 100);

    @Test
    void item1_theBreakerOpensAfterTheConfiguredFailuresAndRefusesWithoutCalling() throws Exception {
        Protection p = protection(breaker(4, Duration.ofMinutes(1)), NO_RETRY);
        AtomicInteger sent = new AtomicInteger();
        for (int i = 0; i < 4; i++) {
            assertThatThrownBy(() -> p.call(WRITE, Duration.ofSeconds(1), () -> {
                sent.incrementAndGet();
                throw new Down();
            })).isInstanceOf(Down.class);
        }
        assertThat(p.breakerOpen()).isTrue();
        assertThat(p.breakerState()).isEqualTo("open");
        assertThatThrownBy(() -> p.call(WRITE, Duration.ofSeconds(1), () -> sent.incrementAndGet()))
                .isInstanceOfSatisfying(Overloaded.class, o -> {
                    assertThat(o.control()).isEqualTo("breaker");
                    assertThat(o.getMessage()).contains("upstream t").contains("circuit breaker is open").contains("tried again in");
                    assertThat(o.retryAfterSeconds()).isBetween(1, 60);
                });
        assertThat(sent.get()).as("refused while open: never sent").isEqualTo(4);
    }

    @Test
    void item1_answersAndTheGatewaysOwnRefusalsDoNotOpenIt() throws Exception {
        Protection p = protection(breaker(4, Duration.ofMinutes(1)), NO_RETRY);
        for (int i = 0; i < 20; i++) {
            assertThatThrownBy(() -> p.call(WRITE, Duration.ofSeconds(1), () -> {
                throw new Answered();
            })).isInstanceOf(Answered.class);
        }
        assertThat(p.breakerState()).isEqualTo("closed");
    }

    @Test
    void item1_halfOpenProbesCloseItWhenTheUpstreamIsBack() throws Exception {
        Protection p = protection(breaker(2, Duration.ofMillis(50)), NO_RETRY);
        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> p.call(WRITE, Duration.ofSeconds(1), () -> {
                throw new TimedOut();
            })).isInstanceOf(TimedOut.class);
        }
        assertThat(p.breakerOpen()).isTrue();
        // the upstream is back: calls are refused until open_for has passed, then 2 probes close it
        AtomicInteger served = new AtomicInteger();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (served.get() < 2 && System.nanoTime() < end) {
            try {
                p.call(WRITE, Duration.ofSeconds(1), served::incrementAndGet);
            } catch (Overloaded o) {
                assertThat(o.control()).isEqualTo("breaker");
                java.util.concurrent.locks.LockSupport.parkNanos(5_000_000); // poll pace
            }
        }
        assertThat(served.get()).isEqualTo(2);
        assertThat(p.breakerState()).isEqualTo("closed");
    }

    @Test
    void item1_aReadOnlyCallIsRetriedAndSucceeds() throws Exception {
        Protection p = protection(BreakerSettings.DEFAULTS, RETRY);
        AtomicInteger sent = new AtomicInteger();
        String r = p.call(READ, Duration.ofSeconds(1), () -> {
            if (sent.incrementAndGet() < 3) {
                throw new Down();
            }
            return "ok";
        });
        assertThat(r).isEqualTo("ok");
        assertThat(sent.get()).isEqualTo(3);
    }

    @Test
    void item1_aStateChangingCallIsNeverSentTwice() {
        Protection p = protection(BreakerSettings.DEFAULTS, RETRY);
        AtomicInteger sent = new AtomicInteger();
        assertThatThrownBy(() -> p.call(WRITE, Duration.ofSeconds(1), () -> {
            sent.incrementAndGet();
            throw new Down();
        })).isInstanceOf(Down.class);
        assertThat(sent.get()).isEqualTo(1);
        // nor a request that is not a tool call
        assertThatThrownBy(() -> p.call(ToolCall.NONE, Duration.ofSeconds(1), () -> {
            sent.incrementAndGet();
            throw new Down();
        })).isInstanceOf(Down.class);
        assertThat(sent.get()).isEqualTo(2);
    }

    @Test
    void item1_aReadOnlyCallIsNotRetriedAfterATimeoutAndStopsAtMaxAttempts() {
        Protection p = protection(BreakerSettings.DEFAULTS, RETRY);
        AtomicInteger sent = new AtomicInteger();
        assertThatThrownBy(() -> p.call(READ, Duration.ofSeconds(1), () -> {
            sent.incrementAndGet();
            throw new TimedOut();
        })).isInstanceOf(TimedOut.class);
        assertThat(sent.get()).isEqualTo(1);
        sent.set(0);
        assertThatThrownBy(() -> p.call(READ, Duration.ofSeconds(1), () -> {
            sent.incrementAndGet();
            throw new Down();
        })).isInstanceOf(Down.class);
        assertThat(sent.get()).isEqualTo(3);
    }

    @Test
    void item1_anOpenBreakerEndsTheRetries() {
        Protection p = protection(breaker(2, Duration.ofMinutes(1)), new RetrySettings(10, Duration.ofMillis(1), Duration.ofMillis(2),
                100, Duration.ofSeconds(10), 100));
        AtomicInteger sent = new AtomicInteger();
        assertThatThrownBy(() -> p.call(READ, Duration.ofSeconds(1), () -> {
            sent.incrementAndGet();
            throw new Down();
        })).isInstanceOfSatisfying(Overloaded.class, o -> assertThat(o.control()).isEqualTo("breaker"));
        assertThat(sent.get()).as("2 failures open it; the third attempt is refused unsent").isEqualTo(2);
    }

    @Test
    void item1_theRetryBudgetCapsRetriesDuringAnOutage() throws Exception {
        // 10% of calls, no floor: 100 failing read_only calls may add at most 10 retries
        Protection p = protection(new BreakerSettings(false, 50, 100, null, 20, 10, Duration.ofSeconds(1), 1),
                new RetrySettings(3, Duration.ofMillis(1), Duration.ofMillis(1), 10, Duration.ofSeconds(60), 0));
        AtomicInteger sent = new AtomicInteger();
        for (int i = 0; i < 100; i++) {
            assertThatThrownBy(() -> p.call(READ, Duration.ofSeconds(1), () -> {
                sent.incrementAndGet();
                throw new Down();
            })).isInstanceOf(Down.class);
        }
        assertThat(sent.get()).isBetween(100, 110);
    }

    @Test
    void item1_anUpstreamThatIsNotConnectedIsNotCountedButAReadOnlyCallRetriesIt() throws Exception {
        Protection p = protection(breaker(2, Duration.ofMinutes(1)), RETRY);
        AtomicInteger checks = new AtomicInteger();
        for (int i = 0; i < 10; i++) {
            assertThatThrownBy(() -> p.call(WRITE, Duration.ofSeconds(1), () -> {
                throw new Down(); // the supervisor's "not ready"
            }, () -> "never sent")).isInstanceOf(Down.class);
        }
        assertThat(p.breakerState()).as("refusals of an unconnected upstream say nothing new").isEqualTo("closed");
        String r = p.call(READ, Duration.ofSeconds(1), () -> {
            if (checks.incrementAndGet() < 2) {
                throw new Down(); // restarting
            }
            return null;
        }, () -> "read");
        assertThat(r).isEqualTo("read");
        assertThat(checks.get()).isEqualTo(2);
    }

    @Test
    void item3_aToolsOwnBulkheadRefusesBeyondItsLimitWhileOtherToolsRun() throws Exception {
        Protection p = protection(BreakerSettings.DEFAULTS, NO_RETRY);
        ToolCall narrow = new ToolCall("t__narrow", false, new AdmissionConfig(1, 0, Duration.ZERO));
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<String> first = CompletableFuture.supplyAsync(() -> {
            try {
                return p.call(narrow, Duration.ofSeconds(10), () -> {
                    inside.countDown();
                    release.await(30, TimeUnit.SECONDS);
                    return "first";
                });
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, r -> Thread.ofVirtual().start(r));
        assertThat(inside.await(10, TimeUnit.SECONDS)).isTrue();
        assertThatThrownBy(() -> p.call(narrow, Duration.ofSeconds(10), () -> "second"))
                .isInstanceOfSatisfying(Overloaded.class, o -> {
                    assertThat(o.control()).isEqualTo("bulkhead");
                    assertThat(o.getMessage()).contains("tool t__narrow is at capacity");
                });
        assertThat(p.call(WRITE, Duration.ofSeconds(1), () -> "other tool")).isEqualTo("other tool");
        release.countDown();
        assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("first");
        assertThat(p.call(narrow, Duration.ofSeconds(1), () -> "again")).isEqualTo("again");
        assertThat(p.inFlight()).isZero();
    }
}
