package io.portcullis.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * #19: bench/cluster.sh reports, per node, how its audit group commit batched during the fixed-rate
 * rounds (bench/src/.../AuditCommits.java, read with the control times before the first round and
 * after the last): records per commit and the mean commit latency are differences of the node's own
 * counters, so the warm-up's and the peak's commits never count; a build without the batch-size
 * histogram still gets records per commit from the two counters, and says the histogram is missing.
 * The load generator is plain javac outside the Maven build: the test compiles bench/src and calls it
 * through reflection.
 */
class BenchAuditCommitsTest {
    private static ClassLoader bench;

    @BeforeAll
    static void compileTheLoadGenerator() throws Exception {
        bench = LoadGeneratorClasses.compile("bench-unit-classes-audit");
    }

    private static String table(Map<String, String> before, Map<String, String> after) throws Exception {
        Method m = Class.forName("io.portcullis.bench.AuditCommits", true, bench).getDeclaredMethod("table", Map.class, Map.class);
        m.setAccessible(true);
        return (String) m.invoke(null, before, after);
    }

    /** A scrape as Micrometer's Prometheus registry writes it. */
    private static String scrape(long records, long commits, double seconds, Long batches, Long batchRecords) {
        String s = """
                # HELP portcullis_audit_records_total Audit records made durable
                # TYPE portcullis_audit_records_total counter
                portcullis_audit_records_total %d.0
                portcullis_audit_commit_duration_seconds_bucket{le="0.001"} 0
                portcullis_audit_commit_duration_seconds_count %d
                portcullis_audit_commit_duration_seconds_sum %s
                portcullis_audit_commit_duration_seconds_max 0.5
                portcullis_audit_queue_depth 0.0
                """.formatted(records, commits, seconds);
        if (batches != null) {
            s += "portcullis_audit_commit_records_bucket{le=\"1.0\"} 3\nportcullis_audit_commit_records_count %d\n"
                    .formatted(batches) + "portcullis_audit_commit_records_sum %d.0\n".formatted(batchRecords);
        }
        return s;
    }

    @Test
    void recordsPerCommitAndCommitLatencyAreTheRoundsDifferencesPerNode() throws Exception {
        Map<String, String> before = new LinkedHashMap<>();
        Map<String, String> after = new LinkedHashMap<>();
        // one node: 1,000 warm-up records in 400 commits, then 800 records in 400 commits of 2 ms each
        before.put("node1 (one-node)", scrape(1000, 400, 3.0, 400L, 1000L));
        after.put("node1 (one-node)", scrape(1800, 800, 3.8, 800L, 1800L));
        // a node of three: 267 records in 200 commits, an older build without the batch-size histogram
        before.put("node2 (three-nodes)", scrape(300, 300, 1.0, null, null));
        after.put("node2 (three-nodes)", scrape(567, 500, 1.5, null, null));
        // a node whose metrics could not be read after the rounds
        before.put("node3 (three-nodes)", scrape(1, 1, 0.1, 1L, 1L));
        after.put("node3 (three-nodes)", null);
        String t = table(before, after);
        assertThat(t).contains("| gateway | offered/s | records | commits | records per commit | commit mean ms | batch-size histogram: mean |");
        assertThat(t).contains("| node1 (one-node) | all | 800 | 400 | 2.00 | 2.000 | 2.00 |");
        assertThat(t).contains("| node2 (three-nodes) | all | 267 | 200 | 1.34 | 2.500 | not exported by this build |");
        assertThat(t).contains("| node3 (three-nodes) | all | (metrics not readable) |");
    }

    @Test
    void eachOfferedRateIsItsOwnRowFromTheScrapesAtItsEnds() throws Exception {
        Method m = Class.forName("io.portcullis.bench.AuditCommits", true, bench).getDeclaredMethod("table", List.class, List.class);
        m.setAccessible(true);
        // 200/s: 400 records in 400 commits; 1000/s: 2,000 records in 800 commits
        List<Map<String, String>> scrapes = List.of(Map.of("node1", scrape(100, 100, 0.1, 100L, 100L)),
                Map.of("node1", scrape(500, 500, 0.5, 500L, 500L)), Map.of("node1", scrape(2500, 1300, 1.7, 1300L, 2500L)));
        String t = (String) m.invoke(null, List.of("200", "1000"), scrapes);
        assertThat(t).contains("| node1 | 200 | 400 | 400 | 1.00 | 1.000 | 1.00 |", "| node1 | 1000 | 2000 | 800 | 2.50 | 1.500 | 2.50 |");
        assertThat(t.indexOf("| node1 | 200 |")).isLessThan(t.indexOf("| node1 | 1000 |"));
    }

    @Test
    void aNodeWithoutAuditMetricsSaysSoRatherThanAFigure() throws Exception {
        String t = table(Map.of("n", "jvm_threads_live_threads 30\n"), Map.of("n", "jvm_threads_live_threads 31\n"));
        assertThat(t).contains("| n | all | (no audit writer metrics) |");
    }
}
