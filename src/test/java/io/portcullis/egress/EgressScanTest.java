package io.portcullis.egress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.catalog.ArgumentCheck;
import io.portcullis.catalog.Oversize;
import io.portcullis.catalog.RiskClass;
import io.portcullis.catalog.ToolEntry;
import io.portcullis.config.ConfigReader;
import io.portcullis.settings.ToolSettings;
import io.portcullis.identity.Principal;
import io.portcullis.call.CallContext;
import io.portcullis.call.CallTrail;
import io.portcullis.call.GatewayException;
import io.portcullis.call.Relay;
import io.portcullis.protocol.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.node.ObjectNode;

/**
 * The egress stage (C5.1, C5.2; #13 items 2, 3, 6) on results built here: what is walked, each
 * action, the audit entries, blocking, the outputSchema check, and bad input. The stage under test
 * is the real one with a config read by the real reader; only the upstream is a lambda.
 */
class EgressScanTest {
    static final String AWS = "AKIAIOSFODNN7EXAMPL3";
    static final String CARD = "4111 1111 1111 1111";
    @TempDir
    Path dir;

    EgressConfig config(String egressYaml) throws Exception {
        String yaml = "server: {data_dir: data}\nupstreams:\n  up: {command: [\"true\"]}\n" + egressYaml;
        Files.writeString(dir.resolve("c.yaml"), yaml);
        return ConfigReader.read(dir.resolve("c.yaml")).egress();
    }

    static ToolEntry tool(String name, ObjectNode outputSchema) {
        ObjectNode def = Json.object().put("name", name);
        if (outputSchema != null) {
            def.set("outputSchema", outputSchema);
        }
        return new ToolEntry(name, "up", name.replaceFirst("^.*__", ""), def, ToolSettings.DEFAULT, null, RiskClass.READ_ONLY,
                "catalog", null, List.of(), List.of(), ToolEntry.ExportStatus.NOT_EXPORT, 1 << 20, Oversize.TRUNCATE,
                ArgumentCheck.compile(def, Map.of()));
    }

    static CallContext call(ToolEntry tool, String env, String session) {
        Principal p = new Principal("alice", Principal.Kind.USER, "alice", List.of(), "client-a", env, "jwt", "jti",
                Instant.parse("2030-01-01T00:00:00Z"), "https://idp", "alice@corp.io", List.of());
        return new CallContext("c-1", p, env, session, "2025-11-25", tool.name(), Json.object().put("name", tool.name()), tool,
                Relay.NONE, Instant.now(), new CallTrail());
    }

    static ObjectNode text(String s) {
        ObjectNode r = Json.object();
        r.putArray("content").addObject().put("type", "text").put("text", s);
        return r;
    }

    ObjectNode run(EgressConfig cfg, CallContext call, ObjectNode result) throws GatewayException {
        return new EgressScan(cfg).handle(call, c -> result);
    }

    /** Fail closed: a stage built without egress settings withholds the result instead of passing it unscanned. */
    @Test
    void aStageWithoutSettingsWithholdsTheResult() {
        CallContext call = call(tool("crm__get", null), "dev", null);
        assertThatThrownBy(() -> run(null, call, text("mail erin@corp.io")))
                .isInstanceOfSatisfying(GatewayException.Refused.class, e -> assertThat(e.control()).isEqualTo("egress"));
    }

    @Test
    void item3_defaultsRedactSecretsAndPiiAndMaskCardsAndRecordClassCountPlaceNeverTheValue() throws Exception {
        CallContext c = call(tool("fs__read", null), "default", "s1");
        ObjectNode out = run(config(""), c, text("key " + AWS + " mail bob.k@acme-corp.io and carol@acme-corp.io card " + CARD));
        String t = out.path("content").get(0).path("text").asString();
        assertThat(t).contains("[REDACTED:secret.aws-access-key-id]", "[REDACTED:pii.email]", "**** **** **** 1111")
                .doesNotContain(AWS, "bob.k@", CARD);
        assertThat(c.trail().redactions()).containsExactlyInAnyOrder(
                "secret.aws-access-key-id x1 at /content/0/text: redact", "pii.email x2 at /content/0/text: redact",
                "pii.payment-card x1 at /content/0/text: mask");
        assertThat(String.join(" ", c.trail().redactions())).doesNotContain(AWS, "acme-corp", "1111");
    }

