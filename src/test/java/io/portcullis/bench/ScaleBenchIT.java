package io.portcullis.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * #20 item 4: the command bench/README.md documents, {@code bench/scale.sh}, runs (small: a few
 * seconds of each phase, fewer tools, rules, sessions and upstreams) against the packaged gateway
 * and reports what the page says it reports: every big gateway's row with its ratio to the small
 * one, its paired difference and the verdict that follows the interval (the default, alternate order), and the
 * sessions opened with the bytes per open session. It asserts the report's content,
 * never a latency (the machine is shared; the figures belong to docs/performance.md).
 */
class ScaleBenchIT {

    @Test
    void item4_theScaleBenchRunsAndReportsEveryRow() throws Exception {
        String out = BenchScripts.run("bench/scale.sh", java.util.Map.ofEntries(
                java.util.Map.entry("SCALE_TOOLS", "50"),
                java.util.Map.entry("SCALE_RULES", "20"),
                java.util.Map.entry("SCALE_SESSIONS", "300"),
                java.util.Map.entry("SCALE_UPSTREAMS", "5"),
                java.util.Map.entry("BENCH_RATES", "100"),
                java.util.Map.entry("BENCH_SECONDS", "4"), // 0.5 s slices: enough pairs for a 95% interval
                java.util.Map.entry("BENCH_ROUNDS", "2"),
                java.util.Map.entry("BENCH_WARMUP", "1"),
                java.util.Map.entry("BENCH_GATEWAY_WARMUP", "1")
        ));
        assertThat(out).contains("opened 300 refused 0").containsPattern("\\*\\*(about \\d+ bytes per open session|not measurable at this size \\(the heap after GC moved by -?\\d+ KB; open more sessions\\))\\*\\*");
        for (String row : new String[] {"scale-tools", "scale-sessions", "scale-upstreams"}) {
            // | row | p50 | small's p50 | added | ratio | paired median (95% CI) | verdict |
            java.util.regex.Matcher m = Pattern.compile("^\\| " + row + " \\| ([0-9.]+) \\| ([0-9.]+) \\| [-+0-9.]+ \\| ([0-9.]+) \\| ([^|]*) \\| (yes|no[^|]*) \\|$",
                    Pattern.MULTILINE).matcher(out);
            assertThat(m.find()).as(row + " in " + out).isTrue();
            // the ratio is the row's p50 over small's (both medians of the same rounds)
            double base = Double.parseDouble(m.group(2));
            double ratio = Double.parseDouble(m.group(1)) / base;
            assertThat(Double.parseDouble(m.group(3))).as(row).isCloseTo(ratio, org.assertj.core.data.Offset.offset(0.006));
            // the default order is alternate: the verdict follows the paired interval's upper end (at most 10% of small's
            // p50); "no verdict" when a slice saturated or too few pairs gave no interval
            if (!m.group(5).startsWith("no verdict")) {
                java.util.regex.Matcher ci = Pattern.compile("^[-+0-9.]+ \\(([-+0-9.]+) \\.\\. ([-+0-9.]+)").matcher(m.group(4).trim());
                assertThat(ci.find()).as(row + ": the paired median and interval, in " + m.group(0)).isTrue();
                double hi = Double.parseDouble(ci.group(2));
                assertThat(m.group(5)).as(row).isEqualTo(hi <= 0.10 * base ? "yes" : "no");
            }
        }
        assertThat(out).contains("tools 50, rules 20, sessions 300, upstreams 5");
    }
}
