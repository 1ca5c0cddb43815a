package io.portcullis.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The benchmark's one table, in Markdown: latency at each fixed rate with the delta against the
 * row's baseline (the same upstream called directly), peak throughput with the ratio against the
 * row's peer proxy, and whether each of the project's targets is met.
 *
 * <p>Each fixed rate is measured in rounds; in every round each target runs at the same time as
 * its baseline. A row's p50 and p99 are the medians of its per-round values (a baseline row: over
 * every round it ran in); "added" is the median over rounds of the difference from the baseline
 * measured at the same time (paired, so that the shared machine's noise, which hits both, mostly
 * cancels); "worst p99" is the highest per-round p99, the noise left in; "added CPU" is the CPU
 * the target's processes used beyond the baseline's, per call. In the alternating order
 * (BENCH_ORDER=alternate) a round's samples of each side are its slices merged, and the paired
 * slices' table ({@link Paired}) follows the latency table.
 */
final class Report {
    private static final double MAX_ADDED_P50_MS = 1.0;
    private static final double MAX_ADDED_P99_MS = 5.0;
    private static final double MIN_PEAK_RATIO = 2.0;

    private final List<Bench.Spec> specs;
    private final double[] rates;
    private final int rounds;
    private final int concurrency;
    private final double targetRate;
    private final Map<String, List<Samples>> fixed = new HashMap<>();
    /** Per target and rate: its rounds, each {target samples, baseline samples measured alongside}. */
    private final Map<String, List<Samples[]>> pairs = new HashMap<>();
    private final Map<String, Samples> peaks = new HashMap<>();
    /** The alternating order's paired slices (empty in the side-by-side order). */
    private final Paired paired;

    Report(List<Bench.Spec> specs, double[] rates, int rounds, int concurrency, double targetRate) {
        this(specs, rates, rounds, concurrency, targetRate, new Paired(Double.NaN));
    }

    Report(List<Bench.Spec> specs, double[] rates, int rounds, int concurrency, double targetRate, Paired paired) {
        this.paired = paired;
        this.specs = specs;
        this.rates = rates;
        this.rounds = rounds;
        this.concurrency = concurrency;
        this.targetRate = targetRate;
    }

    /**
     * Adds one round of {@code target} at {@code rate}: {@code m[0]} its samples and, when it has a
     * {@code baseline}, {@code m[1]} the baseline's, measured at the same time.
     */
    void fixed(String target, String baseline, double rate, Samples[] m) {
        fixed.computeIfAbsent(target + "@" + rate, k -> new ArrayList<>()).add(m[0]);
        if (baseline != null) {
            fixed.computeIfAbsent(baseline + "@" + rate, k -> new ArrayList<>()).add(m[1]);
            pairs.computeIfAbsent(target + "@" + rate, k -> new ArrayList<>()).add(m);
        }
    }

    /** One row of the latency table. */
    private record Row(double p50, double p99, double worstP99, double achieved, boolean saturated, int failed,
                       double added50, double added99, double addedCpuMicros) {}

    private Row row(Bench.Spec s, double rate) {
        List<Samples> mine = fixed.get(s.name() + "@" + rate);
        if (mine == null) {
            return null;
        }
        List<Samples[]> paired = pairs.getOrDefault(s.name() + "@" + rate, List.of());
        double[] p50 = new double[mine.size()];
        double[] p99 = new double[mine.size()];
        double calls = 0;
        double seconds = 0;
        int unfinished = 0;
        int failed = 0;
        for (int r = 0; r < mine.size(); r++) {
            Samples m = mine.get(r);
            p50[r] = m.percentileMs(50);
            p99[r] = m.percentileMs(99);
            calls += m.latenciesNs().length;
            seconds += m.seconds();
            failed += m.errors() + m.unfinished();
            unfinished += m.unfinished();
        }
        double[] d50 = new double[paired.size()];
        double[] d99 = new double[paired.size()];
        double addedCpu = 0;
        double pairedCalls = 0;
        for (int r = 0; r < paired.size(); r++) {
            Samples m = paired.get(r)[0];
            Samples base = paired.get(r)[1];
            d50[r] = m.percentileMs(50) - base.percentileMs(50);
            d99[r] = m.percentileMs(99) - base.percentileMs(99);
            addedCpu += m.cpuSeconds() - base.cpuSeconds();
            pairedCalls += m.latenciesNs().length;
        }
        // the same rule as Samples.saturated, over all the rounds
        boolean saturated = unfinished > 0 || calls / seconds < rate * 0.9;
        return new Row(median(p50), median(p99), Arrays.stream(p99).max().orElse(Double.NaN), calls / seconds,
                saturated, failed, median(d50), median(d99), pairedCalls == 0 ? Double.NaN : addedCpu * 1e6 / pairedCalls);
    }

