package io.portcullis.conversation;

import io.portcullis.audit.AuditConfig;
import io.portcullis.audit.AuditLog;
import io.portcullis.call.CallContext;
import io.portcullis.call.CallHandler;
import io.portcullis.call.GatewayException;
import io.portcullis.call.Stage;
import io.portcullis.pipeline.Pipeline;
import io.portcullis.store.Store;
import io.portcullis.store.StoreConfig;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import tools.jackson.databind.node.ObjectNode;

/**
 * The conversation stage's own time per call, before and after #13 item 4 session 9
 * (docs/performance.md "Conversation memory in the audit commit (#13, session 9)"), in one JVM on
 * one SQLite store under {@code target/}, rounds alternating. Each call runs the audit outcome stage
 * around the conversation stage (as in the tool chain) around a trivial upstream. "before": the
 * stage commits its rows itself ({@link GroupCommit}; made so by hiding the outcome stage's offer
 * from it), then the record commits; "after": the rows commit with the record. Prints the stage's
 * own wall time p50/p99 (inside the stage, less the upstream), the whole call's p50/p99, the
 * CPU of the calling threads per call and of the whole process (with the audit writer's thread), calls per wall-second, and the commits (audit batches + the
 * memory's own). Not a test. Run (after {@code mvn -o -q test-compile}):
 * {@code java -cp target/classes:target/test-classes:$(cat target/cp.txt) io.portcullis.conversation.ConversationStageTime [T] [R] [rounds]}
 */
public final class ConversationStageTime {
    private ConversationStageTime() {}

    /** Times the stage it wraps (less the time below it). */
    private record Timed(Stage inner, long[] own, AtomicInteger at) implements Stage {
        @Override
        public ObjectNode handle(CallContext call, CallHandler next) throws GatewayException {
            long[] below = new long[1];
            long t0 = System.nanoTime();
            ObjectNode r = inner.handle(call, c -> {
                long b0 = System.nanoTime();
                try {
                    return next.handle(c);
                } finally {
                    below[0] = System.nanoTime() - b0;
                }
            });
            own[at.getAndIncrement()] = System.nanoTime() - t0 - below[0];
            return r;
        }

        @Override
        public String name() {
            return inner.name();
        }
    }

    /** "before": the stage below sees a trail no outcome record carries work on, so it commits its own rows. */
    private record Hide() implements Stage {
        @Override
        public ObjectNode handle(CallContext call, CallHandler next) throws GatewayException {
            io.portcullis.call.CallTrail trail = new io.portcullis.call.CallTrail();
            trail.tool(call.tool());
            return next.handle(new CallContext(call.callId(), call.principal(), call.environment(), call.sessionId(),
                    call.protocol(), call.toolName(), call.params(), call.tool(), call.relay(), call.started(), trail));
        }

        @Override
        public String name() {
            return "hide";
        }
    }

    public static void main(String[] args) throws Exception {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 8;
        int perThread = args.length > 1 ? Integer.parseInt(args[1]) : 300;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        Path dir = Files.createTempDirectory(Path.of("target"), "conv-stage");
        try (Store s = Store.open(new StoreConfig(null, dir, threads + 4)); AuditLog audit = AuditLog.open(s, AuditConfig.defaults(dir))) {
            ConversationStore m = new ConversationStore(s, Clock.systemUTC());
            ConversationMemory memory = new ConversationMemory(ConversationMemoryTest.ON, m);
            AtomicLong auditCommits = new AtomicLong();
            audit.stats().onCommit(n -> auditCommits.incrementAndGet());
            for (int round = 0; round <= rounds; round++) { // round 0 warms up both
                for (boolean after : new boolean[] {false, true}) {
                    int calls = threads * perThread;
                    long[] own = new long[calls];
                    long[] whole = new long[calls];
                    AtomicInteger at = new AtomicInteger();
                    AtomicInteger wholeAt = new AtomicInteger();
                    List<Stage> stages = new ArrayList<>(List.of(audit.outcomeStage()));
                    if (!after) {
                        stages.add(new Hide());
                    }
                    stages.add(new Timed(memory, own, at));
                    Pipeline p = new Pipeline(stages, c -> ConversationMemoryTest.ok());
                    long a0 = auditCommits.get();
                    long g0 = m.writes().commits();
                    ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
                    AtomicLong cpuNs = new AtomicLong();
                    CountDownLatch start = new CountDownLatch(1);
                    Thread[] ts = new Thread[threads];
                    String tag = "r" + round + (after ? "a" : "b");
                    for (int t = 0; t < threads; t++) {
                        int n = t;
                        ts[t] = Thread.ofPlatform().start(() -> {
                            try {
                                start.await();
                                long c0 = cpu.getCurrentThreadCpuTime();
                                for (int i = 0; i < perThread; i++) {
                                    CallContext c = ConversationMemoryTest.call(tag + "-" + n + "-" + i, ConversationMemoryTest.tool(
                                            "crm__lookup", List.of("customer-data")), tag + "-user-" + n + "-" + (i % 20), null);
                                    long w0 = System.nanoTime();
                                    p.call(c);
                                    whole[wholeAt.getAndIncrement()] = System.nanoTime() - w0;
                                }
                                cpuNs.addAndGet(cpu.getCurrentThreadCpuTime() - c0);
                            } catch (Exception e) {
                                throw new IllegalStateException(e);
                            }
                        });
                    }
                    var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
                    long p0 = os.getProcessCpuTime();
                    long w0 = System.nanoTime();
                    start.countDown();
                    for (Thread t : ts) {
                        t.join();
                    }
                    long wall = System.nanoTime() - w0;
                    long processCpu = os.getProcessCpuTime() - p0;
                    if (round > 0) {
                        Arrays.sort(own);
                        Arrays.sort(whole);
                        System.out.printf("round %d %-6s stage own p50 %7.1f µs p99 %8.1f µs | call p50 %7.1f µs p99 %8.1f µs | "
                                        + "CPU %6.1f µs/call (process %6.1f) | %6.0f calls/s | commits: audit %d + memory %d for %d calls%n",
                                round, after ? "after" : "before", own[calls / 2] / 1e3, own[calls * 99 / 100] / 1e3,
                                whole[calls / 2] / 1e3, whole[calls * 99 / 100] / 1e3, cpuNs.get() / 1e3 / calls, processCpu / 1e3 / calls,
                                calls / (wall / 1e9), auditCommits.get() - a0, m.writes().commits() - g0, calls);
                    }
                }
            }
        }
    }
}
