package io.portcullis.approval;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.protocol.Json;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * #11 items 8, 11 and 15 through the real gateway, a real IdP with two issuers, the approvals
 * API, the CLI and a webhook on loopback: an approver sees every value that will be sent (no
 * key-name masking, no truncation), except the secrets the detectors prove, which every view
 * masks the same way and says so; requests are visible by (issuer, subject), never by subject
 * alone; and one person with subjects at two linked issuers counts once toward a quorum.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class Hardening11ApprovalViewIT {
    static final String TOOL = "demo__delete_project";
    /** A tool whose inputSchema is a bare object, so arguments under any key reach the approval. */
    static final String ANY = "fault__echo";
    static final String GHP = "ghp_abcdefghijklmnopqrstuvwxyz0123456789";
    static final String DB_PASSWORD = "S3cr3tPassw0rd";

    HookReceiver hook;
    ApprovalWorld w;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        hook = new HookReceiver(0);
        w = new ApprovalWorld(dir.resolve("data"), """
                  webhook: {url: %s, format: json, backoff: 100ms}
                  link_by_verified_email: ["{IDP}/default", "{IDP}/other"]
                policy:
                  rules:
                    - {id: read-only-anywhere, effect: allow, when: 'tool.risk == "read_only"'}
                    - id: deletes-in-production-need-two
                      effect: require_approval
                      when: 'tool.risk == "irreversible" && production'
                      approvers: [approver]
                      quorum: 2
                    - id: free-form-in-production-needs-one
                      effect: require_approval
                      when: 'tool.name == "fault__echo" && production'
                      approvers: [approver]
                """.formatted(hook.url())
                // prod is gated until ready (#11 item 7): the free-form tool needs its catalog entry too
                + ApprovalWorld.readyCatalog("    fault: {owner: {team: approvals-qa, oncall: \"pager:approvals-qa\"}}\n",
                        "    fault__echo: {purpose: Echoes any arguments (what an approver sees)., risk: read_only}\n"),
                "  fault: {command: %s}".formatted(io.portcullis.it.TestGateway.list(
                io.portcullis.it.JvmPeers.testMain(io.portcullis.it.FaultServer.class))), """
                    - issuer: {IDP}/other
                      discovery: {IDP}/other/.well-known/openid-configuration
                      claims: {roles: [groups]}
                """);
        w.waitFor("1s");
    }

    @AfterAll
    void stop() throws Exception {
        w.close();
        hook.close();
    }

    ObjectNode arguments(String project) {
        return Json.object().put("project", project).put("note", "use " + GHP + " for the mirror")
                .put("session_token", "sess-visible-123").put("password", "plain-text-password-is-sent")
                .put("body", "x".repeat(5000) + "END").put("file", "invoice\u202Etxt.exe")
                .put("db", "postgres://app:" + DB_PASSWORD + "@db.internal/prod");
    }

    @Test
    void item11_theApproverSeesEveryValueThatWillBeSentAndOnlyProvenSecretsMasked(@TempDir Path tmp) throws Exception {
        String alice = w.token("alice", List.of("engineering"), "prod");
        JsonNode asked = ApprovalsIT.result(w.session(alice, "prod").call(ANY, arguments("item11-view"), null));
        assertThat(ApprovalsIT.text(asked)).as(asked.toString()).contains("apr_");
        String bob = w.token("bob", List.of("approver"), "dev");
        JsonNode a = w.awaitPending(bob, ANY, "item11-view");
        JsonNode args = a.path("arguments");
        assertThat(args.path("session_token").asString()).isEqualTo("sess-visible-123");
        assertThat(args.path("password").asString()).isEqualTo("plain-text-password-is-sent");
        assertThat(args.path("body").asString()).hasSize(5003).endsWith("END");
        assertThat(args.path("file").asString()).isEqualTo("invoice\u202Etxt.exe");
        // item 8: the detectors' secrets are masked here exactly as in the audit copy
        assertThat(Json.write(a)).doesNotContain(GHP, DB_PASSWORD);
        assertThat(args.path("note").asString()).isEqualTo("use [masked:github-token] for the mirror");
        assertThat(a.path("masked").toString()).contains("/note", "/db");
        assertThat(a.path("masked_note").asString()).contains("[masked:kind]", "exactly as it will be sent");
        assertThat(a.path("hidden_characters").toString()).contains("/file");

        JsonNode hooked = hook.await(d -> Json.write(d.body()).contains("item11-view")).body();
        assertThat(Json.write(hooked)).doesNotContain(GHP, DB_PASSWORD).contains("sess-visible-123");

        Path bobToken = java.nio.file.Files.writeString(tmp.resolve("bob.token"), bob);
        String[] shown = ApprovalsIT.cli("approvals", "show", a.path("id").asString(), "--config", w.gw.configFile().toString(),
                "--url", "http://127.0.0.1:" + w.gw.port(), "--token-file", bobToken.toString());
        assertThat(shown[0]).as(shown[1]).isEqualTo("0");
        assertThat(shown[1]).contains("invoice\\u202Etxt.exe").doesNotContain("\u202E", GHP)
                .contains("contain control, bidi or invisible characters");
    }

    @Test
    void item11_requestsAreVisibleByIssuerAndSubjectNeverBySubjectAlone() throws Exception {
        String alice = w.token("alice", List.of("engineering"), "prod");
        w.session(alice, "prod").call(TOOL, Json.object().put("project", "item11-issuer"), null);
        String bob = w.token("bob", List.of("approver"), "dev");
        String id = w.awaitPending(bob, TOOL, "item11-issuer").path("id").asString();
        String aliceHere = w.token("alice", List.of("engineering"), "dev");
        String aliceElsewhere = w.token("other", "alice", List.of("engineering"), "dev", null);
        assertThat(w.admin("GET", "/admin/api/approvals?status=pending", aliceHere, null).json().toString()).contains(id);
        assertThat(w.admin("GET", "/admin/api/approvals?status=pending", aliceElsewhere, null).json().toString()).doesNotContain(id);
        assertThat(w.admin("GET", "/admin/api/approvals/" + id, aliceElsewhere, null).status()).isEqualTo(404);
    }

    @Test
    void item15_aQuorumCountsPeopleNotTheirSubjectsAtLinkedIssuers() throws Exception {
        String alice = w.token("alice", List.of("engineering"), "prod");
        w.session(alice, "prod").call(TOOL, Json.object().put("project", "item15-quorum"), null);
        String carolHere = w.token("default", "carol", List.of("approver"), "dev", "Carol@Example.com");
        String id = w.awaitPending(carolHere, TOOL, "item15-quorum").path("id").asString();
        assertThat(w.decide(id, "approve", carolHere, "ok").status()).isEqualTo(200);
        // the same person (verified e-mail at a linked issuer) under another subject: not a second approval
        String carolThere = w.token("other", "c.smith", List.of("approver"), "dev", "carol@example.com");
        ApprovalWorld.Reply twice = w.decide(id, "approve", carolThere, "me again");
        assertThat(twice.status()).as(String.valueOf(twice.json())).isEqualTo(409);
        assertThat(Json.write(twice.json())).contains("same person");
        assertThat(w.admin("GET", "/admin/api/approvals/" + id, carolHere, null).json().path("status").asString()).isEqualTo("pending");
        // nor can the caller approve its own request under a subject of another linked issuer
        String aliceThere = w.token("other", "a.jones", List.of("approver"), "dev", "alice@example.com");
        String aliceMailed = w.token("default", "alice2", List.of("engineering"), "prod", "alice@example.com");
        w.session(aliceMailed, "prod").call(TOOL, Json.object().put("project", "item15-self"), null);
        String self = w.awaitPending(carolHere, TOOL, "item15-self").path("id").asString();
        assertThat(w.decide(self, "approve", aliceThere, "mine").status()).isEqualTo(403);
        // a different person completes the quorum
        String dave = w.token("other", "dave", List.of("approver"), "dev", "dave@example.com");
        assertThat(w.decide(id, "approve", dave, "ok").json().path("status").asString()).isEqualTo("approved");
    }
}
