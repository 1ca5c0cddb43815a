package io.portcullis.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * #13, #14, #18 and #20 item 1: {@code bench/run.sh} reports, next to the end-to-end rows, the time
 * each control spent on the call path during the fixed-rate rounds, read from the gateway's own
 * {@code portcullis_control_duration_seconds} before the first round and after the last
 * (bench/src/.../ControlTimes.java). Run small (100 calls/s for 2 s: 200 calls offered, after a warm-up
 * of thousands of calls and before a peak phase of thousands more), it must count the rounds' calls
 * only: a control every call passes counts between 190 and 200 calls, never the warm-up's. It asserts
 * the report's content, never a time (the figures belong to docs/performance.md).
 */
class BenchControlTimesIT {
    private static final Pattern ROW = Pattern.compile(
            "^\\| A \\| ([a-z_-]+) \\| (\\d+) \\| ([0-9.]+) \\| (\\d+|> largest bucket) \\| (\\d+|> largest bucket) \\|$", Pattern.MULTILINE);

    @Test
    void theReportCountsEachControlsOwnTimeForTheFixedRateCallsOnly() throws Exception {
        String out = BenchScripts.run("bench/run.sh", java.util.Map.ofEntries(
                java.util.Map.entry("BENCH_ONLY", "portcullis-http-legacy"),
                java.util.Map.entry("BENCH_RATES", "100"),
                java.util.Map.entry("BENCH_SECONDS", "2"),
                java.util.Map.entry("BENCH_ROUNDS", "2"),
                java.util.Map.entry("BENCH_WARMUP", "2"),
                java.util.Map.entry("BENCH_PEAK_SECONDS", "1"),
                java.util.Map.entry("BENCH_NICE", "0")
        ));
        assertThat(out).contains("### Time each control spent on the call path, in process");
        Map<String, Long> calls = new LinkedHashMap<>();
        Matcher m = ROW.matcher(out);
        while (m.find()) {
            calls.put(m.group(1), Long.parseLong(m.group(2)));
        }
        // the anonymous profile's controls that every allowed call passes (Chains.toolCall)
        assertThat(calls).as(out).containsKeys("catalog", "policy", "egress");
        for (String control : new String[] {"catalog", "policy", "egress"}) {
            assertThat(calls.get(control)).as(control + " in " + out).isBetween(190L, 200L);
        }
    }
}
