package io.portcullis.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.config.ConfigReader;
import io.portcullis.config.GatewayConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * #19 ("Benchmark"): bench/cluster.sh takes minutes and a quiet machine, so the suite does not run
 * it; it checks what would make it silently measure the wrong thing: the node config it writes is a
 * valid config on the shared PostgreSQL store, with the catalog entry of the tool the load calls;
 * node0's (one-node-local) is the same config on the embedded SQLite store, started without the
 * cluster key; the rows form the chain http-direct ← one-node-local ← one-node ← three-nodes (each
 * row's added columns are what it adds over the one before), and without one-node-local the old
 * pairing (one-node against http-direct); every node is first warmed up directly (not through
 * HAProxy) unless BENCH_NODE_WARMUP=0; and every node's metrics are read around the rounds.
 */
class ClusterBenchScriptTest {
    private static final String SCRIPT = read();

    private static String read() {
        try {
            return Files.readString(Path.of("bench/cluster.sh"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String nodeYaml() {
        int start = SCRIPT.indexOf("cat >\"$work/node$i/portcullis.yaml\" <<EOF\n");
        assertThat(start).isPositive();
        return SCRIPT.substring(SCRIPT.indexOf('\n', start) + 1, SCRIPT.indexOf("\nEOF\n", start) + 1)
                .replace("${node_ports[$i]}", "0").replace("$work/node$i/data", "/tmp/bench-cluster-data")
                .replace("$pg&currentSchema=$schema", "jdbc:postgresql://127.0.0.1:5432/test?user=postgres&currentSchema=bench")
                .replace("node$i", "node1").replace("$p_echo", "9");
    }

    @Test
    void theNodeConfigOfBenchClusterShIsValidAndTheRowsCompareThreeNodesWithOne() throws Exception {
        String yaml = nodeYaml();
        assertThat(yaml).doesNotContain("$");
        GatewayConfig c = ConfigReader.parse(yaml, "portcullis.yaml", Path.of("/tmp"), null);
        assertThat(c.store().jdbcUrl()).startsWith("jdbc:postgresql://");
        assertThat(yaml).contains("http__echo: {purpose: Benchmark echo., risk: read_only}");
        assertThat(SCRIPT).contains("row three-nodes compare one-node - http-legacy http__echo");
        assertThat(SCRIPT).contains("row one-node portcullis http-direct - http-legacy http__echo"); // without one-node-local
    }

    @Test
    void oneNodeLocalIsTheSameConfigOnTheEmbeddedStoreWithoutTheClusterKeyAndOneNodeIsMeasuredAgainstIt() throws Exception {
        // what the script does to node0's copy of the config: the store line goes, nothing else changes
        assertThat(SCRIPT).contains("if [ \"$i\" = 0 ]; then", "sed -i '/^store:/d' \"$work/node$i/portcullis.yaml\"",
                "key=(env -u PORTCULLIS_CLUSTER_KEY)", "\"${key[@]}\" \"$java\"");
        String local = nodeYaml().replaceAll("(?m)^store:.*\n", "");
        GatewayConfig c = ConfigReader.parse(local, "portcullis.yaml", Path.of("/tmp"), null);
        assertThat(c.store().embedded()).isTrue();
        assertThat(local).contains("http__echo: {purpose: Benchmark echo., risk: read_only}");
        assertThat(SCRIPT).contains("row one-node-local portcullis http-direct - http-legacy http__echo \"$pid_lb,${node_pids[0]},$pid_echo\""
                + " \"http://127.0.0.1:$p_lbl/mcp\"");
        assertThat(SCRIPT).contains("row one-node compare one-node-local - http-legacy http__echo \"$pid_lb,${node_pids[1]},$pid_echo\"");
        // through its own HAProxy frontend, as the others
        assertThat(SCRIPT).contains("frontend local\n  bind 127.0.0.1:$p_lbl\n  default_backend local",
                "backend local\n  server node0 127.0.0.1:${node_ports[0]}");
        // BENCH_ONLY reaches the load generator (a row whose baseline is left out is measured only as a baseline)
        assertThat(SCRIPT).contains("only=${BENCH_ONLY:-}", "${only:+--only \"$only\"}");
    }

    @Test
    void everyNodeIsWarmedUpDirectlyFirstUnlessTurnedOffAndItsMetricsAreReadAroundTheRounds() {
        assertThat(SCRIPT).contains("node_warmup=${BENCH_NODE_WARMUP:-$warmup}", "if [ \"$node_warmup\" != 0 ]; then");
        // one warm-up row per started node, at the node's own port (not HAProxy's)
        assertThat(SCRIPT).contains("for i in \"${nodes[@]}\"; do\n    row \"node$i\" portcullis - - http-legacy http__echo"
                + " \"${node_pids[$i]}\" \"http://127.0.0.1:${node_ports[$i]}/mcp\"");
        assertThat(SCRIPT).contains("--targets \"$work/node-warmup.tsv\" --warmup \"$node_warmup\"", "--warmup-only true");
        assertThat(SCRIPT).contains("metrics+=\"${metrics:+,}node$i ($r)=$work/node$i/data\"", "--metrics \"$metrics\"");
    }
}
