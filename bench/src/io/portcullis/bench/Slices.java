package io.portcullis.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The alternating order ({@code BENCH_ORDER=alternate}): a round of a target against its baseline
 * is cut into short slices, each offered the full rate <em>alone</em>, in the order A B B A A B B A
 * ... (A the baseline, B the target; the order continues across rounds, so that a drift of the
 * machine's load over the run hits both sides alike). Each slice starts after a short settle gap.
 * Two gateways never share the 2 cores at 1,000 calls/s each, so a slice measures the call, not a
 * queue made by the other side. Every slice is written to {@code slices.tsv} (the run's log of the
 * order); each adjacent pair goes to {@link Paired}.
 */
final class Slices implements AutoCloseable {
    private final double sliceSeconds;
    private final double settleSeconds;
    private final Paired paired;
    private final PrintWriter log;
    /** Per target and rate: the position in the A B B A order, continued across rounds. */
    private final Map<String, Long> next = new HashMap<>();

    Slices(double sliceSeconds, double settleSeconds, Paired paired, Path log) throws IOException {
        if (!(sliceSeconds > 0) || !(settleSeconds >= 0)) {
            throw new IllegalArgumentException("slice seconds must be > 0 and settle seconds >= 0");
        }
        this.sliceSeconds = sliceSeconds;
        this.settleSeconds = settleSeconds;
        this.paired = paired;
        this.log = new PrintWriter(Files.newBufferedWriter(log), true);
        this.log.println("rate\tround\tslice\tside\tname\tp50_ms\tp99_ms\tanswered\terrors\tunfinished\tcpu_s");
    }

    /**
     * One round of {@code t} (B) against its baseline {@code b} (A) at {@code rate}: each side gets
     * {@code roundSeconds} in all, in slices of about {@link #sliceSeconds}; returns {B's slices
     * merged, A's slices merged}, as the side-by-side order returns its two samples.
     */
    Samples[] round(Bench.Spec ts, Target t, List<Long> tProcs, Bench.Spec bs, Target b, List<Long> bProcs,
                    double rate, double roundSeconds, int round) throws Exception {
        int perSide = Math.max(1, (int) Math.round(roundSeconds / sliceSeconds));
        double length = roundSeconds / perSide;
        String key = ts.name() + "@" + rate;
        List<Samples> mine = new ArrayList<>();
        List<Samples> base = new ArrayList<>();
        Samples pending = null;
        for (int i = 0; i < 2 * perSide; i++) {
            long k = next.merge(key, 1L, Long::sum) - 1;
            boolean target = Paired.isTargetSlice(k);
            List<Long> procs = target ? tProcs : bProcs;
            double cpu0 = Cpu.seconds(procs);
            long start = System.nanoTime() + Math.round(settleSeconds * 1e9);
            Samples s = (target ? t : b).fixedRate(rate, length, start);
            s = s.withCpu(Cpu.seconds(procs) - cpu0);
            (target ? mine : base).add(s);
            log.printf(Locale.ROOT, "%.0f\t%d\t%d\t%s\t%s\t%.3f\t%.3f\t%d\t%d\t%d\t%.2f%n", rate, round + 1, k + 1,
                    target ? "B" : "A", (target ? ts : bs).name(), s.percentileMs(50), s.percentileMs(99),
                    s.latenciesNs().length, s.errors(), s.unfinished(), s.cpuSeconds());
            if (k % 2 == 0) {
                pending = s;
            } else {
                paired.add(ts.name(), rate, target ? s : pending, target ? pending : s);
            }
        }
        return new Samples[] {merge(mine), merge(base)};
    }

    /** The slices of one side of a round as one sample: every latency, the errors, the time and the CPU added up. */
    static Samples merge(List<Samples> slices) {
        long[] all = slices.stream().flatMapToLong(s -> Arrays.stream(s.latenciesNs())).sorted().toArray();
        return new Samples(all, slices.stream().mapToInt(Samples::errors).sum(), slices.stream().mapToInt(Samples::unfinished).sum(),
                slices.stream().mapToDouble(Samples::seconds).sum(), slices.get(0).offered(),
                slices.stream().mapToDouble(Samples::cpuSeconds).sum());
    }

    @Override
    public void close() {
        log.close();
    }
}
