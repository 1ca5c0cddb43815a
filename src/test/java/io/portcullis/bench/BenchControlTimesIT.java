package io.portcullis.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
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
    private static final Path JAR = Path.of(System.getProperty("portcullis.jar", "target/portcullis-0.1.0-SNAPSHOT.jar"));
    private static final Pattern ROW = Pattern.compile(
            "^\\| A \\| ([a-z_-]+) \\| (\\d+) \\| ([0-9.]+) \\| (\\d+|> largest bucket) \\| (\\d+|> largest bucket) \\|$", Pattern.MULTILINE);

    @Test
    void theReportCountsEachControlsOwnTimeForTheFixedRateCallsOnly() throws Exception {
        ProcessBuilder pb = new ProcessBuilder("bash", "bench/run.sh").redirectError(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("BENCH_JAR", JAR.toAbsolutePath().toString());
        pb.environment().put("BENCH_ONLY", "portcullis-http-legacy");
        pb.environment().put("BENCH_RATES", "100");
        pb.environment().put("BENCH_SECONDS", "2");
        pb.environment().put("BENCH_ROUNDS", "2");
        pb.environment().put("BENCH_WARMUP", "2");
        pb.environment().put("BENCH_PEAK_SECONDS", "1");
        pb.environment().put("BENCH_NICE", "0");
        Process p = pb.start();
        String out;
        try {
            out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(600, TimeUnit.SECONDS)).as("bench/run.sh finished").isTrue();
        } finally {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        assertThat(p.exitValue()).as(out).isZero();
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
