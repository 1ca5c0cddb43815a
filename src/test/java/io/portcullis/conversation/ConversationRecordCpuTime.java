package io.portcullis.conversation;

import io.portcullis.store.Store;
import io.portcullis.store.StoreConfig;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The conversation memory's cost per call (docs/performance.md "Conversation memory's write (#20
 * item 3)"): {@code T} threads each do {@code R} calls' worth of memory work (one {@code load} and
 * one {@code record}, as {@link ConversationMemory} does per call) on the embedded store
 * (SQLite, synchronous=FULL) under {@code target/}; it prints the CPU time of the calling threads
 * per call (ThreadMXBean, not the wall clock, so a shared machine still gives the cost of the work)
 * and the calls per wall-clock second. Not a test. Run (after {@code mvn -o -q test-compile}):
 * {@code java -cp target/classes:target/test-classes:$(cat target/cp.txt) io.portcullis.conversation.ConversationRecordCpuTime [T] [R]}
 */
public final class ConversationRecordCpuTime {
    private ConversationRecordCpuTime() {}

    /** The group commit's totals (both passes); empty when run against the store before #20 item 3, which has none. */
    private static String commits(ConversationStore m) {
        try {
            return String.format(", %d writes in %d commits (both passes)", m.writes().written(), m.writes().commits());
        } catch (NoSuchMethodError before) {
            return ", one commit per write";
        }
    }

    public static void main(String[] args) throws Exception {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 8;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 500;
        Path dir = Files.createTempDirectory(Path.of("target"), "conv-cpu");
        Duration window = Duration.ofHours(1);
        try (Store s = Store.open(new StoreConfig(null, dir, threads + 2))) {
            ConversationStore m = new ConversationStore(s, Clock.systemUTC());
            for (int pass = 0; pass < 2; pass++) { // pass 0 warms up
                ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
                AtomicLong cpuNs = new AtomicLong();
                CountDownLatch start = new CountDownLatch(1);
                Thread[] ts = new Thread[threads];
                int p = pass;
                for (int t = 0; t < threads; t++) {
                    int n = t;
                    ts[t] = Thread.ofPlatform().start(() -> {
                        try {
                            start.await();
                            long c0 = cpu.getCurrentThreadCpuTime();
                            for (int i = 0; i < rounds; i++) {
                                String key = "p" + p + "-t" + n + "-c" + (i % 20);
                                m.load(key, System.currentTimeMillis(), window);
                                m.record(key, System.currentTimeMillis(), window, "call-" + i, "crm__lookup",
                                        List.of("customer-data", "pii.email", "pii"), true, 3);
                            }
                            cpuNs.addAndGet(cpu.getCurrentThreadCpuTime() - c0);
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    });
                }
                long w0 = System.nanoTime();
                start.countDown();
                for (Thread t : ts) {
                    t.join();
                }
                long wall = System.nanoTime() - w0;
                long calls = (long) threads * rounds;
                if (pass == 1) {
                    System.out.printf("threads %d, calls %d: %.1f µs CPU per call (calling threads), %.0f calls per wall-second%s%n",
                            threads, calls, cpuNs.get() / 1e3 / calls, calls / (wall / 1e9), commits(m));
                }
            }
        }
    }
}
