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
 * valid config on the shared PostgreSQL store, with the catalog entry of the tool the load calls, and
 * the "three-nodes" row is measured against "one-node" (its added columns are the cluster's cost).
 */
class ClusterBenchScriptTest {
    @Test
    void theNodeConfigOfBenchClusterShIsValidAndTheRowsCompareThreeNodesWithOne() throws Exception {
        String script = Files.readString(Path.of("bench/cluster.sh"));
        int start = script.indexOf("cat >\"$work/node$i/portcullis.yaml\" <<EOF\n");
        assertThat(start).isPositive();
        String yaml = script.substring(script.indexOf('\n', start) + 1, script.indexOf("\nEOF\n", start) + 1)
                .replace("${ports[$((i + 2))]}", "0").replace("$work/node$i/data", "/tmp/bench-cluster-data")
                .replace("$pg&currentSchema=$schema", "jdbc:postgresql://127.0.0.1:5432/test?user=postgres&currentSchema=bench")
                .replace("node$i", "node1").replace("$p_echo", "9");
        assertThat(yaml).doesNotContain("$");
        GatewayConfig c = ConfigReader.parse(yaml, "portcullis.yaml", Path.of("/tmp"), null);
        assertThat(c.store().jdbcUrl()).startsWith("jdbc:postgresql://");
        assertThat(yaml).contains("http__echo: {purpose: Benchmark echo., risk: read_only}");
        assertThat(script).contains("row three-nodes compare one-node - http-legacy http__echo");
        assertThat(script).contains("row one-node portcullis http-direct - http-legacy http__echo");
    }
}
