package io.portcullis.bench;

import io.portcullis.egress.BuiltInDetectors;
import io.portcullis.egress.Scanner;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Random;

/**
 * The egress scanner's throughput per CPU second (docs/performance.md "Egress scanner"): the same
 * texts as {@link EgressScanBenchmark}, scanned on one thread, timed by the thread's CPU time rather
 * than the wall clock, so that a shared, overloaded machine (where the wall-clock JMH figure mostly
 * measures the wait for a core) still gives the cost of the work. Not a JMH benchmark, not a test.
 * Run (after {@code mvn -B test-compile}):
 * {@code java -cp target/classes:target/test-classes:$(mvn -q dependency:build-classpath -Dmdep.outputFile=/dev/stdout) io.portcullis.bench.EgressScanCpuTime}
 */
public final class EgressScanCpuTime {
    private EgressScanCpuTime() {}

    public static void main(String[] args) {
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        Scanner scanner = new Scanner(BuiltInDetectors.all().stream().filter(d -> !d.optIn()).toList());
        for (String kind : new String[] {"prose", "json", "hits"}) {
            String text = EgressScanBenchmark.make(kind, new Random(13));
            int sink = 0;
            for (int i = 0; i < 200; i++) { // warm-up
                sink += scanner.scan(text).size();
            }
            int rounds = 300;
            long t0 = cpu.getCurrentThreadCpuTime();
            for (int i = 0; i < rounds; i++) {
                sink += scanner.scan(text).size();
            }
            long ns = cpu.getCurrentThreadCpuTime() - t0;
            double mbPerS = (double) text.length() * rounds / (ns / 1e9) / 1e6;
            System.out.printf("%-6s %8.1f MB per CPU-second (%d chars, %.2f ms CPU per scan, %d hits)%n", kind, mbPerS,
                    text.length(), ns / 1e6 / rounds, sink);
        }
    }
}
