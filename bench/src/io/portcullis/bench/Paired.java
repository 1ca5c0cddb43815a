package io.portcullis.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The arithmetic of the alternating order ({@code BENCH_ORDER=alternate}, bench/README.md "How it
 * measures"): a target (B) and its baseline (A) are offered the rate alone, in short slices in the
 * order A B B A A B B A ..., and every adjacent (A, B) pair of slices gives one paired difference,
 * B's p50 minus A's (and the same for p99). The report gives the median of those differences, a
 * distribution-free 95% confidence interval of that median from order statistics (no resampling,
 * no seed: the same samples always give the same interval), the number of pairs, and with a limit
 * ({@code BENCH_LIMIT_MS}) a verdict on the p50: "met" when the interval's upper end is at most
 * the limit, "not met" when its lower end is above it, otherwise "not resolved at this noise".
 */
final class Paired {
    /** The wanted coverage of the interval. */
    static final double CONFIDENCE = 0.95;

    /**
     * The median of {@code pairs} paired differences and its confidence interval: the {@code k}-th
     * smallest and {@code k}-th largest difference, {@code coverage} the interval's exact coverage
     * (NaN bounds when fewer than 6 pairs: then no such interval reaches 95%).
     */
    record Summary(int pairs, double median, double low, double high, double coverage) {}

    /** Per row and rate ("name@rate"): the paired differences {p50, p99} in ms, and how many slices saturated. */
    private final Map<String, List<double[]>> diffs = new LinkedHashMap<>();
    private final Map<String, Integer> saturated = new LinkedHashMap<>();
    private final double limitMs;

    /** {@code limitMs}: the verdict's limit on the added p50 in ms, NaN for no verdict. */
    Paired(double limitMs) {
        this.limitMs = limitMs;
    }

    /** Whether slice {@code k} (0, 1, 2, ...) of a row is the target's (B): the order is A B B A A B B A ... */
    static boolean isTargetSlice(long k) {
        long r = k % 4;
        return r == 1 || r == 2;
    }

    /** Adds one adjacent pair of slices of {@code target} at {@code rate}: {@code b} the target's, {@code a} its baseline's. */
    void add(String target, double rate, Samples b, Samples a) {
        String key = target + "@" + rate;
        diffs.computeIfAbsent(key, k -> new ArrayList<>())
                .add(new double[] {b.percentileMs(50) - a.percentileMs(50), b.percentileMs(99) - a.percentileMs(99)});
        saturated.merge(key, (b.saturated() ? 1 : 0) + (a.saturated() ? 1 : 0), Integer::sum);
    }

    /**
     * The ranks (1-based) of the interval's ends among {@code n} sorted differences: the largest
     * {@code k} with P(k-th smallest &lt;= median &lt;= k-th largest) = 1 - 2 P(Bin(n, 1/2) &lt;= k - 1)
     * at least {@link #CONFIDENCE}; {@code {k, n - k + 1}}, or {@code null} when even {@code k = 1} falls short.
     */
    static int[] ranks(int n) {
        int k = 0;
        double below = 0; // P(Bin(n, 1/2) <= j - 1) for j = k + 1
        double logC = 0; // log C(n, j)
        for (int j = 0; j < n; j++) {
            below += Math.exp(logC - n * Math.log(2)); // now P(Bin <= j)
            if (1 - 2 * below < CONFIDENCE) {
                break;
            }
            k = j + 1;
            logC += Math.log(n - j) - Math.log(j + 1);
        }
        return k == 0 ? null : new int[] {k, n - k + 1};
    }

    /** The exact coverage of the interval between the {@code k}-th smallest and largest of {@code n}. */
    static double coverage(int n, int k) {
        double below = 0;
        double logC = 0;
        for (int j = 0; j < k; j++) {
            below += Math.exp(logC - n * Math.log(2));
            logC += Math.log(n - j) - Math.log(j + 1);
        }
        return 1 - 2 * below;
    }

    /** The median of the differences with its distribution-free 95% confidence interval. */
    static Summary summary(double[] differences) {
        double[] v = Arrays.stream(differences).filter(d -> !Double.isNaN(d)).sorted().toArray();
        int n = v.length;
        double median = n == 0 ? Double.NaN : n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
        int[] r = ranks(n);
        return r == null ? new Summary(n, median, Double.NaN, Double.NaN, Double.NaN)
                : new Summary(n, median, v[r[0] - 1], v[r[1] - 1], coverage(n, r[0]));
    }

    /** The verdict on an added p50 against {@code limitMs} from the interval (see the class comment). */
    static String verdict(Summary s, double limitMs) {
        return verdict(s, limitMs, 0);
    }

    /**
     * The same, fail closed: with {@code saturatedSlices} &gt; 0 (slices that fell behind the rate, whose
     * latency is a queue's) an interval under the limit is not taken as "met".
     */
    static String verdict(Summary s, double limitMs, int saturatedSlices) {
        if (Double.isNaN(s.low())) {
            return "not resolved (" + s.pairs() + " pairs; a 95% interval needs at least 6)";
        }
        if (s.high() <= limitMs) {
            return saturatedSlices == 0 ? "met" : "not resolved (" + saturatedSlices + " slices saturated)";
        }
        if (s.low() > limitMs) {
            return "not met";
        }
        return "not resolved at this noise (CI " + f3(s.low()) + ".." + f3(s.high()) + ")";
    }

    /** The section of the report: one row per compared target and rate; empty when nothing was paired. */
    String markdown(List<Bench.Spec> specs, double[] rates) {
        if (diffs.isEmpty()) {
            return "";
        }
        StringBuilder b = new StringBuilder("\n### Paired slices (BENCH_ORDER=alternate: target and baseline alone, ")
                .append("in alternating slices A B B A ...; added = target's slice minus the adjacent baseline slice)\n\n")
                .append("| target | vs | offered/s | pairs | median added p50 ms | 95% CI p50 ms | median added p99 ms | 95% CI p99 ms | saturated slices | verdict")
                .append(Double.isNaN(limitMs) ? "" : " (added p50 <= " + limitMs + " ms)").append(" |\n")
                .append("|---|---|---:|---:|---:|---|---:|---|---:|---|\n");
        for (double rate : rates) {
            for (Bench.Spec s : specs) {
                List<double[]> d = diffs.get(s.name() + "@" + rate);
                if (d == null) {
                    continue;
                }
                Summary p50 = summary(d.stream().mapToDouble(x -> x[0]).toArray());
                Summary p99 = summary(d.stream().mapToDouble(x -> x[1]).toArray());
                int sat = saturated.get(s.name() + "@" + rate);
                b.append("| ").append(s.name()).append(" | ").append(s.baseline()).append(" | ")
                        .append(String.format(Locale.ROOT, "%.0f", rate)).append(" | ").append(p50.pairs()).append(" | ")
                        .append(signed(p50.median())).append(" | ").append(interval(p50)).append(" | ")
                        .append(signed(p99.median())).append(" | ").append(interval(p99)).append(" | ")
                        .append(sat).append(" of ").append(2 * d.size()).append(" | ")
                        .append(Double.isNaN(limitMs) ? "" : verdict(p50, limitMs, sat)).append(" |\n");
            }
        }
        return b.toString();
    }

    private static String interval(Summary s) {
        return Double.isNaN(s.low()) ? "n/a" : signed(s.low()) + " .. " + signed(s.high())
                + String.format(Locale.ROOT, " (%.1f%%)", 100 * s.coverage());
    }

    private static String f3(double v) {
        return String.format(Locale.ROOT, "%.3f", v);
    }

    private static String signed(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%+.3f", v);
    }
}
