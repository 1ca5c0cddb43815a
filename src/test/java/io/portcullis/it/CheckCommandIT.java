package io.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code portcullis check --config F}: every problem as file:line, exit 1; a good file exits 0. */
class CheckCommandIT {

    @TempDir
    Path dir;

    private StdioPeer check(String yaml) throws Exception {
        Path f = dir.resolve("gw.yaml");
        Files.writeString(f, yaml);
        return new StdioPeer(JvmPeers.portcullis("check", "--config", f.toString()), dir);
    }

    @Test
    void aBrokenFileListsEveryProblemWithItsLine() throws Exception {
        try (StdioPeer p = check("""
                server:
                  port: 99999
                  colour: blue
                upstreams:
                  demo:
                    command: [java]
                    url: http://127.0.0.1:1/mcp
                  Bad_Name:
                    command: x
                    timeout: soon
                tools:
                  demo__echo:
                    environments: [staging]
                """)) {
            assertThat(p.closeInputAndWait(Duration.ofSeconds(30))).isEqualTo(1);
            String f = dir.resolve("gw.yaml").toString();
            // every problem, in file order, each with its line and what was expected
            assertThat(p.nextLine()).startsWith(f + ":2: 'port' must be a whole number from 0 to 65535");
            assertThat(p.nextLine()).startsWith(f + ":3: unknown key 'colour'; expected one of [allowed_hosts");
            assertThat(p.nextLine()).startsWith(f + ":5: upstream 'demo' needs exactly one of 'command' (stdio) and 'url'");
            assertThat(p.nextLine()).startsWith(f + ":8: upstream name 'Bad_Name' must be lowercase");
            assertThat(p.nextLine()).startsWith(f + ":10: 'timeout' must be a duration such as 500ms");
            assertThat(p.nextLine()).startsWith(f + ":13: tool 'demo__echo' names environment 'staging', which is not declared");
            assertThat(p.nextLine()).isEqualTo("6 problem(s) found");
        }
    }

    @Test
    void brokenYamlSaysWhere() throws Exception {
        try (StdioPeer p = check("upstreams:\n  demo: [unclosed\n")) {
            assertThat(p.closeInputAndWait(Duration.ofSeconds(30))).isEqualTo(1);
            assertThat(p.nextLine()).contains("gw.yaml:").contains("not valid YAML");
        }
    }

    @Test
    void aGoodFileIsOk() throws Exception {
        try (StdioPeer p = check("""
                environments: [dev, {name: prod, production: true}]
                upstreams:
                  demo:
                    command: %s
                    timeout: 10s
                tools:
                  demo__delete_project: {environments: [dev]}
                """.formatted(TestGateway.list(JvmPeers.demo())))) {
            assertThat(p.closeInputAndWait(Duration.ofSeconds(30))).isZero();
            assertThat(p.nextLine()).contains("OK (1 upstreams, 2 environments, 1 tool settings)");
        }
    }

    /**
     * #11 item 7: with {@code production: true} and {@code readiness.gate.enforce: false} an anonymous
     * caller created a ticket in production. No setting opens the gate there: check refuses the file.
     */
    @Test
    void item7_checkRefusesAGateSwitchedOffBesideAProductionEnvironment() throws Exception {
        try (StdioPeer p = check("""
                environments: [dev, {name: prod, production: true}]
                upstreams:
                  demo:
                    command: %s
                readiness:
                  gate:
                    enforce: false
                """.formatted(TestGateway.list(JvmPeers.demo())))) {
            assertThat(p.closeInputAndWait(Duration.ofSeconds(30))).isEqualTo(1);
            assertThat(p.nextLine()).startsWith(dir.resolve("gw.yaml") + ":7: 'enforce: false'")
                    .contains("'prod' is production");
        }
    }
}
