package io.portcullis.ratelimit;

import io.github.bucket4j.TimeMeter;
import io.portcullis.call.GatewayException;
import io.portcullis.catalog.ToolEntry;
import io.portcullis.identity.Principal;
import io.portcullis.protocol.Json;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * #14 (session 9): the rate-limit stage's own time at a fixed rate, as the gateway runs it: 32
 * virtual threads (the gateway's request threads are virtual) share an open-loop schedule of
 * {@code rate} calls a second (call i is due at start + i/rate, on thread i mod 32), each calls
 * {@link RateLimits#admit} (all that the {@code rate-limit} stage does) with the full benchmark
 * profile's buckets (loop breaker, per principal, per tool; far above the load) for one of 12
 * principals, then, when {@code work} is given, spins that many microseconds of CPU on the same
 * thread: the rest of the gateway's call, so the carriers are as busy as the gateway's. Backends in
 * alternating rounds in one JVM: in-process buckets ({@code local}), Redis through Lettuce as up to
 * session 8 ({@code before}, {@link LettuceRedisBuckets}), Redis on the caller's own blocking
 * connection ({@code after}, {@link RedisBuckets}); Redis is 127.0.0.1:6379 (or {@code -Dredis=URL}),
 * a key prefix of the run's own. Prints p50/p99/max of admit's wall time, how late the calls started (the
 * schedule's own delay), and the process CPU per call (Redis's own CPU is read from
 * {@code INFO commandstats} by the caller). Not a test (it depends on the machine's load). Run:
 * (after {@code mvn -o -q -DskipTests package} and, since Lettuce is test scope (session 9),
 * {@code mvn -o -q dependency:build-classpath -Dmdep.outputFile=target/test.cp}) {@code java -cp
 * target/test-classes:target/portcullis-0.1.0-SNAPSHOT.jar:$(cat target/test.cp) io.portcullis.ratelimit.RedisLimitStageTime [rate [seconds [rounds [work µs]]]]}
 * ({@code -Donly=before,after} picks backends; "after" is Jedis on the caller's thread since h7, session 9)
 */
public final class RedisLimitStageTime {
    private RedisLimitStageTime() {}

    static final String THREE = "loop: {max: 1000000000, within: 1s}\n      limits: [{id: bench-user, per: principal, limit: 1000000000, "
            + "every: 1s}, {id: bench-tool, per: tool, limit: 1000000000, every: 1s}]";

    private record Result(long[] took, long[] late, long cpuNanos, long refused) {}

    public static void main(String[] args) throws Exception {
        int rate = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        long workNanos = args.length > 3 ? Long.parseLong(args[3]) * 1000 : 0;
        String url = System.getProperty("redis", "redis://127.0.0.1:6379");
        String prefix = "h4-stage-" + UUID.randomUUID() + ":";
        RedisLimitCpuTime.Fixture f = RedisLimitCpuTime.fixture(url, prefix, THREE);
        RateLimitConfig noRedis = new RateLimitConfig(null, f.config().fallback(), f.config().environments());
        List<Principal> who = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            who.add(new Principal("u" + i, Principal.Kind.USER, "u" + i, List.of(), "c", "dev", "jwt", null, null,
                    "https://idp.example", null, List.of()));
        }
        System.out.printf("rate %d/s, %d s per round, 32 virtual threads, work %d µs per call, %d processors, load %.2f, prefix %s%n",
                rate, seconds, workNanos / 1000, Runtime.getRuntime().availableProcessors(),
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(), prefix);
        try (RateLimits local = new RateLimits();
             RateLimits before = new RateLimits(TimeMeter.SYSTEM_NANOTIME, LettuceRedisBuckets::new);
             RateLimits after = new RateLimits(TimeMeter.SYSTEM_NANOTIME, RedisBuckets::new)) {
            local.apply(noRedis);
            before.apply(f.config());
            after.apply(f.config());
            // -Donly=local,before,after: the backends to run, in this order, alternating by round
            List<String> only = List.of(System.getProperty("only", "local,before,after").split(","));
            Map<String, RateLimits> by = Map.of("local", local, "before", before, "after", after);
            for (String b : only) {
                run(by.get(b), f.tool(), who, rate, 2, workNanos); // warm-up
            }
            for (int r = 1; r <= rounds; r++) {
                for (String b : only) {
                    report(b, r, run(by.get(b), f.tool(), who, rate, seconds, workNanos));
                }
            }
        }
        System.out.printf("load at the end %.2f%n", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }

    private static Result run(RateLimits limits, ToolEntry tool, List<Principal> who, int rate, int seconds, long work)
            throws InterruptedException {
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        int n = rate * seconds;
        int threads = 32;
        long[] took = new long[n];
        long[] late = new long[n];
        AtomicLong refused = new AtomicLong();
        long interval = 1_000_000_000L / rate;
        long cpu0 = os.getProcessCpuTime();
        long start = System.nanoTime() + 20_000_000;
        List<Thread> ts = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int first = t;
            ts.add(Thread.ofVirtual().start(() -> {
                for (int i = first; i < n; i += threads) {
                    long due = start + i * interval;
                    long now;
                    while ((now = System.nanoTime()) < due) {
                        LockSupport.parkNanos(due - now); // the schedule's pace, not a synchronisation
                    }
                    late[i] = now - due;
                    try (RateLimits.Permit p = limits.admit(who.get(i % who.size()), "dev", tool, Json.object().put("m", i % 64))) {
                        took[i] = System.nanoTime() - now;
                        spin(work);
                    } catch (GatewayException.Refused e) {
                        took[i] = System.nanoTime() - now;
                        refused.incrementAndGet();
                    }
                }
            }));
        }
        for (Thread t : ts) {
            t.join();
        }
        return new Result(took, late, os.getProcessCpuTime() - cpu0, refused.get());
    }

    private static void spin(long nanos) {
        long end = System.nanoTime() + nanos;
        while (System.nanoTime() < end) {
            Thread.onSpinWait();
        }
    }

    private static void report(String which, int round, Result r) {
        long[] t = r.took().clone();
        long[] l = r.late().clone();
        Arrays.sort(t);
        Arrays.sort(l);
        System.out.printf("%-5s round %d  admit p50 %7.1f µs  p99 %8.1f µs  max %8.1f µs  mean %7.1f µs | late p50 %6.1f p99 %8.1f µs"
                        + " | CPU %5.1f µs/call%s%n", which, round, t[t.length / 2] / 1e3, t[(int) (t.length * 0.99)] / 1e3,
                t[t.length - 1] / 1e3, Arrays.stream(t).average().orElse(0) / 1e3, l[l.length / 2] / 1e3,
                l[(int) (l.length * 0.99)] / 1e3, r.cpuNanos() / 1e3 / t.length, r.refused() > 0 ? "  REFUSED " + r.refused() : "");
    }
}
