package io.portcullis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.protocol.Json;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * #11 item 16: {@code portcullis policy test} runs examples/policy-cases.yaml (40+ cases) against
 * examples/demo-ready.yaml and passes; a case that no longer holds fails the command with the
 * mismatch explained; {@code policy explain} says which rules matched and why the others did not.
 */
class PolicyCommandTest {
    record Run(int code, String out, String err) {}

    static final Path ROOT = Path.of(System.getProperty("portcullis.root", "."));
    static final Path CONFIG = ROOT.resolve("examples/demo-ready.yaml");
    static final Path CASES = ROOT.resolve("examples/policy-cases.yaml");

    static Run run(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            int code = Main.commandLine().execute(args);
            return new Run(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    @Test
    void item16_theShippedCasesPassAgainstTheShippedExample() throws Exception {
        Run r = run("policy", "test", "--config", CONFIG.toString(), CASES.toString());
        assertThat(r.code()).as(r.out() + r.err()).isZero();
        long cases = r.out().lines().filter(l -> l.startsWith("PASS ")).count();
        assertThat(cases).isGreaterThanOrEqualTo(40);
        assertThat(r.out()).contains(cases + " cases, " + cases + " passed, 0 failed")
                .contains("every rule decided at least one case");
        // every effect and the dry run are exercised by the shipped cases
        String text = Files.readString(CASES);
        assertThat(text).contains("expect: allow").contains("expect: deny").contains("expect: require_approval")
                .contains("dry_run: deny").contains("visible: false");
    }

    @Test
    void item16_aMismatchFailsTheRunAndIsExplained() throws Exception {
        Path dir = Files.createTempDirectory("policy-cases");
        Path cases = dir.resolve("cases.yaml");
        Files.writeString(cases, """
                cases:
                  - {name: still passes, principal: {subject: a, roles: []}, env: dev, tool: demo__echo, expect: allow}
                  - name: prod developer may file
                    principal: {subject: alice, roles: [developer]}
                    env: prod
                    tool: demo__create_ticket
                    args: {project: acme-web}
                    expect: allow
                """);
        Run r = run("policy", "test", "--config", CONFIG.toString(), cases.toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out()).contains("PASS still passes").contains("FAIL prod developer may file (" + cases + ":3)")
                .contains("expected allow, got deny")
                .contains("not matched    support-files-tickets-in-prod (allow)")
                .contains("`\"support-bot\" in principal.roles` is false")
                .contains("rules that decided no case (untested): [changes-outside-production, irreversible-needs-approval, "
                        + "support-files-tickets-in-prod, no-anonymous-callers, watch-short-searches, chain.untrusted-then-egress, "
                        + "chain.secret-then-egress, chain.private-then-external-egress]")
                .contains("2 cases, 1 passed, 1 failed");
    }

    @Test
    void item16_aBrokenCasesFileIsRefusedWithLines() throws Exception {
        Path dir = Files.createTempDirectory("policy-cases");
        Path cases = dir.resolve("cases.yaml");
        Files.writeString(cases, """
                cases:
                  - {name: unknown env, principal: {subject: a}, env: staging, tool: demo__echo, expect: allow}
                  - {name: unknown tool, principal: {subject: a}, env: dev, tool: other__x, expect: allow}
                  - {name: no expectation, principal: {subject: a}, env: dev, tool: demo__echo}
                """);
        Run r = run("policy", "test", "--config", CONFIG.toString(), cases.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains(cases + ":2: case 'unknown env' needs an 'env' the config declares")
                .contains(cases + ":3: case 'unknown tool': no upstream of the config serves 'other__x'")
                .contains(cases + ":4: case 'no expectation' expects nothing");
    }

    @Test
    void item16_explainNamesTheMatchingRuleTheOthersAndTheDryRun() throws Exception {
        Run r = run("policy", "explain", "--config", CONFIG.toString(), "--principal", "bot", "--kind", "service",
                "--roles", "support-bot", "--env", "prod", "--tool", "demo__create_ticket", "--args", "{\"project\":\"acme-web\"}");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("decision: allow by [support-files-tickets-in-prod]")
                .contains("matched        support-files-tickets-in-prod (allow)")
                .contains("not applicable changes-outside-production (allow)")
                .contains("needs !production; prod is production")
                .contains("not matched    no-anonymous-callers (deny)")
                .contains("tools/list: shown")
                .doesNotContain("note:");

        Run dry = run("policy", "explain", "--config", CONFIG.toString(), "--principal", "alice", "--env", "dev",
                "--tool", "demo__search_tickets", "--args", "{\"query\":\"ab\"}", "--format", "json");
        JsonNode j = Json.parse(dry.out());
        assertThat(j.path("effect").asString()).isEqualTo("allow");
        assertThat(j.path("dry_run").path("would").asString()).isEqualTo("deny");
        assertThat(j.path("dry_run").path("rule_ids").get(0).asString()).isEqualTo("watch-short-searches");

        Run notes = run("policy", "explain", "--config", CONFIG.toString(), "--principal", "alice", "--env", "prod",
                "--tool", "demo__delete_project");
        assertThat(notes.out()).contains("decision: require_approval")
                .contains("note: the catalog enables demo__delete_project only in [dev]: in prod the catalog refuses it before policy is asked");

        Run bad = run("policy", "explain", "--config", CONFIG.toString(), "--env", "dev", "--tool", "demo__echo", "--args", "[1]");
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).contains("--args must be a JSON object");
    }
}
