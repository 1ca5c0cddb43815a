package io.portcullis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.cli.PolicyCommandTest.Run;
import io.portcullis.protocol.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * #13 item 7 (C5.4): {@code portcullis data-policy} writes the data-handling document from the
 * config that is enforced: per environment and tool what is removed or masked before results reach
 * the model, what passes, what the audit log keeps and for how long. Run as documented in
 * examples/demo-ready.yaml and docs/egress.md.
 */
class DataPolicyCommandTest {
    static final Path CONFIG = PolicyCommandTest.CONFIG;

    static Path changed(String from, String to) throws Exception {
        String text = Files.readString(CONFIG);
        assertThat(text).contains(from);
        Path dir = Files.createTempDirectory("data-policy");
        Path p = dir.resolve("demo-ready.yaml");
        Files.writeString(p, text.replace(from, to));
        return p;
    }

    /** The command exactly as examples/demo-ready.yaml's egress block and docs/egress.md write it. */
    @Test
    void item7_theDocumentedCommandWritesTheExamplesPolicy() throws Exception {
        assertThat(Files.readString(CONFIG)).contains("./portcullis data-policy --config examples/demo-ready.yaml --env dev");
        assertThat(Files.readString(PolicyCommandTest.ROOT.resolve("docs/egress.md")))
                .contains("./portcullis data-policy --config examples/demo-ready.yaml --env dev\n")
                .contains("./portcullis data-policy --config examples/demo-ready.yaml --format json\n"); // run in the next test
        Run r = PolicyCommandTest.run("data-policy", "--config", CONFIG.toString(), "--env", "dev");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("## Environment `dev`").doesNotContain("## Environment `prod`").doesNotContain("Incomplete")
                .contains("| `secret.github-token` | redact: replaced by `[REDACTED:<class>]` |")
                .contains("| `pii.payment-card` | mask: all but the last 4 letters and digits become `*` |")
                .contains("| `pii.email` | pseudonymize")
                .contains("| `custom.employee-id` | redact")
                // the tool setting: e-mail addresses in search results reach the model, and the document says so
                .contains("- `pii.email`: demo__search_tickets")
                .contains("| `demo__search_tickets` | demo | 1048576 bytes | truncate | `pii.email` label |")
                .contains("| `demo__echo` | demo | 1048576 bytes | truncate | no |")
                .contains("never its content").contains("kept for 30d, pruned every 1h");
        // demo__delete_project is enabled in dev only (catalog environments)
        assertThat(r.out()).contains("`demo__delete_project`");
        Run prod = PolicyCommandTest.run("data-policy", "--config", CONFIG.toString(), "--env", "prod");
        assertThat(prod.out()).contains("## Environment `prod` (production)").contains("| `pii.email` | redact")
                .doesNotContain("`demo__delete_project`").contains("kept for 400d");
    }

    @Test
    void item7_jsonHasEveryEnvironmentWithClassesToolsAndRetention() throws Exception {
        Run r = PolicyCommandTest.run("data-policy", "--config", CONFIG.toString(), "--format", "json");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode envs = Json.parse(r.out()).path("environments");
        assertThat(envs.size()).isEqualTo(2);
        JsonNode dev = envs.get(0);
        assertThat(dev.path("name").asString()).isEqualTo("dev");
        assertThat(dev.path("gaps").size()).isZero();
        assertThat(dev.path("classes").path("secret.github-token").asString()).isEqualTo("redact");
        assertThat(dev.path("reaching_the_model").path("pii.email").toString()).isEqualTo("[\"demo__search_tickets\"]");
        assertThat(dev.path("audit").path("retention").asString()).isEqualTo("30d");
        assertThat(envs.get(1).path("classes").path("pii.phone").asString()).isEqualTo("redact");
        assertThat(envs.get(1).path("audit").path("retention").asString()).isEqualTo("400d");
    }

    /** Attack: a config that scans nothing and keeps records forever cannot pass as documented; the document says what is missing. */
    @Test
    void item7_aConfigThatRemovesNothingSaysSoAndHowToFixIt() throws Exception {
        Path p = changed("  enabled: true                        # the built-in", "  enabled: false                        # the built-in");
        Files.writeString(p, Files.readString(p).replace("  retention: {dev: 30d, prod: 400d}    # C4.2\n", ""));
        Run r = PolicyCommandTest.run("data-policy", "--config", p.toString(), "--env", "dev");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("**Incomplete:**")
                .contains("egress scanning is turned off (egress.enabled: false)").contains("fix: `egress: enabled: true`")
                .contains("no audit retention for dev").contains("Nothing: egress scanning is off")
                .contains("kept for ever (no retention declared)");
    }

    /** Attack: a tool pattern that lets secrets through is listed as reaching the model, not hidden in a default. */
    @Test
    void item7_secretsLetThroughByAToolPatternAreListed() throws Exception {
        Path p = changed("    \"demo__search_tickets\": {pii.email: label}", "    \"demo__search_*\": {secret.*: label}");
        Run r = PolicyCommandTest.run("data-policy", "--config", p.toString(), "--env", "dev", "--format", "json");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode dev = Json.parse(r.out()).path("environments").get(0);
        assertThat(dev.path("reaching_the_model").path("secret.jwt").toString()).isEqualTo("[\"demo__search_tickets\",\"demo__search_*\"]");
        assertThat(dev.path("tools").toString()).contains("\"name\":\"demo__search_*\",\"upstream\":null,\"max_result_bytes\":null");
    }

    @Test
    void item7_badOptionsAndBrokenConfigsExitTwo() throws Exception {
        assertThat(PolicyCommandTest.run("data-policy", "--config", CONFIG.toString(), "--format", "xml").code()).isEqualTo(2);
        Run env = PolicyCommandTest.run("data-policy", "--config", CONFIG.toString(), "--env", "staging");
        assertThat(env.code()).isEqualTo(2);
        assertThat(env.err()).contains("environment 'staging' is not declared");
        Path p = changed("    pii.payment-card: mask             #", "    pii.payment-card: hide             #");
        Run broken = PolicyCommandTest.run("data-policy", "--config", p.toString());
        assertThat(broken.code()).isEqualTo(2);
        assertThat(broken.err()).contains("the config has problems").contains(p + ":");
    }
}