    @Test
    void item2_everyStringLeafIsWalkedButBinaryIsNot() throws Exception {
        ObjectNode r = Json.object();
        var content = r.putArray("content");
        content.addObject().put("type", "resource").putObject("resource").put("uri", "file:///x").put("text", "pw: postgres://app:S3cretPw9@db/x");
        content.addObject().put("type", "resource_link").put("uri", "https://h/?token=x&mail=dana@corp.io").put("name", "n");
        String imageData = java.util.Base64.getEncoder().encodeToString(("dana@corp.io " + AWS).getBytes());
        content.addObject().put("type", "image").put("mimeType", "image/png").put("data", imageData);
        content.addObject().put("type", "resource").putObject("resource").put("uri", "file:///b").put("blob", AWS);
        r.putObject("structuredContent").putObject("deep").putArray("list").add("ok").addObject().put("k", "ghp_" + "a".repeat(36));
        CallContext c = call(tool("fs__read", null), "default", "s1");
        ObjectNode out = run(config(""), c, r);
        assertThat(out.toString()).doesNotContain("S3cretPw9", "dana@corp.io", "ghp_aaaa");
        assertThat(out.path("content").get(2).path("data").asString()).isEqualTo(imageData); // base64 is not scanned as text
        assertThat(out.path("content").get(3).path("resource").path("blob").asString()).isEqualTo(AWS);
        assertThat(c.trail().redactions()).contains("secret.url-password x1 at /content/0/resource/text: redact",
                "pii.email x1 at /content/1/uri: redact", "secret.github-token x1 at /structuredContent/deep/list/1/k: redact");
    }

    @Test
    void item3_toolErrorMessagesAreScannedToo() throws Exception {
        ObjectNode r = text("connect failed: postgres://app:Hunter2Pass@db:5432/x");
        r.put("isError", true);
        ObjectNode out = run(config(""), call(tool("db__q", null), "default", "s1"), r);
        assertThat(out.toString()).doesNotContain("Hunter2Pass").contains("[REDACTED:secret.url-password]");
        assertThat(out.path("isError").asBoolean()).isTrue();
    }

    @Test
    void item3_blockNamesTheControlAndClassesNeverTheValues() throws Exception {
        EgressConfig cfg = config("egress:\n  actions: {secret.*: block}\n");
        CallContext c = call(tool("fs__read", null), "default", "s1");
        assertThatThrownBy(() -> run(cfg, c, text("here " + AWS)))
                .isInstanceOfSatisfying(GatewayException.Refused.class, e -> assertThat(e.control()).isEqualTo("egress"))
                .hasMessageContaining("secret.aws-access-key-id").hasMessageNotContaining(AWS);
        assertThat(c.trail().redactions()).containsExactly("secret.aws-access-key-id x1 at /content/0/text: block");
    }

