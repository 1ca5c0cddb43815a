package io.portcullis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.it.JvmPeers;
import io.portcullis.it.TestGateway;
import io.portcullis.protocol.Json;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * {@code portcullis readiness}: the report for a config, in each format; exit 0 unless
 * {@code --strict} and a line fails. Fixing the config (a signing key, a retention) moves the line.
 */
class ReadinessCommandIT {
    record Run(int code, String out, String err) {}

    static Run run(String... args) {
        PrintStream old = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = Main.commandLine().execute(args);
            return new Run(code, buf.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(old);
            System.setErr(oldErr);
        }
    }

    @Test
    void theReportTellsWhatToFixAndFixingItMovesTheLine() throws Exception {
        Path dir = Files.createTempDirectory("readiness-cli");
        String base = """
                server: {data_dir: %s}
                environments: [dev, {name: prod, production: true}]
                upstreams:
                  demo:
                    command: %s
                catalog:
                  upstreams:
                    demo: {owner: {team: support, oncall: "pager:support"}}
                  tools:
                    demo__echo: {purpose: Connectivity check., risk: read_only}
                """.formatted(dir.resolve("data"), TestGateway.list(JvmPeers.demo()));
        Path config = dir.resolve("portcullis.yaml");
        Files.writeString(config, base);

        Run text = run("readiness", "--config", config.toString(), "--env", "dev");
        assertThat(text.code()).isZero();
        assertThat(text.out()).contains("Environment dev").contains("Gate CLOSED").contains("FAIL C4.2")
                .contains("portcullis audit keygen --out").doesNotContain("Environment prod");

        Run strict = run("readiness", "--config", config.toString(), "--strict");
        assertThat(strict.code()).isEqualTo(1);

        Run json = run("readiness", "--config", config.toString(), "--format", "json");
        JsonNode dev = Json.parse(json.out()).path("environments").get(0);
        assertThat(line(dev, "C4.2").path("status").asString()).isEqualTo("fail");
        assertThat(line(dev, "C2.1").path("status").asString()).isEqualTo("pass");
        assertThat(line(dev, "C2.1").path("evidence").toString()).contains("1 tools enabled in dev");

        // the fix the report gives: a key of its own and a retention
        assertThat(run("audit", "keygen", "--out", dir.resolve("audit.key").toString()).code()).isZero();
        Files.writeString(config, base + "audit:\n  signing_key: audit.key\n  default_retention: 90d\n");
        Run fixed = run("readiness", "--config", config.toString(), "--format", "json");
        assertThat(line(Json.parse(fixed.out()).path("environments").get(0), "C4.2").path("status").asString()).isEqualTo("pass");

        Run md = run("readiness", "--config", config.toString(), "--format", "markdown");
        assertThat(md.out()).startsWith("# Readiness report").contains("| **C4.2**");
    }

