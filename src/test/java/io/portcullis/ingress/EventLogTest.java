package io.portcullis.ingress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.protocol.Json;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

/** The per-session event log behind Last-Event-ID resumption and the GET stream's queue. */
class EventLogTest {
    static ObjectNode msg(int n) {
        return Json.object().put("n", n);
    }

    @Test
    void idsNameTheStreamAndIncreaseAcrossStreams() {
        EventLog log = new EventLog(10);
        EventLog.Event a = log.append("get", msg(1));
        EventLog.Event b = log.append("post-1", msg(2));
        EventLog.Event c = log.append("get", msg(3));
        assertThat(List.of(a.id(), b.id(), c.id())).containsExactly(EventLog.id("get", 1), EventLog.id("post-1", 2), EventLog.id("get", 3));
        assertThat(a.id()).isEqualTo("get." + EventLog.EPOCH + "_1");
    }

    /** #19 item 3: an id parses back to its stream and sequence; only this process's ids are "here". */
    @Test
    void idsCarryThisProcesssEpoch_anotherNodesIdsAreToldApart() {
        EventLog.Parsed mine = EventLog.parse(EventLog.id("post-3", 17));
        assertThat(mine).isEqualTo(new EventLog.Parsed("post-3", 17, true));
        assertThat(EventLog.parse("post-3.zz9other_17")).isEqualTo(new EventLog.Parsed("post-3", 17, false));
        assertThat(EventLog.parse("get.5").here()).as("an id without an epoch (older version)").isFalse();
        assertThatThrownBy(() -> EventLog.parse("garbage")).isInstanceOf(RuntimeException.class);
        assertThatThrownBy(() -> EventLog.parse(".5")).isInstanceOf(RuntimeException.class);
        assertThatThrownBy(() -> EventLog.parse("get.x_y")).isInstanceOf(RuntimeException.class);
    }

    @Test
    void afterReturnsOnlyThatStreamsLaterEvents() {
        EventLog log = new EventLog(10);
        log.append("get", msg(1));
        log.append("post-1", msg(2));
        log.append("get", msg(3));
        log.append("get", msg(4));
        assertThat(log.after("get", 1)).extracting(e -> e.message().path("n").asInt()).containsExactly(3, 4);
        assertThat(log.after("get", 4)).isEmpty();
        assertThat(log.after("post-1", 0)).hasSize(1);
        assertThat(log.after("post-2", 0)).isEmpty();
    }

    @Test
    void onlyTheLastCapacityEntriesAreKept() {
        EventLog log = new EventLog(3);
        for (int i = 1; i <= 5; i++) {
            log.append("get", msg(i));
        }
        assertThat(log.after("get", 0)).extracting(e -> e.seq()).containsExactly(3L, 4L, 5L);
    }

    @Test
    void aStreamIsKnownWhileAnythingOfItIsKeptAndEndsWhenMarked() {
        EventLog log = new EventLog(2);
        log.append("post-1", msg(1));
        assertThat(log.knows("post-1")).isTrue();
        assertThat(log.ended("post-1")).isFalse();
        log.end("post-1");
        assertThat(log.ended("post-1")).isTrue();
        assertThat(log.after("post-1", 0)).hasSize(1); // the end mark is not an event
        log.append("get", msg(2));
        log.append("get", msg(3));
        assertThat(log.knows("post-1")).isFalse();
        assertThat(log.knows("post-9")).isFalse();
    }

    @Test
    void awaitReturnsWhenAnEventComes() throws Exception {
        EventLog log = new EventLog(10);
        FutureTask<List<EventLog.Event>> waiting = new FutureTask<>(() -> log.await("get", 0, 30_000));
        Thread waiter = Thread.ofPlatform().start(waiting);
        awaitBlocked(waiter); // #12 item 7: the waiter is inside await, not "probably by now"
        log.append("post-1", msg(1)); // another stream: no wake-up for "get"
        log.append("get", msg(2));
        assertThat(waiting.get(10, TimeUnit.SECONDS)).extracting(e -> e.message().path("n").asInt()).containsExactly(2);
    }

    @Test
    void awaitTimesOutEmpty() throws Exception {
        assertThat(new EventLog(10).await("get", 0, 50)).isEmpty();
    }

    @Test
    void awaitReturnsEarlyOnEndWakeAndClose() throws Exception {
        EventLog log = new EventLog(10);
        assertEarly(log, "post-1", () -> log.end("post-1"));
        assertEarly(log, "post-2", log::wake);
        assertEarly(log, "post-3", log::close);
        assertThat(log.isClosed()).isTrue();
    }

    private static void assertEarly(EventLog log, String stream, Runnable trigger) throws Exception {
        FutureTask<List<EventLog.Event>> waiting = new FutureTask<>(() -> log.await(stream, 0, Duration.ofMinutes(5).toMillis()));
        Thread waiter = Thread.ofPlatform().start(waiting);
        // #12 item 7: "not yet" once the waiter is proven blocked inside await (not after a sleep)
        awaitBlocked(waiter);
        assertThat(waiting).isNotDone();
        trigger.run();
        assertThat(waiting.get(10, TimeUnit.SECONDS)).isEmpty();
    }

    /** Waits until {@code t} is parked in a timed wait (inside {@link EventLog#await}: the only thing it runs). */
    private static void awaitBlocked(Thread t) {
        io.portcullis.testing.Eventually.eventually(Duration.ofSeconds(10), "the waiter is blocked in await",
                () -> t.getState() == Thread.State.TIMED_WAITING);
    }
}
