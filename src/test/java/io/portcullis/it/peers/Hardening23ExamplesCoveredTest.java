package io.portcullis.it.peers;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * #11 item 23: every example config is run by a test that checks what its comments promise. This
 * guard fails when an example appears without such a test: each examples/*.yaml that is a gateway
 * config (not a catalog, not a cases file) must be listed here with the test that starts it, and
 * that test must name the file.
 */
class Hardening23ExamplesCoveredTest {
    /** example config → the test that runs it as shipped and checks its comments. */
    static final Map<String, String> RUN_BY = Map.of(
            "everything.yaml", "InspectorEverythingIT",
            "npm-servers.yaml", "InspectorNpmServersIT",
            "demo-ready.yaml", "Hardening23ReadmeCommandsIT",
            "oauth.yaml", "Hardening23OAuthExampleIT",
            "approvals.yaml", "Hardening23ApprovalsWalkthroughIT");

    @Test
    void item23_everyExampleConfigIsRunByATest() throws IOException {
        Path examples = Peers.root().resolve("examples");
        Set<String> configs = new TreeSet<>();
        Set<String> catalogs = new TreeSet<>();
        try (Stream<Path> files = Files.list(examples)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).toList()) {
                String name = f.getFileName().toString();
                if (name.endsWith(".catalog.yaml")) {
                    catalogs.add(name);
                } else if (Files.readString(f).lines().anyMatch(l -> l.startsWith("upstreams:"))) {
                    configs.add(name);
                }
            }
        }
        // a catalog file is run through the configs that name it
        for (String catalog : catalogs) {
            boolean named = false;
            for (String config : configs) {
                named |= Files.readString(examples.resolve(config)).contains("catalog: " + catalog);
            }
            assertThat(named).as(catalog + " is named by an example config").isTrue();
        }
        assertThat(configs).as("the example configs").contains("everything.yaml", "demo-ready.yaml");
        assertThat(RUN_BY.keySet()).as("an example config without a test that runs it").containsExactlyInAnyOrderElementsOf(configs);
        Path tests = Peers.root().resolve("src/test/java/io/portcullis/it/peers");
        for (var e : RUN_BY.entrySet()) {
            String source = Files.readString(tests.resolve(e.getValue() + ".java"));
            assertThat(source).as(e.getValue() + " runs " + e.getKey()).contains(e.getKey()).contains("GatewayProcess.start");
        }
    }
}
