package io.portcullis.conversation;

import io.portcullis.store.Store;
import io.portcullis.store.StoreConfig;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The conversation memory's read per call, before and after #20 session 8 ({@link FactsCache}), side by
 * side in one JVM on one embedded store (SQLite under {@code target/}): {@code T} threads each do
 * {@code R} calls' worth of memory work (one {@code load}, one {@code record}, as the stage does),
 * alternating rounds with the read from the store ("before") and from memory ("after"), on separate
 * conversations (20 per thread). Prints the calling threads' CPU per call and per {@code load}
 * (ThreadMXBean), the {@code load} p50 and the calls per wall-clock second. Not a test. Run (after
 * {@code mvn -o -q -DskipTests package}): {@code java -cp target/classes:target/test-classes:$(cat target/cp.txt)
 * io.portcullis.conversation.ConversationLoadCpuTime [T] [R]}
 */
public final class ConversationLoadCpuTime {
    private ConversationLoadCpuTime() {}

    public static void main(String[] args) throws Exception {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 8;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 300;
        Path dir = Files.createTempDirectory(Path.of("target"), "conv-load");
        Duration window = Duration.ofHours(1);
        System.out.printf("threads %d, %d calls each per round, load average %.2f%n", threads, rounds,
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        try (Store s = Store.open(new StoreConfig(null, dir, threads + 2))) {
            ConversationStore before = new ConversationStore(s, Clock.systemUTC(), false);
            ConversationStore after = new ConversationStore(s, Clock.systemUTC(), true);
            for (int round = 0; round < 4; round++) { // round 0 warms up
                for (ConversationStore m : List.of(before, after)) {
                    String name = m == before ? "before (store read)" : "after (from memory)";
                    run(m, name, round, threads, rounds, window);
                }
            }
            System.out.printf("store reads: before %d, after %d; load average at the end %.2f%n", before.queries(), after.queries(),
                    ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        }
    }

    private static void run(ConversationStore m, String name, int round, int threads, int rounds, Duration window) throws Exception {
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        AtomicLong cpuNs = new AtomicLong();
        AtomicLong loadCpuNs = new AtomicLong();
        long[][] loads = new long[threads][rounds];
        CountDownLatch start = new CountDownLatch(1);
        Thread[] ts = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            int n = t;
            ts[t] = Thread.ofPlatform().start(() -> {
                try {
                    start.await();
                    long c0 = cpu.getCurrentThreadCpuTime();
                    long inLoad = 0;
                    for (int i = 0; i < rounds; i++) {
                        String key = name + "-t" + n + "-c" + (i % 20);
                        long l0 = cpu.getCurrentThreadCpuTime();
                        long w0 = System.nanoTime();
                        m.load(key, System.currentTimeMillis(), window);
                        loads[n][i] = System.nanoTime() - w0;
                        inLoad += cpu.getCurrentThreadCpuTime() - l0;
                        m.record(key, System.currentTimeMillis(), window, "call-" + round + "-" + i, "crm__lookup",
                                List.of("customer-data", "pii.email", "pii"), true, 3);
                    }
                    cpuNs.addAndGet(cpu.getCurrentThreadCpuTime() - c0);
                    loadCpuNs.addAndGet(inLoad);
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
        long[] all = Arrays.stream(loads).flatMapToLong(Arrays::stream).sorted().toArray();
        if (round > 0) {
            System.out.printf("round %d %-20s CPU %6.1f µs/call, of which load %6.1f µs; load p50 %7.1f µs; %6.0f calls/s%n", round,
                    name, cpuNs.get() / 1e3 / calls, loadCpuNs.get() / 1e3 / calls, all[all.length / 2] / 1e3, calls / (wall / 1e9));
        }
    }
}