    private static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        int n = v.length;
        return n == 0 ? Double.NaN : n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }

    void peak(String target, Samples s) {
        peaks.put(target, s);
    }

    String markdown() {
        StringBuilder b = new StringBuilder();
        String paired = this.paired.markdown(specs, rates);
        b.append("### Latency at fixed offered loads (open loop, from the intended send time; each target measured ")
                .append(paired.isEmpty() ? "at the same time as its baseline" : "alone, in slices alternating with its baseline's")
                .append("; medians of ").append(rounds).append(" rounds)\n\n")
                .append("| target | offered/s | achieved/s | p50 ms | p99 ms | added p50 ms | added p99 ms | vs | worst p99 ms | added CPU µs/call | errors |\n")
                .append("|---|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|\n");
        for (double rate : rates) {
            for (Bench.Spec s : specs) {
                Row r = row(s, rate);
                if (r == null) {
                    continue;
                }
                b.append("| ").append(s.name()).append(" | ").append(f0(rate)).append(" | ").append(f1(r.achieved()))
                        .append(r.saturated() ? " (saturated)" : "").append(" | ")
                        .append(f3(r.p50())).append(" | ").append(f3(r.p99())).append(" | ")
                        .append(Double.isNaN(r.added50()) ? "" : signed(r.added50())).append(" | ")
                        .append(Double.isNaN(r.added99()) ? "" : signed(r.added99())).append(" | ")
                        .append(Double.isNaN(r.added50()) ? "" : s.baseline()).append(" | ")
                        .append(f3(r.worstP99())).append(" | ")
                        .append(Double.isNaN(r.addedCpuMicros()) ? "" : f0(r.addedCpuMicros())).append(" | ")
                        .append(r.failed()).append(" |\n");
            }
        }
        b.append(paired);
        b.append("\n### Peak throughput (closed loop, ").append(concurrency).append(" concurrent callers)\n\n")
                .append("| target | peak calls/s | p50 ms | p99 ms | CPU µs/call | errors | vs peer |\n")
                .append("|---|---:|---:|---:|---:|---:|---|\n");
        for (Bench.Spec s : specs) {
            Samples m = peaks.get(s.name());
            if (m == null) {
                continue;
            }
            Samples peer = has(s.peer()) ? peaks.get(s.peer()) : null;
            b.append("| ").append(s.name()).append(" | ").append(f0(m.achieved())).append(" | ")
                    .append(f3(m.percentileMs(50))).append(" | ").append(f3(m.percentileMs(99))).append(" | ")
                    .append(f0(m.cpuMicrosPerCall())).append(" | ").append(m.errors()).append(" | ")
                    .append(peer == null ? "" : f2(m.achieved() / peer.achieved()) + "x " + s.peer()).append(" |\n");
        }
        b.append("\n### Targets\n\n");
        for (Bench.Spec s : specs) {
            if (!"portcullis".equals(s.role())) {
                continue;
            }
            Row r = row(s, targetRate);
            if (r != null && !Double.isNaN(r.added50())) {
                boolean kept = !r.saturated() && r.failed() == 0;
                b.append("- ").append(s.name()).append(" at ").append(f0(targetRate)).append(" calls/s: added p50 ")
                        .append(signed(r.added50())).append(" ms (target <= ").append(f0(MAX_ADDED_P50_MS)).append(" ms: ")
                        .append(verdict(kept && r.added50() <= MAX_ADDED_P50_MS)).append("), added p99 ").append(signed(r.added99()))
                        .append(" ms (target <= ").append(f0(MAX_ADDED_P99_MS)).append(" ms: ")
                        .append(verdict(kept && r.added99() <= MAX_ADDED_P99_MS)).append(")\n");
            }
            Samples p = peaks.get(s.name());
            Samples peer = has(s.peer()) ? peaks.get(s.peer()) : null;
            if (p != null && peer != null) {
                double ratio = p.achieved() / peer.achieved();
                b.append("- ").append(s.name()).append(" peak ").append(f0(p.achieved())).append(" calls/s = ")
                        .append(f2(ratio)).append("x ").append(s.peer()).append(" (").append(f0(peer.achieved()))
                        .append(" calls/s; target >= ").append(f0(MIN_PEAK_RATIO)).append("x: ")
                        .append(verdict(ratio >= MIN_PEAK_RATIO)).append(")\n");
            }
        }
        return b.toString();
    }

    private static boolean has(String name) {
        return name != null && !name.isEmpty() && !"-".equals(name);
    }

    private static String verdict(boolean met) {
        return met ? "met" : "MISSED";
    }

    private static String f0(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.0f", v);
    }

    private static String f1(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    private static String f2(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }

    private static String f3(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.3f", v);
    }

    private static String signed(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%+.3f", v);
    }
}