    @Test
    void item3_actionsPerEnvironmentUpstreamAndToolMostSpecificWins() throws Exception {
        EgressConfig cfg = config("""
                environments: [dev, prod]
                egress:
                  actions: {pii.email: label}
                  environments: {prod: {pii.*: block}}
                  upstreams: {crm: {pii.email: mask}}
                  tools: {"crm__*": {pii.email: pseudonymize}}
                """);
        assertThat(cfg.actions().of("pii.email", "dev", "fs__read", "other")).isEqualTo(Action.LABEL);
        assertThat(cfg.actions().of("pii.email", "prod", "fs__read", "other")).isEqualTo(Action.BLOCK);
        assertThat(cfg.actions().of("pii.email", "prod", "fs__read", "crm")).isEqualTo(Action.MASK);
        assertThat(cfg.actions().of("pii.email", "prod", "crm__export", "crm")).isEqualTo(Action.PSEUDONYMIZE);
        assertThat(cfg.actions().of("secret.jwt", "dev", "crm__export", "up")).isEqualTo(Action.REDACT); // shipped default
        assertThat(cfg.actions().of(Scanner.FAILED, "dev", "crm__export", "up")).isEqualTo(Action.BLOCK);
        CallContext labelled = call(tool("fs__read", null), "dev", "s1");
        ObjectNode out = new EgressScan(cfg).handle(labelled, c -> text("mail erin@corp.io"));
        assertThat(out.toString()).contains("erin@corp.io");
        assertThat(labelled.trail().redactions()).containsExactly("pii.email x1 at /content/0/text: label");
    }

    @Test
    void item3_pseudonymsAreStableWithinTheScopeAndDifferAcrossIt() throws Exception {
        EgressConfig cfg = config("egress:\n  actions: {pii.email: pseudonymize}\n");
        String a1 = run(cfg, call(tool("t__a", null), "default", "s1"), text("x frank@corp.io y gina@corp.io z frank@corp.io")).toString();
        String a2 = run(cfg, call(tool("t__a", null), "default", "s1"), text("frank@corp.io")).toString();
        String b = run(cfg, call(tool("t__a", null), "default", "s2"), text("frank@corp.io")).toString();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\[PSEUDO:pii\\.email:[0-9a-f]{12}]").matcher(a1);
        List<String> tokens = m.results().map(java.util.regex.MatchResult::group).toList();
        assertThat(tokens).hasSize(3);
        assertThat(tokens.get(0)).isEqualTo(tokens.get(2)).isNotEqualTo(tokens.get(1));
        assertThat(a2).contains(tokens.get(0));
        assertThat(b).doesNotContain(tokens.get(0)).contains("[PSEUDO:pii.email:");
        assertThat(a1).doesNotContain("frank", "gina");
        assertThat(Files.exists(dir.resolve("data/egress-pseudonym.key"))).isTrue();
    }

    @Test
    void item3_aRedactedStructuredContentThatNoLongerFitsTheOutputSchemaIsBlocked() throws Exception {
        ObjectNode schema = (ObjectNode) Json.parse("{\"type\":\"object\",\"properties\":{\"email\":{\"type\":\"string\",\"format\":\"email\","
                + "\"pattern\":\"^[^@]+@[^@]+$\"}},\"required\":[\"email\"]}");
        ObjectNode r = text("{\"email\":\"hana@corp.io\"}");
        r.putObject("structuredContent").put("email", "hana@corp.io");
        CallContext c = call(tool("crm__get", schema), "default", "s1");
        assertThatThrownBy(() -> run(config(""), c, r)).isInstanceOf(GatewayException.Refused.class)
                .hasMessageContaining("outputSchema").hasMessageContaining("pii.email").hasMessageNotContaining("hana");
        // with a schema the redaction keeps valid, the result passes
        ObjectNode loose = (ObjectNode) Json.parse("{\"type\":\"object\",\"properties\":{\"email\":{\"type\":\"string\"}}}");
        ObjectNode ok = run(config(""), call(tool("crm__get", loose), "default", "s1"), r);
        assertThat(ok.path("structuredContent").path("email").asString()).isEqualTo("[REDACTED:pii.email]");
    }

    @Test
    void item6_deeplyNestedContentIsBlockedNotCrashed() throws Exception {
        ObjectNode r = text("ok");
        ObjectNode at = r.putObject("structuredContent");
        for (int i = 0; i < 2000; i++) {
            at = at.putObject("n");
        }
        at.put("leaf", "value");
        assertThatThrownBy(() -> run(config(""), call(tool("t__a", null), "default", "s1"), r))
                .isInstanceOf(GatewayException.Refused.class).hasMessageContaining("nested deeper");
    }

