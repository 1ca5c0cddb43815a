package io.portcullis.it.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.it.peers.Peers;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * #19 item 4: every command that docs/operations/cluster.md gives to copy is one a test runs, with
 * the same options: a command added to the page without a test, or a test's flags changed without
 * the page, fails here. The test that runs each one is named in the map.
 */
class ClusterDocTest {
    /** Each command of the page, and the test that runs it in that form. */
    private static final Map<String, String> RUN_BY = Map.of(
            "portcullis nodes --config /etc/portcullis/portcullis.yaml", "ClusterNodesIT (--format text)",
            "portcullis nodes --config /etc/portcullis/portcullis.yaml --format json", "ClusterNodesIT",
            "mvn -B package -DskipTests", "run-tests (mvn verify packages the jar before the ITs)",
            "scripts/image", "ImageIT",
            String.join(" ", ImageIT.RUN) + " -v ./config:/etc/portcullis:ro -p 127.0.0.1:8080:8080 IMAGE", "ImageIT",
            "kubectl kustomize deploy/k8s/base", "KubernetesManifestsIT",
            "kubectl kustomize deploy/k8s/overlays/production", "KubernetesManifestsIT",
            "openssl rand -base64 48 > cluster.key", "SessionSealTest (theKeyDocsOperationsClusterMdMakesWithOpensslIsAccepted)",
            "PORTCULLIS_CLUSTER_KEY_FILE=/run/secrets/cluster.key portcullis serve --config portcullis.yaml",
            "SessionSealTest (that key file read as PORTCULLIS_CLUSTER_KEY_FILE); ClusterIT (three nodes on one cluster key)");

    @Test
    void item4_everyCommandOfTheClusterPageIsRunByATest() throws Exception {
        List<String> commands = new ArrayList<>();
        boolean inBlock = false;
        for (String line : Files.readAllLines(Peers.root().resolve("docs/operations/cluster.md"))) {
            if (line.startsWith("```")) {
                inBlock = line.equals("```sh");
                continue;
            }
            if (inBlock && !line.isBlank()) {
                commands.add(line.strip());
            }
        }
        assertThat(commands).isNotEmpty();
        assertThat(RUN_BY.keySet()).containsAll(commands);
        assertThat(commands).containsAll(RUN_BY.keySet());
    }

    /** The page's code blocks without a language tag (config examples), each as its lines. */
    static List<List<String>> plainBlocks() throws Exception {
        List<List<String>> blocks = new ArrayList<>();
        List<String> current = null;
        boolean inBlock = false;
        for (String line : Files.readAllLines(Peers.root().resolve("docs/operations/cluster.md"))) {
            if (line.startsWith("```")) {
                if (inBlock && current != null) {
                    blocks.add(current);
                }
                current = !inBlock && line.equals("```") ? new ArrayList<>() : null; // a tagged block is skipped
                inBlock = !inBlock;
                continue;
            }
            if (current != null) {
                current.add(line);
            }
        }
        return blocks;
    }

    /**
     * #19 item 2: the HAProxy example of the page is what ClusterIT runs (each directive but the
     * servers' addresses is in its config), and the 502 error file is, byte for byte, the one ClusterIT
     * gives HAProxy (what a client gets for a call in flight on a node that dies).
     */
    @Test
    void item2_theHaproxyExampleAndIts502ErrorFileAreWhatClusterItRuns() throws Exception {
        String it = Files.readString(Peers.root().resolve("src/test/java/io/portcullis/ingress/ClusterIT.java"));
        List<String> itLines = it.lines().map(String::strip).toList();
        List<String> haproxy = plainBlocks().stream().filter(b -> !b.isEmpty() && b.getFirst().equals("defaults")).findFirst().orElseThrow();
        for (String line : haproxy) {
            String d = line.strip();
            if (d.startsWith("server ")) {
                continue; // the example's addresses; ClusterIT's are loopback ports
            }
            if (d.startsWith("errorfile 502 ")) {
                assertThat(it).contains("errorfile 502 %s");
                continue;
            }
            assertThat(itLines).as("the page's HAProxy directive '%s' is in ClusterIT's config", d).contains(d);
        }
        List<String> file = plainBlocks().stream().filter(b -> !b.isEmpty() && b.getFirst().startsWith("HTTP/1.1 502")).findFirst().orElseThrow();
        assertThat(String.join("\n", file) + "\n").isEqualTo(io.portcullis.ingress.ClusterIT.DIED_502);
    }
}
