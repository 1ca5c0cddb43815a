package io.portcullis.ratelimit;

import io.github.bucket4j.TimeMeter;
import io.portcullis.call.GatewayException;
import io.portcullis.catalog.ToolEntry;
import io.portcullis.config.ConfigReader;
import io.portcullis.config.GatewayConfig;
import io.portcullis.identity.Principal;
import io.portcullis.protocol.Json;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The cost of a Redis rate-limit check (#20, #14: "Redis limits add at most 0.3 ms p50"), in process:
 * {@link RateLimits#admit} with its buckets in a real Redis (default 127.0.0.1:6379, a key prefix of
 * this run's own), once through Bucket4j's compare-and-swap backend as it was up to session 7
 * ({@link Bucket4jRedisBuckets}) and once through one Lua script per call ({@link RedisBuckets}),
 * alternating in one JVM: rounds old, new, old, new... CPU is the whole process's (the caller
 * threads and Lettuce's event loop; Redis's own is not counted), per admitted call; latency is
 * each {@code admit}'s wall time. Not a test (it runs for a minute and depends on the machine's load).
 * Run (after {@code mvn -o -q -DskipTests package}; the class path as in {@code EgressScanCpuTime}):
 * {@code java -cp target/classes:target/test-classes:$(mvn -o -q dependency:build-classpath -Dmdep.outputFile=/dev/stdout) io.portcullis.ratelimit.RedisLimitCpuTime [redis://127.0.0.1:6379 [calls per thread and round]]}
 */
public final class RedisLimitCpuTime {
    private RedisLimitCpuTime() {}

    private static final Principal ALICE = new Principal("alice", Principal.Kind.USER, "alice", List.of(), "c", "dev", "jwt",
            null, null, "https://idp.example", null, List.of());

    public static void main(String[] args) throws Exception {
        String url = args.length > 0 ? args[0] : "redis://127.0.0.1:6379";
        int calls = args.length > 1 ? Integer.parseInt(args[1]) : 4_000; // per thread and round
        String prefix = "h7-bench-" + UUID.randomUUID() + ":";
        // one bucket: the bench/run.sh row (3); three: the loop breaker, a per-principal and a per-tool limit
        String one = "limits: [{id: bench, per: principal, limit: 1000000000, every: 1s}]";
        String three = "loop: {max: 1000000000, within: 1s}\n      limits: [{id: bench, per: principal, limit: 1000000000, every: 1s}, "
                + "{id: tool, per: tool, limit: 1000000000, every: 1s}]";
        System.out.printf("Redis %s, key prefix %s, %d processors, load average %.2f%n", url, prefix,
                Runtime.getRuntime().availableProcessors(), ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        for (String[] setup : new String[][] {{"1 bucket", one}, {"3 buckets", three}}) {
            Fixture f = fixture(url, prefix, setup[1]);
            try (RateLimits old = new RateLimits(TimeMeter.SYSTEM_NANOTIME, Bucket4jRedisBuckets::new);
                 RateLimits now = new RateLimits()) {
                old.apply(f.config);
                now.apply(f.config);
                for (int threads : new int[] {1, 4}) {
                    run(old, f.tool, threads, calls / 2); // warm-up, both
                    run(now, f.tool, threads, calls / 2);
                    for (int round = 1; round <= 3; round++) {
                        report(setup[0], threads, "Bucket4j CAS (before)", run(old, f.tool, threads, calls));
                        report(setup[0], threads, "one Lua script (after)", run(now, f.tool, threads, calls));
                    }
                }
            }
        }
        System.out.printf("load average at the end %.2f%n", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }

    record Fixture(RateLimitConfig config, ToolEntry tool) {}

    private record Result(long cpuNanos, long calls, long[] latencies, long wallNanos) {}

    static Fixture fixture(String url, String prefix, String envYaml) throws Exception {
        GatewayConfig c = ConfigReader.parse("""
                environments: [dev]
                upstreams:
                  up: {command: [x]}
                catalog:
                  tools:
                    up__write: {owner: team-a, purpose: writes things, risk: state_changing}
                rate_limits:
                  redis: {url: "%s", key_prefix: "%s", timeout: 2s}
                  on_redis_down: fail_closed
                  environments:
                    dev:
                      %s
                """.formatted(url, prefix, envYaml), "gw.yaml", Path.of("/tmp"), null);
        var listing = Json.array();
        listing.addObject().put("name", "write").putObject("inputSchema").put("type", "object");
        ToolEntry tool = io.portcullis.catalog.Catalogs.of(c, Map.of("up", listing)).tool("up__write").orElseThrow();
        return new Fixture(c.rateLimits(), tool);
    }

    private static Result run(RateLimits limits, ToolEntry tool, int threads, int callsPerThread) throws Exception {
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long[][] lat = new long[threads][callsPerThread];
        AtomicLong refused = new AtomicLong();
        List<Thread> ts = new ArrayList<>();
        long cpu0 = os.getProcessCpuTime();
        long t0 = System.nanoTime();
        for (int t = 0; t < threads; t++) {
            long[] mine = lat[t];
            int n = t;
            ts.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; i < callsPerThread; i++) {
                    long s = System.nanoTime();
                    try (RateLimits.Permit p = limits.admit(ALICE, "dev", tool, Json.object().put("n", n * 1_000_000 + i))) {
                        mine[i] = System.nanoTime() - s;
                    } catch (GatewayException.Refused e) {
                        refused.incrementAndGet();
                        mine[i] = System.nanoTime() - s;
                    }
                }
            }));
        }
        for (Thread t : ts) {
            t.join();
        }
        long wall = System.nanoTime() - t0;
        long cpu = os.getProcessCpuTime() - cpu0;
        if (refused.get() > 0) {
            throw new IllegalStateException(refused.get() + " calls refused: Redis unreachable or the limits too low");
        }
        long[] all = Arrays.stream(lat).flatMapToLong(Arrays::stream).sorted().toArray();
        return new Result(cpu, all.length, all, wall);
    }

    private static void report(String setup, int threads, String which, Result r) {
        long[] l = r.latencies();
        System.out.printf("%-9s %d thread(s)  %-23s CPU %6.1f µs/call  p50 %6.1f µs  p99 %7.1f µs  %7.0f calls/s%n", setup, threads,
                which, r.cpuNanos() / 1e3 / r.calls(), l[l.length / 2] / 1e3, l[(int) (l.length * 0.99)] / 1e3,
                r.calls() / (r.wallNanos() / 1e9));
    }
}
