package io.portcullis.conversation;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.call.CallContext;
import io.portcullis.call.GatewayException;
import io.portcullis.store.Store;
import io.portcullis.store.StoreConfig;
import io.portcullis.testing.ManualTicker;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * #20 item 3: the conversation memory's writes share one commit (group commit, {@link GroupCommit})
 * without weakening #13 item 4's durability: a call returns only once its labels are committed, and
 * a batch that fails fails every call in it, naming the control {@code conversation}.
 */
class ConversationGroupCommitTest {
    static final int N = 16;

    @TempDir
    Path dir;
    final ManualTicker time = new ManualTicker();

    /** Holds the commit lock until all N writes are queued behind it (awaited, not slept), then lets them go. */
    private static void queueUpBehind(GroupCommit writes, Runnable whileHeld) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (writes.queued() < N) {
            assertThat(System.nanoTime()).as("all %d writes queued", N).isLessThan(deadline);
            Thread.onSpinWait();
        }
        whileHeld.run();
    }

    @Test
    void item3_concurrentRecordsShareCommitsAndAreAllDurableOnReturn() throws Exception {
        List<Future<?>> calls = new ArrayList<>();
        try (Store s = Store.open(new StoreConfig(null, dir, 4));
             ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            ConversationStore m = new ConversationStore(s, time);
            GroupCommit writes = m.writes();
            writes.lock.lock();
            try {
                for (int i = 0; i < N; i++) {
                    int n = i;
                    calls.add(pool.submit(() -> {
                        m.record("conv-" + n, time.millis(), ConversationStoreTest.WINDOW, "call-" + n, "crm__lookup",
                                List.of("customer-data"), true, 3);
                        return null;
                    }));
                }
                queueUpBehind(writes, () -> { });
                assertThat(calls).as("no call returns before its write is committed").noneMatch(Future::isDone);
            } finally {
                writes.lock.unlock();
            }
            for (Future<?> f : calls) {
                f.get(30, TimeUnit.SECONDS);
            }
            assertThat(writes.written()).isEqualTo(N);
            assertThat(writes.commits()).as("N concurrent records, fewer commits than N").isLessThan(N).isEqualTo(1);
        }
        // durable once returned: a restart (a new store on the same file) knows every conversation
        try (Store s = Store.open(new StoreConfig(null, dir, 2))) {
            ConversationStore again = new ConversationStore(s, time);
            for (int i = 0; i < N; i++) {
                assertThat(again.load("conv-" + i, time.millis(), ConversationStoreTest.WINDOW).labels().get("customer-data"))
                        .containsExactly("call-" + i);
            }
        }
    }

    @Test
    void item3_failClosed_aFailedBatchFailsEveryCallInItNamingTheControl() throws Exception {
        List<Future<?>> calls = new ArrayList<>();
        try (Store s = Store.open(new StoreConfig(null, dir, 4));
             ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            ConversationStore m = new ConversationStore(s, time);
            ConversationMemory stage = new ConversationMemory(ConversationMemoryTest.ON, m);
            GroupCommit writes = m.writes();
            List<CallContext> fetches = new ArrayList<>();
            for (int i = 0; i < N; i++) {
                CallContext fetch = ConversationMemoryTest.call("c-" + i,
                        ConversationMemoryTest.tool("web__fetch", List.of("untrusted")), "user-" + i, null);
                fetches.add(fetch);
                // #20 session 8: a conversation not yet held in memory is read under the commit lock (FactsCache),
                // so the calls' conversations are read first, as a gateway that served them before would hold them
                m.load(ConversationKey.of(fetch, ConversationMemoryTest.ON), time.millis(), ConversationMemoryTest.ON.window());
            }
            writes.lock.lock();
            try {
                for (CallContext fetch : fetches) {
                    calls.add(pool.submit(() -> stage.handle(fetch, c -> ConversationMemoryTest.ok())));
                }
                // every call has read its memory and queued its write; now the batch's commit will fail
                queueUpBehind(writes, () -> {
                    try (Connection c = s.connection(); Statement st = c.createStatement()) {
                        st.executeUpdate("DROP TABLE conversation_facts");
                    } catch (java.sql.SQLException e) {
                        throw new IllegalStateException(e);
                    }
                });
            } finally {
                writes.lock.unlock();
            }
            for (Future<?> f : calls) {
                try {
                    f.get(30, TimeUnit.SECONDS);
                    throw new AssertionError("a call whose labels were not committed was answered");
                } catch (java.util.concurrent.ExecutionException e) {
                    assertThat(e.getCause()).isInstanceOfSatisfying(GatewayException.Refused.class, r -> {
                        assertThat(r.control()).isEqualTo("conversation");
                        assertThat(r.getMessage()).contains("withheld", "untrusted");
                    });
                }
            }
            assertThat(writes.commits()).isZero();
            assertThat(writes.written()).isZero();
        }
    }
}