    @Test
    void item6_loneSurrogatesAndReplacementCharactersAndHugeTextAreScanned() throws Exception {
        String odd = "\uD800 \uFFFD ivan@corp.io \uDC00" + AWS + "\uD83D";
        ObjectNode out = run(config(""), call(tool("t__a", null), "default", "s1"), text(odd));
        assertThat(out.toString()).doesNotContain("ivan@corp.io", AWS);
        String huge = "lorem ipsum 12 dolor sit amet. ".repeat(130_000) + " judy@corp.io"; // 4 MB, one hit at the end
        ObjectNode big = run(config(""), call(tool("t__a", null), "default", "s1"), text(huge));
        assertThat(big.path("content").get(0).path("text").asString()).endsWith("[REDACTED:pii.email]");
    }

    @Test
    void item3_disabledEgressPassesResultsUntouched() throws Exception {
        ObjectNode r = text(AWS);
        assertThat(run(config("egress: {enabled: false}\n"), call(tool("t__a", null), "default", "s1"), r)).isSameAs(r);
    }

    @Test
    void item2_resourcesReadContentsAndPromptMessagesAreScannedLikeToolResults() throws Exception {
        ToolEntry none = tool("x", null);
        CallContext read = new CallContext("c-2", call(none, "default", "s1").principal(), "default", "s1", "2025-11-25",
                "file:///srv/.env", Json.object(), null, Relay.NONE, Instant.now(), new CallTrail());
        read.trail().upstream("fs");
        ObjectNode contents = Json.object();
        contents.putArray("contents").addObject().put("uri", "file:///srv/.env").put("text", "TOKEN=" + AWS);
        ((tools.jackson.databind.node.ArrayNode) contents.get("contents")).addObject().put("uri", "file:///b").put("blob", AWS);
        ObjectNode out = run(config(""), read, contents);
        assertThat(out.path("contents").get(0).path("text").asString()).isEqualTo("TOKEN=[REDACTED:secret.aws-access-key-id]");
        assertThat(out.path("contents").get(1).path("blob").asString()).isEqualTo(AWS);
        ObjectNode prompt = Json.object();
        prompt.putArray("messages").addObject().put("role", "user").putObject("content").put("type", "text")
                .put("text", "write to kim@corp.io");
        assertThat(run(config(""), read, prompt).toString()).doesNotContain("kim@corp.io").contains("[REDACTED:pii.email]");
    }

    @Test
    void item6_a50MbResultIsCutByResultLimitBeforeItIsScanned() throws Exception {
        // egress wraps result-limit (Chains.toolCall): the scan sees the cut result, never the 50 MB
        String big = "leak " + AWS + " " + "x".repeat(50 * 1024 * 1024) + " tail lee@corp.io";
        CallContext c = call(tool("fs__read", null), "default", "s1"); // max_result_bytes 1 MiB, truncate
        EgressConfig cfg = config("");
        ObjectNode out = new io.portcullis.pipeline.Pipeline(
                List.of(new EgressScan(cfg), new io.portcullis.pipeline.stages.ResultLimit()), x -> text(big)).call(c);
        String t = out.path("content").get(0).path("text").asString();
        assertThat(t).startsWith("leak [REDACTED:secret.aws-access-key-id] xxx").doesNotContain(AWS, "lee@corp.io");
        assertThat(t.length()).isLessThan(1 << 20);
        assertThat(out.toString()).contains("result truncated");
        assertThat(c.trail().redactions()).containsExactly("secret.aws-access-key-id x1 at /content/0/text: redact");
    }

    @Test
    void c51_theStageDeclaresItsChecklistLines() {
        assertThat(new EgressScan((EgressConfig) null).checklist()).containsExactly("C5.1", "C5.2");
        assertThat(new EgressScan((EgressConfig) null).name()).isEqualTo("egress");
    }
}
