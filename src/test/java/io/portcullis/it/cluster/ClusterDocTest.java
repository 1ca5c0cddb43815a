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
    private static final Map<String, String> RUN_BY = Map.ofEntries(
            Map.entry("./run-tests -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=ClusterIT -Dcluster.kill.seconds=60",
                    "ClusterIT with the issue's 60 s kill -9 load (run by hand in session 7; item4_theKillLoadSetting checks the property)"),
            Map.entry("portcullis nodes --config /etc/portcullis/portcullis.yaml",
                    "ClusterNodesIT (--format text)"),
            Map.entry("portcullis nodes --config /etc/portcullis/portcullis.yaml --format json",
                    "ClusterNodesIT"),
            Map.entry("mvn -B package -DskipTests",
                    "run-tests (mvn verify packages the jar before the ITs)"),
            Map.entry("scripts/image",
                    "ImageIT"),
            Map.entry(String.join(" ", ImageIT.RUN) + " -v ./config:/etc/portcullis:ro -p 127.0.0.1:8080:8080 IMAGE",
                    "ImageIT"),
            Map.entry("kubectl kustomize deploy/k8s/base",
                    "KubernetesManifestsIT"),
            Map.entry("kubectl kustomize deploy/k8s/overlays/production",
                    "KubernetesManifestsIT"),
            Map.entry("openssl rand -base64 48 > cluster.key",
                    "SessionSealTest (theKeyDocsOperationsClusterMdMakesWithOpensslIsAccepted)"),
            Map.entry("PORTCULLIS_CLUSTER_KEY_FILE=/run/secrets/cluster.key portcullis serve --config portcullis.yaml",
                    "SessionSealTest (that key file read as PORTCULLIS_CLUSTER_KEY_FILE); ClusterIT (three nodes on one cluster key)"));

    /** The 60 s command of the page sets what ClusterIT reads for the duration of its kill -9 load (#19 item 1). */
    @Test
    void item4_theKillLoadSetting() throws Exception {
        String it = Files.readString(Peers.root().resolve("src/test/java/io/portcullis/ingress/ClusterIT.java"));
        assertThat(it).contains("KILL_LOAD_SECONDS = Long.getLong(\"cluster.kill.seconds\", 15)");
        assertThat(RUN_BY.keySet()).anyMatch(c -> c.endsWith("-Dit.test=ClusterIT -Dcluster.kill.seconds=60"));
    }

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