    /** examples/demo-ready.yaml, as the README walks a newcomer to it, opens the gate in dev. */
    @Test
    void theReadyDemoExampleOpensTheGate() throws Exception {
        Path dir = Files.createTempDirectory("readiness-example");
        Path root = Path.of(System.getProperty("portcullis.root", "."));
        String text = Files.readString(root.resolve("examples/demo-ready.yaml"));
        assertThat(text).contains("[\"./portcullis\", \"demo-upstream\"]");
        text = text.replace("[\"./portcullis\", \"demo-upstream\"]", TestGateway.list(JvmPeers.demo()))
                .replace("port: 8080", "port: 0");
        Path config = dir.resolve("demo-ready.yaml");
        Files.writeString(config, text);
        assertThat(run("audit", "keygen", "--out", dir.resolve("data/demo-ready/audit.key").toString()).code()).isZero(); // the example's own data dir (#11 item 18)

        Run json = run("readiness", "--config", config.toString(), "--format", "json", "--env", "dev");
        JsonNode dev = Json.parse(json.out()).path("environments").get(0);
        assertThat(dev.path("gate").path("state").asString()).as(json.out()).isEqualTo("open");
        assertThat(line(dev, "C3.2").path("evidence").toString()).contains("demo__delete_project: require_approval");
        // #15 item 4: C7.2 from the gateway's own change control, not from a declared URL
        assertThat(line(dev, "C7.2").path("evidence").toString()).contains("held by the gateway (change_control.hold_widening)");
        // #14 item 4: the example's breaker and retry policy pass C6.1
        assertThat(line(dev, "C6.1").path("status").asString()).as(json.out()).isEqualTo("pass");
        assertThat(line(dev, "C6.1").path("evidence").toString()).contains("breaker opens at 50% failed or 80% slow of the last 20 calls")
                .contains("bulkhead 16 calls + 64 waiting");
        // #13 item 7: C5.1-C5.4 pass in dev from the example's egress block and audit retention, not from a declared URL
        for (String id : new String[] {"C5.1", "C5.2", "C5.3", "C5.4"}) {
            assertThat(line(dev, id).path("status").asString()).as(id + " " + json.out()).isEqualTo("pass");
        }
        assertThat(line(dev, "C5.4").path("evidence").toString()).contains("derived from the enforced config")
                .contains("portcullis data-policy --env dev").contains("except where labelled [pii.email]").contains("for 30d");
        assertThat(line(dev, "C5.1").path("evidence").toString()).contains("custom.employee-id");
        // #11 item 22: the pipeline named in C3.1 is the one the gateway runs
        assertThat(line(dev, "C3.1").path("evidence").toString())
                .contains("call-log, audit, catalog, pin, kill-switch, rate-limit, tool-switch, readiness-gate, conversation, egress, result-limit, arguments, policy, credentials, audit-intent");

        // #15 item 5: C7.1 passes in dev from the example's readiness.oncall contacts
        assertThat(line(dev, "C7.1").path("status").asString()).as(json.out()).isEqualTo("pass");
        assertThat(line(dev, "C7.1").path("evidence").toString())
                .contains("MCP boundary: platform-security, on call pager:platform-security (readiness.oncall")
                .contains("on call pager:support-platform (readiness.oncall");
        // #15 "How it is shown": C7.1-C7.3 pass in dev from the gateway's own review and changelog, not from declared URLs
        for (String id : new String[] {"C7.1", "C7.2", "C7.3"}) {
            assertThat(line(dev, id).path("status").asString()).as(id + " " + json.out()).isEqualTo("pass");
            assertThat(line(dev, id).path("evidence").toString()).as(id).doesNotContain("not verified");
        }
        assertThat(line(dev, "C7.2").path("evidence").toString()).contains("(pins; portcullis review)");
        assertThat(line(dev, "C7.3").path("evidence").toString()).contains("portcullis changelog")
                .contains("pin_review audit records");
        // #14 item 4: the example's rate limits pass C6.3 in dev
        assertThat(line(dev, "C6.3").path("status").asString()).as(json.out()).isEqualTo("pass");
        assertThat(line(dev, "C6.3").path("evidence").toString()).contains("limit per-caller: 600 per 1m per principal")
                .contains("enforced on every call by pipeline stage rate-limit");

        // #11 item 22: --strict passes a deployment that meets every line it can meet; with C6.3 built
        // (#14 item 3) no line is left "not built", so --strict=all passes it too
        Run strict = run("readiness", "--config", config.toString(), "--env", "dev", "--strict");
        assertThat(strict.code()).as(strict.out() + strict.err()).isZero();
        assertThat(strict.err()).doesNotContain("dev C6.3");
        Run all = run("readiness", "--config", config.toString(), "--env", "dev", "--strict=all");
        assertThat(all.code()).as(all.out() + all.err()).isZero();
        assertThat(run("readiness", "--config", config.toString(), "--strict=some").code()).isEqualTo(2);
    }

    /** #11 item 22: --strict cannot pass a report that is missing an upstream's tools. */
    @Test
    void item22_strictFailsWhileAnUpstreamIsNotReady() throws Exception {
        Path dir = Files.createTempDirectory("readiness-strict");
        Path root = Path.of(System.getProperty("portcullis.root", "."));
        String text = Files.readString(root.resolve("examples/demo-ready.yaml"))
                .replace("[\"./portcullis\", \"demo-upstream\"]", TestGateway.list(JvmPeers.demo()))
                .replace("\nupstreams:\n", "\nupstreams:\n  broken:\n    command: [\"" + dir.resolve("no-such-program") + "\"]\n");
        Path config = dir.resolve("demo-ready.yaml");
        Files.writeString(config, text);
        assertThat(run("audit", "keygen", "--out", dir.resolve("data/demo-ready/audit.key").toString()).code()).isZero();
        Run strict = run("readiness", "--config", config.toString(), "--env", "dev", "--strict");
        assertThat(strict.code()).as(strict.out() + strict.err()).isEqualTo(1);
        assertThat(strict.err()).contains("--strict: upstreams [broken] were not ready");
    }

    private static JsonNode line(JsonNode env, String id) {
        for (JsonNode l : env.path("lines")) {
            if (l.path("id").asString().equals(id)) {
                return l;
            }
        }
        throw new AssertionError("no line " + id + " in " + env);
    }
}
