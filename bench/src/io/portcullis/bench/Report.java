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
 * <p>Each fixed rate is measured in rounds, every target once per round. A row's p50 and p99 are
 * the medians of its per-round values; "added" is the median over rounds of the difference from
 * the baseline in the same round (paired, so that noise from the rest of the machine, which comes
 * in bursts, mostly cancels); "worst p99" is the highest per-round p99, the noise left in.
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
    private final Map<String, Samples> peaks = new HashMap<>();

    Report(List<Bench.Spec> specs, double[] rates, int rounds, int concurrency, double targetRate) {
        this.specs = specs;
        this.rates = rates;
        this.rounds = rounds;
        this.concurrency = concurrency;
        this.targetRate = targetRate;
    }

    /** Adds one round of {@code target} at {@code rate}; rounds arrive in order. */
    void fixed(String target, double rate, Samples s) {
        fixed.computeIfAbsent(target + "@" + rate, k -> new ArrayList<>()).add(s);
    }

    /** One row of the latency table. */
    private record Row(double p50, double p99, double worstP99, double achieved, boolean saturated, int failed,
                       double added50, double added99, double cpuMicros) {}

    private Row row(Bench.Spec s, double rate) {
        List<Samples> mine = fixed.get(s.name() + "@" + rate);
        if (mine == null) {
            return null;
        }
        List<Samples> base = has(s.baseline()) ? fixed.get(s.baseline() + "@" + rate) : null;
        double[] p50 = new double[mine.size()];
        double[] p99 = new double[mine.size()];
        double[] d50 = new double[base == null ? 0 : Math.min(mine.size(), base.size())];
        double[] d99 = new double[d50.length];
        double calls = 0;
        double seconds = 0;
        double cpu = 0;
        boolean saturated = false;
        int failed = 0;
        for (int r = 0; r < mine.size(); r++) {
            Samples m = mine.get(r);
            p50[r] = m.percentileMs(50);
            p99[r] = m.percentileMs(99);
            calls += m.latenciesNs().length;
            seconds += m.seconds();
            cpu += m.cpuSeconds();
            saturated |= m.saturated();
            failed += m.errors() + m.unfinished();
            if (r < d50.length) {
                d50[r] = p50[r] - base.get(r).percentileMs(50);
                d99[r] = p99[r] - base.get(r).percentileMs(99);
            }
        }
        return new Row(median(p50), median(p99), Arrays.stream(p99).max().orElse(Double.NaN), calls / seconds,
                saturated, failed, d50.length == 0 ? Double.NaN : median(d50), d99.length == 0 ? Double.NaN : median(d99),
                calls == 0 ? Double.NaN : cpu * 1e6 / calls);
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
        b.append("### Latency at fixed offered loads (open loop, from the intended send time; medians of ")
                .append(rounds).append(" rounds)\n\n")
                .append("| target | offered/s | achieved/s | p50 ms | p99 ms | added p50 ms | added p99 ms | vs | worst p99 ms | CPU µs/call | errors |\n")
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
                        .append(f3(r.worstP99())).append(" | ").append(f0(r.cpuMicros())).append(" | ")
                        .append(r.failed()).append(" |\n");
            }
        }
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
