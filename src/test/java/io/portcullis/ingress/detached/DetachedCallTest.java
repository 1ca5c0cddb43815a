package io.portcullis.ingress.detached;

import io.portcullis.testing.ManualTicker;
import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.call.ClientKey;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * #12 item 5: the one detached-call mechanism under input rounds and gateway tasks, with time on
 * a {@link ManualTicker} (#12 item 7): the race "finished vs. interim", the bounded lifetime,
 * cancellation, the owner check and that the registry empties.
 */
class DetachedCallTest {
    private final ManualTicker ticker = new ManualTicker();
    private final ClientKey alice = new ClientKey("alice");
    private final ClientKey mallory = new ClientKey("mallory");
    private final DetachedCalls<DetachedCall<String>> registry = new DetachedCalls<>(ticker, 2, 3, "calls", c -> c);

    private DetachedCall<String> call(ClientKey owner) {
        return new DetachedCall<>(owner, ticker);
    }

    @Test
    void item5_aCallThatFinishesBeforeAnyInterimAnswersWithItsResult() throws Exception {
        DetachedCall<String> c = call(alice).start("t", () -> "result", e -> "crash");
        assertThat(c.await()).isEqualTo(new DetachedCall.Event.Finished<>("result"));
        assertThat(c.state()).isEqualTo(DetachedCall.State.DONE);
        assertThat(c.outcome().get(5, TimeUnit.SECONDS)).isEqualTo("result");
    }

    @Test
    void item5_finishedWinsOverAnInterimTheWaiterHasNotSeen() throws Exception {
        DetachedCall<String> c = call(alice); // driven by hand: interim, then the end, before anyone waits
        c.interim();
        assertThat(c.finish("result")).isTrue();
        assertThat(c.await()).isEqualTo(new DetachedCall.Event.Finished<>("result"));
    }

    @Test
    void item5_anInterimAnswersTheWaiterAndTheCallGoesOnToFinish() throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        DetachedCall<String> c = call(alice);
        c.start("t", () -> {
            c.interim();
            try {
                go.await();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            return "later";
        }, e -> "crash");
        assertThat(c.await()).isEqualTo(new DetachedCall.Event.Interim<String>());
        assertThat(c.state()).isEqualTo(DetachedCall.State.RUNNING);
        go.countDown();
        assertThat(c.outcome().get(10, TimeUnit.SECONDS)).isEqualTo("later");
        assertThat(c.await()).as("the next waiter sees the end").isEqualTo(new DetachedCall.Event.Finished<>("later"));
    }

    @Test
    void item5_aBodyThatThrowsFinishesWithItsCrashAnswer() throws Exception {
        DetachedCall<String> c = call(alice).start("t", () -> {
            throw new IllegalStateException("boom");
        }, e -> "crashed: " + e.getMessage());
        assertThat(c.await()).isEqualTo(new DetachedCall.Event.Finished<>("crashed: boom"));
    }

    @Test
    void item5_anUnclaimedCallExpiresOnTheTickerRunsItsCancelHooksAndLeavesTheRegistry() throws Exception {
        DetachedCall<String> c = call(alice);
        AtomicInteger cancelled = new AtomicInteger();
        AtomicInteger expired = new AtomicInteger();
        c.onCancel(cancelled::incrementAndGet);
        assertThat(registry.admit("id-1", c)).isNull();
        c.expireIn(Duration.ofSeconds(10), expired::incrementAndGet);

        ticker.advance(Duration.ofMillis(9_999));
        assertThat(c.state()).isEqualTo(DetachedCall.State.RUNNING);
        assertThat(registry.size()).isEqualTo(1);
        ticker.advance(Duration.ofMillis(1));
        assertThat(c.state()).isEqualTo(DetachedCall.State.EXPIRED);
        assertThat(expired).hasValue(1);
        assertThat(cancelled).hasValue(1);
        assertThat(registry.size()).as("expiry removes the entry").isZero();
        assertThat(registry.count(alice)).isZero();
        assertThat(c.await()).isEqualTo(new DetachedCall.Event.Expired<String>());
        assertThat(c.finish("too late")).as("the call's late end changes nothing").isFalse();
        assertThat(c.disarm()).as("a claim after expiry fails").isFalse();
        assertThat(ticker.pending()).isZero();
    }

    @Test
    void item5_aClaimInTimeDisarmsTheExpiryAndAReArmedTimerReplacesTheOld() {
        DetachedCall<String> c = call(alice);
        AtomicInteger expired = new AtomicInteger();
        registry.admit("id-1", c);
        c.expireIn(Duration.ofSeconds(10), expired::incrementAndGet);
        assertThat(c.disarm()).isTrue();
        ticker.advance(Duration.ofMinutes(5));
        assertThat(c.state()).isEqualTo(DetachedCall.State.RUNNING);
        assertThat(expired).hasValue(0);

        c.expireIn(Duration.ofSeconds(10), expired::incrementAndGet);
        ticker.advance(Duration.ofSeconds(5));
        c.expireIn(Duration.ofSeconds(10), expired::incrementAndGet); // re-armed: counts from now
        ticker.advance(Duration.ofSeconds(6));
        assertThat(c.state()).isEqualTo(DetachedCall.State.RUNNING);
        ticker.advance(Duration.ofSeconds(4));
        assertThat(c.state()).isEqualTo(DetachedCall.State.EXPIRED);
        assertThat(expired).hasValue(1);
    }

    @Test
    void item5_cancelEndsTheCallOnceWithItsResultAndWins() throws Exception {
        DetachedCall<String> c = call(alice);
        AtomicInteger stopped = new AtomicInteger();
        AtomicInteger ended = new AtomicInteger();
        c.onCancel(stopped::incrementAndGet);
        c.onEnd(ended::incrementAndGet);
        assertThat(c.cancel("cancelled")).isTrue();
        assertThat(c.cancel("again")).isFalse();
        assertThat(c.finish("late")).isFalse();
        assertThat(stopped).hasValue(1);
        assertThat(ended).hasValue(1);
        assertThat(c.outcome().get(5, TimeUnit.SECONDS)).isEqualTo("cancelled");
        assertThat(c.await()).isEqualTo(new DetachedCall.Event.Finished<>("cancelled"));
        CompletableFuture<Void> late = new CompletableFuture<>();
        c.onCancel(() -> late.complete(null));
        assertThat(late).as("a hook added after the cancel runs at once").isDone();
    }

    @Test
    void item5_anotherOwnersCallIsUnknownToIt() {
        DetachedCall<String> c = call(alice);
        registry.admit("id-1", c);
        assertThat(registry.find("id-1", alice)).contains(c);
        assertThat(registry.find("id-1", mallory)).as("owner mismatch refused").isEmpty();
        assertThat(registry.find("id-1", ClientKey.NONE)).isEmpty();
        assertThat(registry.owned(mallory)).isEmpty();
        assertThat(registry.owned(alice)).containsExactly(c);
    }

    @Test
    void item5_limitsHoldAndEveryWayOutFreesTheSlot() {
        DetachedCall<String> a1 = call(alice);
        DetachedCall<String> a2 = call(alice);
        assertThat(registry.admit("a1", a1)).isNull();
        assertThat(registry.admit("a2", a2)).isNull();
        assertThat(registry.admit("a3", call(alice))).contains("this caller already has 2 calls");
        DetachedCall<String> m1 = call(mallory);
        assertThat(registry.admit("m1", m1)).isNull();
        assertThat(registry.admit("m2", call(mallory))).contains("the gateway already holds 3 calls");

        a1.finish("done");
        assertThat(registry.remove(a1)).as("completion").isTrue();
        assertThat(registry.remove(a1)).isFalse();
        a2.cancel("cancelled");
        a2.expireIn(Duration.ofMinutes(1), () -> { }); // a task is kept for its ttl after it ended
        ticker.advance(Duration.ofMinutes(1));
        m1.expireIn(Duration.ofSeconds(1), () -> { });
        ticker.advance(Duration.ofSeconds(1));
        assertThat(registry.size()).as("completion, cancel + ttl, expiry: nothing left").isZero();
        assertThat(registry.count(alice)).isZero();
        assertThat(registry.count(mallory)).isZero();
        assertThat(registry.admit("a4", call(alice))).isNull();
    }

    @Test
    void item5_aRekeyedCallIsNoLongerFoundUnderItsOldId() {
        DetachedCall<String> c = call(alice);
        registry.admit("round-1", c);
        registry.rekey(c, "round-2");
        assertThat(registry.find("round-1")).isEmpty();
        assertThat(registry.find("round-2")).contains(c);
        assertThat(c.id()).isEqualTo("round-2");
        assertThat(registry.count(alice)).isEqualTo(1);
    }
}
