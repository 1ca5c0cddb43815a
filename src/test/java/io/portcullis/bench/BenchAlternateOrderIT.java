package io.portcullis.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code BENCH_ORDER=alternate} (bench/README.md "How it measures"; for the #13, #14, #18, #19 verdicts of
 * 0.05–0.3 ms): bench/run.sh, run small against the packaged gateway (100 calls/s, one round of 3 s cut
 * into slices of 0.5 s: 6 slices a side), offers the target and its baseline alone, in the order A B B A
 * A B B A ..., and its report carries the paired table: the median of the paired differences, its 95%
 * interval, the number of pairs and the verdict against BENCH_LIMIT_MS; the other tables (fixed rates,
 * peak, each control's time) are still there. It checks the run's log of the slices (slices.tsv) against
 * the table, never a latency (the machine is shared; the figures belong to docs/performance.md).
 */
class BenchAlternateOrderIT {

    @Test
    void theAlternateOrderRunsSlicesABBAAndReportsThePairedDifferencesWithAnInterval() throws Exception {
        String out = BenchScripts.run("bench/run.sh", java.util.Map.ofEntries(
                java.util.Map.entry("BENCH_ONLY", "http-direct,portcullis-http-legacy"),
                java.util.Map.entry("BENCH_ORDER", "alternate"),
                java.util.Map.entry("BENCH_SLICE_SECONDS", "0.5"),
                java.util.Map.entry("BENCH_SETTLE_SECONDS", "0.1"),
                java.util.Map.entry("BENCH_LIMIT_MS", "0.1"),
                java.util.Map.entry("BENCH_RATES", "100"),
                java.util.Map.entry("BENCH_SECONDS", "3"),
                java.util.Map.entry("BENCH_ROUNDS", "1"),
                java.util.Map.entry("BENCH_WARMUP", "2"),
                java.util.Map.entry("BENCH_PEAK_SECONDS", "1"),
                java.util.Map.entry("BENCH_NICE", "0")
        ));
        assertThat(out).contains("- order: alternate (BENCH_ORDER)", "### Paired slices (BENCH_ORDER=alternate",
                "alone, in slices alternating with its baseline's", "### Peak throughput",
                "### Time each control spent on the call path, in process");

        // the log of the slices: 12 of 0.5 s, A (http-direct) and B (the gateway) in the order A B B A ...
        List<String[]> slices = Files.readAllLines(Path.of("target/bench/slices.tsv")).stream().skip(1)
                .map(l -> l.split("\t")).toList();
        assertThat(slices).hasSize(12);
        StringBuilder order = new StringBuilder();
        for (String[] s : slices) {
            order.append(s[3]);
            assertThat(s[4]).isEqualTo(s[3].equals("A") ? "http-direct" : "portcullis-http-legacy");
        }
        assertThat(order).hasToString("ABBAABBAABBA");

        // the table: 6 pairs, the median of B - A over adjacent slices as in the log, an interval around it, a verdict
        Matcher m = Pattern.compile("^\\| portcullis-http-legacy \\| http-direct \\| 100 \\| (\\d+) \\| ([-+0-9.]+) \\| "
                + "([-+0-9.]+) \\.\\. ([-+0-9.]+) \\(([0-9.]+)%\\) \\| [-+0-9.]+ \\| [^|]+ \\| (\\d+) of 12 \\| "
                + "(met|not met|not resolved at this noise \\(CI [-0-9.]+\\.\\.[-0-9.]+\\)|not resolved \\(\\d+ slices saturated\\)) \\|$", Pattern.MULTILINE).matcher(out);
        assertThat(m.find()).as(out).isTrue();
        assertThat(m.group(1)).isEqualTo("6");
        double[] diffs = new double[6];
        for (int i = 0; i < 6; i++) {
            String[] first = slices.get(2 * i);
            String[] second = slices.get(2 * i + 1);
            String[] b = first[3].equals("B") ? first : second;
            String[] a = first[3].equals("B") ? second : first;
            diffs[i] = Double.parseDouble(b[5]) - Double.parseDouble(a[5]);
        }
        Arrays.sort(diffs);
        double median = (diffs[2] + diffs[3]) / 2;
        assertThat(Double.parseDouble(m.group(2))).isCloseTo(median, org.assertj.core.data.Offset.offset(0.0015));
        // 6 pairs: the interval is the smallest and largest difference (coverage 1 - 2/64)
        assertThat(Double.parseDouble(m.group(3))).isCloseTo(diffs[0], org.assertj.core.data.Offset.offset(0.0015));
        assertThat(Double.parseDouble(m.group(4))).isCloseTo(diffs[5], org.assertj.core.data.Offset.offset(0.0015));
        assertThat(m.group(5)).isEqualTo(String.format(Locale.ROOT, "%.1f", 100 * (1 - 2.0 / 64)));
        double low = Double.parseDouble(m.group(3));
        double high = Double.parseDouble(m.group(4));
        int saturated = Integer.parseInt(m.group(6));
        String expected = high <= 0.1 ? (saturated == 0 ? "met" : "not resolved (" + saturated + " slices saturated)")
                : low > 0.1 ? "not met" : "not resolved at this noise";
        assertThat(m.group(7)).startsWith(expected);
    }
}
