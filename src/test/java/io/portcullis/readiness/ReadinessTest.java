package io.portcullis.readiness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.catalog.Catalogs;
import io.portcullis.config.ReadinessConfig;
import io.portcullis.settings.ConfigException;
import io.portcullis.config.ConfigReader;
import io.portcullis.config.GatewayConfig;
import io.portcullis.policy.Policy;
import io.portcullis.protocol.Json;
import io.portcullis.readiness.Report.Line;
import io.portcullis.readiness.Report.Status;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Each checklist line flips between pass and fail through the config, and the G1 gate follows
 * sections 1–4. {@link #READY} is a deployment where every line this version can pass passes.
 */
class ReadinessTest {
    static final String READY = """
            server: {data_dir: /tmp/portcullis-readiness-test}
            environments:
              - dev
              - {name: prod, production: true}
            upstreams:
              tickets: {command: ["true"]}
            identity:
              issuers:
                - issuer: https://sso.example.com/
                  jwks_uri: https://sso.example.com/jwks
                  audience: [https://gw.example.com/mcp]
                  kind: user
            catalog:
              unlisted: hide
              upstreams:
                tickets: {owner: {team: support, oncall: "pager:support"}}
              tools:
                tickets__search: {purpose: Find tickets., risk: read_only}
                tickets__create:
                  purpose: File tickets.
                  risk: state_changing
                  constraints: {project: {allow: ["acme-*"]}}
                tickets__delete:
                  purpose: Delete test projects.
                  risk: irreversible
                  constraints: {project: {allow: ["acme-test-*"]}}
            policy:
              rules:
                - {id: reads, effect: allow, when: 'tool.risk == "read_only"'}
                - {id: changes-in-dev, effect: allow, when: 'tool.risk != "read_only"', environments: [dev]}
                - {id: irreversible-approval, effect: require_approval, when: 'tool.risk == "irreversible"', approvers: [approver]}
            audit:
              signing_key: keys/audit.pem
              default_retention: 90d
            readiness:
              rotation: docs/rotation.md
              playbook: docs/playbook.md
              conversation_policy: docs/history.md
              boundary_owner: {team: platform, oncall: "pager:platform"}
              review: {required: true, record: https://git.example.com/gw}
            """;

    static ArrayNode ticketTools() {
        ArrayNode a = Json.array();
        for (String n : new String[] {"search", "create", "delete"}) {
            ObjectNode t = a.addObject().put("name", n).put("description", n + " tickets");
            t.putObject("inputSchema").put("type", "object").putObject("properties").putObject("project").put("type", "string");
            t.putObject("annotations").put("readOnlyHint", n.equals("search"));
        }
        return a;
    }

    /** The standard pipeline's stages and the lines they declare (the audit stages' declarations are the audit package's). */
    static final Map<String, List<String>> STANDARD = standard();

    static Map<String, List<String>> standard() {
        // in the order of Chains.toolCall
        Map<String, List<String>> m = new java.util.LinkedHashMap<>();
        m.put("call-log", new io.portcullis.pipeline.stages.CallLog().checklist());
        m.put("audit", List.of("C4.1", "C4.3"));
        for (io.portcullis.call.Stage s : List.of(
                new io.portcullis.pipeline.stages.CatalogLookup(null), new io.portcullis.pipeline.stages.ToolSwitch(),
                new io.portcullis.pipeline.stages.ReadinessGate(null), new io.portcullis.egress.EgressScan(null),
                new io.portcullis.pipeline.stages.ResultLimit(),
                new io.portcullis.pipeline.stages.Arguments(), new io.portcullis.pipeline.stages.PolicyCheck(null, null),
                new io.portcullis.pipeline.stages.UpstreamCredential(null, null))) {
            m.put(s.name(), s.checklist());
        }
        m.put("audit-intent", List.of("C4.2"));
        return m;
    }

    static GatewayConfig config(String yaml) throws ConfigException {
        return ConfigReader.parse(yaml, "test.yaml", Path.of("/tmp"), null);
    }

    static Report report(String yaml) throws Exception {
        ArrayNode crm = Json.array();
        crm.addObject().put("name", "lookup").putObject("annotations").put("readOnlyHint", true);
        return report(yaml, Map.of("tickets", ticketTools(), "crm", crm));
    }

    static Report report(String yaml, Map<String, ArrayNode> tools) throws Exception {
        GatewayConfig c = config(yaml);
        return Readiness.evaluate(c, Catalogs.of(c, tools), Policy.compile(c.policy()), false, STANDARD);
    }

    static Line line(Report r, String env, String id) {
        return r.environment(env).orElseThrow().line(id).orElseThrow();
    }

    static String replace(String yaml, String from, String to) {
        assertThat(yaml).contains(from);
        return yaml.replace(from, to);
    }

    @Test
    void theReadyConfigPassesSectionsOneToFourAndOpensTheGate() throws Exception {
        Report r = report(READY);
        for (String env : new String[] {"dev", "prod"}) {
            var e = r.environment(env).orElseThrow();
            assertThat(e.lines()).extracting(Line::id).containsExactlyElementsOf(Checklist.LINES.keySet());
            assertThat(e.lines()).filteredOn(l -> l.section() <= 4).allMatch(l -> l.status() != Status.FAIL, "no failure");
            assertThat(e.gate().closed()).isFalse();
            assertThat(e.gate().failing()).isEmpty();
        }
        // C3.2 passed by asking the policy: the approval rule wins for the irreversible tool
        assertThat(line(r, "dev", "C3.2").evidence()).anyMatch(s -> s.contains("tickets__delete: require_approval"));
    }

    /** {line id, what the config change does, the changed config}. */
    static Stream<Arguments> flips() {
        return Stream.of(
                Arguments.of("C1.1", "no identity: every caller anonymous", cut(READY, "identity:", "catalog:")),
                Arguments.of("C1.2", "users reach an HTTP upstream with one static credential", replace(replace(READY,
                        "  tickets: {command: [\"true\"]}\n",
                        "  tickets: {command: [\"true\"]}\n  crm:\n    url: http://127.0.0.1:9/mcp\n"
                                + "    headers: {Authorization: {env: CRM_TOKEN}}\n"),
                        "    tickets__search:", "    crm__lookup: {purpose: Look up customers., risk: read_only}\n    tickets__search:")),
                Arguments.of("C1.3", "no rotation steps declared", replace(READY, "  rotation: docs/rotation.md\n", "")),
                Arguments.of("C1.4", "no way for clients to authenticate", cut(READY, "identity:", "catalog:")),
                Arguments.of("C2.1", "a tool without a purpose", replace(READY, "{purpose: Find tickets., risk: read_only}",
                        "{risk: read_only}")),
                Arguments.of("C2.1", "an unlisted tool offered by unlisted: allow", replace(replace(READY, "unlisted: hide",
                        "unlisted: allow"), "    tickets__search: {purpose: Find tickets., risk: read_only}\n", "")),
                Arguments.of("C2.2", "a class derived from annotations", replace(READY,
                        "{purpose: Find tickets., risk: read_only}", "{purpose: Find tickets.}")),
                Arguments.of("C2.3", "a state-changing tool without constraints", replace(READY,
                        "  risk: state_changing\n      constraints: {project: {allow: [\"acme-*\"]}}\n", "  risk: state_changing\n")),
                Arguments.of("C3.2", "no approval rule for the irreversible tool", replace(READY,
                        "    - {id: irreversible-approval, effect: require_approval, when: 'tool.risk == \"irreversible\"', approvers: [approver]}\n", "")),
                Arguments.of("C3.3", "no rule names approvers", replace(READY,
                        "    - {id: irreversible-approval, effect: require_approval, when: 'tool.risk == \"irreversible\"', approvers: [approver]}\n",
                        "    - {id: no-delete, effect: deny, when: 'tool.risk == \"irreversible\"'}\n")),
                // #11 item 22: approvers only API keys or services could be: no person can ever approve
                Arguments.of("C3.3", "no person can hold an approver role", replace(READY, "      kind: user\n", "      kind: service\n")),
                Arguments.of("C3.4", "no rule depends on the environment", replace(READY, ", environments: [dev]}", "}")),
                Arguments.of("C4.2", "no audit signing key", replace(READY, "  signing_key: keys/audit.pem\n", "")),
                Arguments.of("C4.2", "no retention", replace(READY, "  default_retention: 90d\n", "")),
                Arguments.of("C4.4", "no playbook declared", replace(READY, "  playbook: docs/playbook.md\n", "")),
                // #14 item 4: C6.1 needs a breaker and a retry policy on every upstream
                Arguments.of("C6.1", "an upstream's circuit breaker switched off", replace(READY,
                        "  tickets: {command: [\"true\"]}\n", "  tickets: {command: [\"true\"], breaker: {enabled: false}}\n")),
                Arguments.of("C6.1", "an upstream without retries", replace(READY,
                        "  tickets: {command: [\"true\"]}\n", "  tickets: {command: [\"true\"], retry: {max_attempts: 1}}\n")),
                // #13 item 7: C5.1-C5.4 flip on what the config enforces, not on a declared document
                Arguments.of("C5.1", "egress scanning turned off", READY + "egress: {enabled: false}\n"),
                Arguments.of("C5.2", "egress scanning turned off", READY + "egress: {enabled: false}\n"),
                Arguments.of("C5.2", "one tool passes secrets to the model with a label only",
                        READY + "egress:\n  tools: {\"tickets__se*\": {secret.github-token: label}}\n"),
                Arguments.of("C5.2", "secrets labelled in this environment",
                        READY + "egress:\n  environments: {dev: {secret.*: label}}\n"),
                Arguments.of("C5.4", "no audit retention: the document cannot say how long records are kept",
                        replace(READY, "  default_retention: 90d\n", "")),
                Arguments.of("C5.4", "egress off: the document cannot say what is kept out of conversation history",
                        READY + "egress: {enabled: false}\n"),
                Arguments.of("C7.1", "no boundary owner", replace(READY, "  boundary_owner: {team: platform, oncall: \"pager:platform\"}\n", "")),
                Arguments.of("C7.1", "a critical tool without on-call", replace(READY, "{owner: {team: support, oncall: \"pager:support\"}}",
                        "{owner: {team: support}}")),
                Arguments.of("C7.2", "review not required", replace(READY, "required: true", "required: false")));
    }

    static String cut(String yaml, String from, String until) {
        int a = yaml.indexOf(from);
        int b = yaml.indexOf(until);
        assertThat(a).isNotNegative().isLessThan(b);
        return yaml.substring(0, a) + yaml.substring(b);
    }

    @ParameterizedTest(name = "{0} fails: {1}")
    @MethodSource("flips")
    void eachLineFlipsAndTheGateFollows(String id, String why, String yaml) throws Exception {
        assertThat(line(report(READY), "dev", id).status()).isEqualTo(Status.PASS);
        Report r = report(yaml);
        Line l = line(r, "dev", id);
        assertThat(l.status()).as(why).isEqualTo(Status.FAIL);
        assertThat(l.fix()).isNotBlank();
        assertThat(l.evidence()).isNotEmpty();
        Report.Gate gate = r.gate("dev");
        if (l.section() <= 4) {
            assertThat(gate.closed()).isTrue();
            assertThat(gate.failing()).contains(id);
            assertThat(gate.refusal("tickets__create", "dev")).contains(id);
        } else {
            // lines of sections 5-7 never close the gate (C5.4 without retention fails beside C4.2, which does)
            assertThat(gate.failing()).doesNotContain(id);
            assertThat(gate.closed()).isEqualTo(!gate.failing().isEmpty());
        }
    }

    @Test
    void c62FailsWithoutTheNodesRunTimeKillSwitches() throws Exception {
        Report r = report(READY);
        // #14 item 2: without the node's run-time kill switches the report cannot say they work
        assertThat(line(r, "dev", "C6.2").status()).isEqualTo(Status.FAIL);
        assertThat(String.join("\n", line(r, "dev", "C6.2").evidence())).contains("run-time kill switches are not wired");
    }

    /** #14 item 2: C6.2 passes while the run-time kill switches work (store reachable), lists those in force, fails when the store is gone. */
    @Test
    void item14_2_c62PassesWhileRunTimeKillSwitchesWorkAndFailsWhenTheStoreIsGone(@org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        GatewayConfig c = config(READY);
        ArrayNode crm = Json.array();
        var catalog = Catalogs.of(c, Map.of("tickets", ticketTools(), "crm", crm));
        try (var store = io.portcullis.store.Store.open(new io.portcullis.store.StoreConfig(null, dir, 2))) {
            var kills = io.portcullis.killswitch.KillSwitches.open(store, "n1");
            kills.kill(new io.portcullis.killswitch.KillSwitch(io.portcullis.killswitch.KillSwitch.Scope.UPSTREAM, "crm", "dev", false,
                    "INC-9", "alice", java.time.Instant.parse("2026-12-04T20:00:00Z")));
            Line ok = line(Readiness.evaluate(c, catalog, Policy.compile(c.policy()), true, STANDARD, kills), "dev", "C6.2");
            assertThat(ok.status()).isEqualTo(Status.PASS);
            assertThat(String.join("\n", ok.evidence())).contains("run-time kill switches work", "upstream crm (in dev) by alice: INC-9");
            store.close();
            kills.refresh();
            Line broken = line(Readiness.evaluate(c, catalog, Policy.compile(c.policy()), true, STANDARD, kills), "dev", "C6.2");
            assertThat(broken.status()).isEqualTo(Status.FAIL);
            assertThat(String.join("\n", broken.evidence())).contains("run-time kill switches do not work now", "the store did not answer");
            kills.close();
        }
    }

    /**
     * #14 item 4: "C6.3 passes when every environment has per-principal limits". With the rate-limit
     * stage running, an environment without a per-principal limit fails with the config that fixes
     * it; one with a limit passes and the evidence names the limits, the loop breaker and where the
     * buckets live. Without the stage it fails whatever the config says (#11 item 22).
     */
    @Test
    void c63_passesWithPerPrincipalLimitsInTheEnvironment() throws Exception {
        Map<String, List<String>> withStage = new java.util.LinkedHashMap<>(STANDARD);
        withStage.put("rate-limit", List.of("C6.3"));
        GatewayConfig none = config(READY);
        Report r = Readiness.evaluate(none, Catalogs.of(none, Map.of("tickets", ticketTools())), Policy.compile(none.policy()),
                true, withStage);
        Line fail = line(r, "dev", "C6.3");
        assertThat(fail.status()).isEqualTo(Status.FAIL);
        assertThat(fail.evidence()).anyMatch(e -> e.startsWith("no per-principal limit in dev"));
        assertThat(fail.fix()).contains("rate_limits:", "per: principal");
        assertThat(r.gate("dev").closed()).as("section 6 does not close the G1 gate").isFalse();

        GatewayConfig limited = config(READY + """
                rate_limits:
                  redis: {url: "redis://127.0.0.1:6379"}
                  environments:
                    dev:
                      limits:
                        - {id: per-user, per: principal, limit: 600, every: 1m}
                      loop: {max: 5, within: 10s}
                """);
        Report ok = Readiness.evaluate(limited, Catalogs.of(limited, Map.of("tickets", ticketTools())),
                Policy.compile(limited.policy()), true, withStage);
        Line pass = line(ok, "dev", "C6.3");
        assertThat(pass.status()).isEqualTo(Status.PASS);
        assertThat(pass.evidence()).contains("enforced on every call by pipeline stage rate-limit",
                "limit per-user: 600 per 1m per principal");
        assertThat(pass.evidence()).anyMatch(e -> e.contains("more than 5 times within 10s"));
        assertThat(pass.evidence()).anyMatch(e -> e.contains("shared by every node in Redis at 127.0.0.1:6379")
                && e.contains("while Redis is unreachable: fail_closed"));
        assertThat(line(ok, "prod", "C6.3").status()).as("every environment needs its own").isEqualTo(Status.FAIL);
        assertThat(line(report(READY), "dev", "C6.3").status()).as("no stage, no pass").isEqualTo(Status.FAIL);
    }

    /** #14 item 4: C6.1 passes on the defaults (breaker and retries on) and says what each upstream has. */
    @Test
    void c61_passesWithBreakerAndRetriesAndNamesThem() throws Exception {
        Line l = line(report(READY), "dev", "C6.1");
        assertThat(l.status()).isEqualTo(Status.PASS);
        assertThat(l.evidence()).anyMatch(s -> s.startsWith("upstream tickets: timeout") && s.contains("breaker opens at 50%")
                && s.contains("read_only tools retried up to 2 times"));
        assertThat(l.evidence()).anyMatch(s -> s.contains("never retried"));
        Line off = line(report(replace(READY, "  tickets: {command: [\"true\"]}\n",
                "  tickets: {command: [\"true\"], breaker: {enabled: false}}\n")), "dev", "C6.1");
        assertThat(off.evidence().getFirst()).contains("upstream tickets has its circuit breaker switched off");
        assertThat(off.fix()).contains("breaker:").contains("retry:");
    }

    @Test
    void c51_c52_passFromTheEgressStageAndTheDetectorsInForceAndFailWhenTurnedOff() throws Exception {
        Report r = report(READY);
        assertThat(line(r, "dev", "C5.1").status()).isEqualTo(Status.PASS);
        assertThat(line(r, "dev", "C5.1").evidence().getFirst()).contains("pipeline stage egress");
        assertThat(line(r, "dev", "C5.1").evidence()).anyMatch(e -> e.contains("secret.aws-access-key-id"));
        assertThat(line(r, "dev", "C5.2").evidence()).anyMatch(e -> e.startsWith("mask: pii.payment-card"));
        Report off = report(READY + "egress: {enabled: false}\n");
        assertThat(line(off, "dev", "C5.1").status()).isEqualTo(Status.FAIL);
        assertThat(line(off, "dev", "C5.2").fix()).contains("enabled: true");
    }

    @Test
    void evidenceNamesToolsIssuersAndRules() throws Exception {
        String yaml = replace(READY, "    - {id: irreversible-approval, effect: require_approval, when: 'tool.risk == \"irreversible\"', approvers: [approver]}\n", "");
        Report r = report(yaml);
        assertThat(line(r, "dev", "C1.1").evidence()).anyMatch(s -> s.contains("https://sso.example.com/"));
        assertThat(line(r, "dev", "C3.2").fix()).contains("tickets__delete").contains("changes-in-dev");
        assertThat(line(r, "dev", "C2.2").evidence()).anyMatch(s -> s.contains("irreversible: [tickets__delete]"));
        // prod: the irreversible tool is not allowed anywhere without approval there either; the deny-by-default holds
        assertThat(line(r, "prod", "C3.2").status()).isEqualTo(Status.PASS);
    }

    @Test
    void theChangelogLinePassesOnlyWhileAppliedConfigsAreRecorded() throws Exception {
        GatewayConfig c = config(READY);
        var catalog = Catalogs.of(c, Map.of("tickets", ticketTools()));
        Report recorded = Readiness.evaluate(c, catalog, Policy.compile(c.policy()), true, STANDARD);
        Report lost = Readiness.evaluate(c, catalog, Policy.compile(c.policy()), false, STANDARD);
        assertThat(line(recorded, "dev", "C7.3").status()).isEqualTo(Status.PASS);
        // #15 item 6: the line names the changelog's sources
        assertThat(String.join("\n", line(recorded, "dev", "C7.3").evidence())).contains("portcullis changelog",
                "config_changes", "kill_switch_history", "pins", "pin_review");
        assertThat(line(lost, "dev", "C7.3").status()).isEqualTo(Status.FAIL);
        assertThat(lost.gate("dev").closed()).isFalse(); // section 7 does not close the gate
    }

    /** #13 item 7: C5.4 passes from the data-handling document the enforced config yields; a declared URL is not enough. */
    @Test
    void item7_c54_passesFromTheEnforcedConfigNotFromADeclaredDocument() throws Exception {
        Line l = line(report(replace(READY, "  conversation_policy: docs/history.md\n", "")), "dev", "C5.4");
        assertThat(l.status()).isEqualTo(Status.PASS);
        assertThat(l.evidence().getFirst()).contains("derived from the enforced config").contains("portcullis data-policy --env dev");
        assertThat(l.evidence()).anyMatch(e -> e.endsWith("for 90d"));
        Line declaredOnly = line(report(replace(READY, "  default_retention: 90d\n", "")), "dev", "C5.4");
        assertThat(declaredOnly.status()).isEqualTo(Status.FAIL);
        assertThat(declaredOnly.evidence()).anyMatch(e -> e.contains("docs/history.md") && e.contains("does not replace"));
        assertThat(declaredOnly.fix()).contains("retention: {dev: 400d}").contains("portcullis data-policy --env dev");
        // labelled PII reaches the model: said in C5.2 and C5.4, and C5.2 still passes (only secrets fail it)
        Report labelled = report(READY + "egress:\n  upstreams: {tickets: {pii.email: label}}\n");
        assertThat(line(labelled, "dev", "C5.2").status()).isEqualTo(Status.PASS);
        assertThat(line(labelled, "dev", "C5.2").evidence()).anyMatch(e -> e.startsWith("reaches the model with a label only: pii.email")
                && e.contains("tickets__search"));
        assertThat(line(labelled, "dev", "C5.4").evidence().getFirst()).contains("except where labelled [pii.email]");
    }

    /** C5.3 names each environment's largest limit, is N/A without tools and fails when no stage enforces the limit. */
    @Test
    void c53_namesTheLimitsAndFailsWithoutTheResultLimitStage() throws Exception {
        Report r = report(replace(READY, "    tickets__search: {purpose: Find tickets., risk: read_only}",
                "    tickets__search: {purpose: Find tickets., risk: read_only, max_result_bytes: 2000000}"));
        assertThat(line(r, "dev", "C5.3").status()).isEqualTo(Status.PASS);
        assertThat(line(r, "dev", "C5.3").evidence()).anyMatch(e -> e.contains("largest limit here: 2000000 bytes (tickets__search;"));
        Map<String, List<String>> without = new java.util.LinkedHashMap<>(STANDARD);
        without.remove("result-limit");
        GatewayConfig c = config(READY);
        Report noStage = Readiness.evaluate(c, Catalogs.of(c, Map.of("tickets", ticketTools())), Policy.compile(c.policy()), false, without);
        assertThat(line(noStage, "dev", "C5.3").status()).isEqualTo(Status.FAIL);
        assertThat(line(noStage, "dev", "C5.3").fix()).contains("C5.3");
        Report none = report(READY, Map.of());
        assertThat(line(none, "dev", "C5.3").status()).isEqualTo(Status.NOT_APPLICABLE);
    }

    @Test
    void declaredLinesSayTheyAreNotVerified() throws Exception {
        Report r = report(READY);
        for (String id : new String[] {"C1.3", "C4.4", "C7.2"}) { // C7.1 comes from readiness.oncall (#15 item 5, OnCallReadinessTest)
            assertThat(line(r, "dev", id).evidence()).anyMatch(s -> s.contains("declared in config, not verified"));
        }
    }

    @Test
    void theGateCanBeSwitchedOffOrOverriddenOutsideProductionOnly() throws Exception {
        String failing = replace(READY, "  signing_key: keys/audit.pem\n", "");
        String noProduction = replace(failing, "  - {name: prod, production: true}\n", "  - prod\n");
        assertThat(report(noProduction + "  gate: {enforce: false}\n").gate("dev").closed()).isFalse();
        Report overridden = report(failing + "  gate:\n    override: [{env: dev, reason: integration week}]\n");
        assertThat(overridden.gate("dev").closed()).isFalse();
        assertThat(overridden.gate("dev").overrideReason()).isEqualTo("integration week");
        assertThat(overridden.gate("prod").closed()).isTrue();
        assertThat(ReportText.text(overridden)).contains("GATE OVERRIDDEN");
        assertThatThrownBy(() -> config(failing + "  gate:\n    override: [{env: prod, reason: please}]\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("production");
        assertThatThrownBy(() -> config(failing + "  gate:\n    override: [{env: dev}]\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("reason");
    }

    /** #11 item 7: with a production environment, {@code enforce: false} is a config error (check refuses it). */
    @Test
    void item7_theGateCannotBeSwitchedOffWhileAnEnvironmentIsProduction() throws Exception {
        String failing = replace(READY, "  signing_key: keys/audit.pem\n", "");
        assertThatThrownBy(() -> config(failing + "  gate: {enforce: false}\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'enforce: false'")
                .hasMessageContaining("'prod' is production");
    }

    /** #11 item 7, at the mechanism: whatever the config record says, a production environment's gate is enforced. */
    @Test
    void item7_aProductionGateIsEnforcedWhateverTheConfigRecordSays() throws Exception {
        String failing = replace(READY, "  signing_key: keys/audit.pem\n", "");
        GatewayConfig c = config(failing);
        ReadinessConfig rc = c.readiness();
        ReadinessConfig off = new ReadinessConfig(rc.boundaryOwner(), rc.review(), rc.playbook(), rc.conversationPolicy(),
                rc.rotation(), false, rc.list(), Map.of("prod", "built without the reader"));
        GatewayConfig forged = new GatewayConfig(c.source(), c.server(), c.environments(), c.upstreams(), c.tools(), c.store(),
                c.catalog(), c.files(), c.policy(), c.identity(), c.audit(), c.approvals(), off, c.egress(), c.rateLimits(), c.conversation(), c.pins());
        Report r = Readiness.evaluate(forged, Catalogs.of(forged, Map.of("tickets", ticketTools())), Policy.compile(forged.policy()), true, STANDARD);
        assertThat(r.gate("prod").closed()).isTrue();
        assertThat(r.gate("prod").enforced()).isTrue();
        assertThat(r.gate("dev").closed()).isFalse(); // outside production the record's choice holds
    }

    @Test
    void anUnknownEnvironmentIsClosed() throws Exception {
        assertThat(report(READY).gate("nowhere").closed()).isTrue();
    }

    @Test
    void theJsonNamesEachLineById() throws Exception {
        ObjectNode j = report(replace(READY, "  default_retention: 90d\n", "")).toJson();
        assertThat(j.path("schema_version").asInt()).isEqualTo(Report.SCHEMA_VERSION);
        var dev = j.path("environments").get(0);
        assertThat(dev.path("name").asString()).isEqualTo("dev");
        assertThat(dev.path("gate").path("state").asString()).isEqualTo("closed");
        assertThat(dev.path("gate").path("failing").get(0).asString()).isEqualTo("C4.2");
        assertThat(dev.path("lines").get(0).path("id").asString()).isEqualTo("C1.1");
        assertThat(dev.path("lines").get(0).path("text").asString()).startsWith("Define the effective identity");
        assertThat(ReportText.markdown(report(READY))).contains("| **C4.2**");
    }
}
