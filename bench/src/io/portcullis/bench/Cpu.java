package io.portcullis.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * CPU time used by the processes serving a target (each root and all its descendants), read
 * from /proc. It is the noise-resistant part of the benchmark: a busy machine stretches
 * latencies, but the work done per call stays about the same. Linux only; elsewhere it reads 0.
 */
final class Cpu {
    private static final double TICK = 0.01; // USER_HZ is 100 on Linux

    private Cpu() {}

    /** User + system seconds used so far by {@code roots} and their descendants. */
    static double seconds(List<Long> roots) {
        double total = 0;
        for (long pid : roots) {
            List<Long> all = new ArrayList<>();
            all.add(pid);
            ProcessHandle.of(pid).ifPresent(p -> p.descendants().forEach(d -> all.add(d.pid())));
            for (long p : all) {
                total += ticks(p) * TICK;
            }
        }
        return total;
    }

    private static long ticks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime (fields 14 and 15)
        } catch (Exception e) {
            return 0; // gone, or not Linux
        }
    }
}
