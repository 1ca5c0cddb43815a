package io.portcullis.approval;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.protocol.Json;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * C3.2, C3.3 with rules of the deployment's own: an approval that lives 2 s (expiry means
 * denial), a quorum of two distinct approvers, and a deny that ends a waiting call.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApprovalExpiryIT {
    ApprovalWorld w;
    /** The time approvals run on: the test moves it instead of waiting for the 2 s ttl (#12 item 7). */
    final io.portcullis.testing.ManualTicker ticker = new io.portcullis.testing.ManualTicker(java.time.Instant.now());

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        w = new ApprovalWorld(dir.resolve("data"), """
                policy:
                  rules:
                    - {id: read-only-anywhere, effect: allow, when: 'tool.risk == "read_only"'}
                    - id: deletes-in-production-expire-fast
                      effect: require_approval
                      when: 'tool.risk == "irreversible" && production'
                      approvers: [approver]
                      ttl: 2s
                      reason: "{tool} deletes data in {env}"
                    - id: tickets-in-production-need-two
                      effect: require_approval
                      when: 'tool.name == "demo__create_ticket" && production'
                      approvers: [approver, release-manager]
                      quorum: 2
                """, ticker);
    }

    @AfterAll
    void stop() throws Exception {
        w.close();
    }

    String alice() {
        return w.token("alice", List.of("engineering"), "prod");
    }

    String approver(String subject) {
        return w.token(subject, List.of("approver"), "dev");
    }

    @Test
    void expiryMeansDenial() throws Exception {
        ApprovalWorld.Session s = w.session(alice(), "prod");
        CompletableFuture<JsonNode> call = CompletableFuture.supplyAsync(() -> ApprovalsIT.result(
                s.call("demo__delete_project", Json.object().put("project", "late"), null)), ApprovalWorld.CALLERS);
        w.awaitPending(approver("bob"), "demo__delete_project", "late");
        ticker.advance(java.time.Duration.ofSeconds(2)); // the 2 s ttl passes on the test's clock
        JsonNode r = call.get(60, TimeUnit.SECONDS);
        assertThat(r.path("isError").asBoolean()).isTrue();
        assertThat(ApprovalsIT.text(r)).contains("expired", "expired means denied");
        String id = ApprovalsIT.approvalId(r);
        ApprovalWorld.Reply late = w.decide(id, "approve", approver("bob"), "too late");
        assertThat(late.status()).isEqualTo(409);
        assertThat(late.json().path("error").asString()).contains("expired");
        assertThat(w.admin("GET", "/admin/api/approvals?status=expired", approver("bob"), null).json().toString()).contains(id);
        // C4.1: the expiry is an audit record of its own, and the late decision left none
        assertThat(records(id)).containsExactly("approval_requested:alice:pending", "approval_expired:alice:expired");
    }

    /** kind:subject:outcome of every audit record that names approval {@code id}, oldest first. */
    List<String> records(String id) {
        return w.gw.gateway().audit().query().search(io.portcullis.audit.AuditQuery.Filter.all()).reversed().stream()
                .filter(r -> r.path("kind").asString().startsWith("approval_"))
                .filter(r -> r.path("decision").path("approval_ids").toString().contains(id))
                .map(r -> r.path("kind").asString() + ":" + r.path("principal").path("subject").asString() + ":"
                        + r.path("decision").path("outcome").asString())
                .toList();
    }

    @Test
    void quorumCountsDistinctApprovers() throws Exception {
        ApprovalWorld.Session s = w.session(alice(), "prod");
        var args = Json.object().put("project", "acme-web").put("title", "needs two");
        CompletableFuture<JsonNode> call = CompletableFuture.supplyAsync(() -> ApprovalsIT.result(
                s.call("demo__create_ticket", args, Json.object().put("progressToken", 7))), ApprovalWorld.CALLERS);
        JsonNode pending = w.awaitPending(approver("bob"), "demo__create_ticket", "needs two");
        String id = pending.path("id").asString();
        assertThat(pending.path("quorum").asInt()).isEqualTo(2);

        ApprovalWorld.Reply one = w.decide(id, "approve", approver("bob"), "one");
        assertThat(one.json().path("status").asString()).isEqualTo("pending");
        ApprovalWorld.Reply twice = w.decide(id, "approve", approver("bob"), "one again");
        assertThat(twice.status()).isEqualTo(409);
        assertThat(call).isNotDone();
        ApprovalWorld.Reply two = w.decide(id, "approve",
                w.token("erin", List.of("release-manager"), "dev"), "two");
        assertThat(two.json().path("status").asString()).isEqualTo("approved");
        JsonNode done = call.get(60, TimeUnit.SECONDS);
        assertThat(done.path("isError").asBoolean()).as(done.toString()).isFalse();
        assertThat(ApprovalsIT.text(done)).contains("created ticket");
        // quorum: two votes, one resolution; the repeated vote was refused before anything was recorded
        assertThat(records(id)).containsExactly("approval_requested:alice:pending", "approval_vote:bob:approve",
                "approval_vote:erin:approve", "approval_decided:erin:approved");
    }

    @Test
    void aDenyEndsTheWaitingCall() throws Exception {
        ApprovalWorld.Session s = w.session(alice(), "prod");
        var args = Json.object().put("project", "acme-web").put("title", "deny me");
        CompletableFuture<JsonNode> call = CompletableFuture.supplyAsync(() -> ApprovalsIT.result(
                s.call("demo__create_ticket", args, null)), ApprovalWorld.CALLERS);
        String id = w.awaitPending(approver("bob"), "demo__create_ticket", "deny me").path("id").asString();
        assertThat(w.decide(id, "deny", approver("bob"), "not in a freeze week").status()).isEqualTo(200);
        JsonNode done = call.get(60, TimeUnit.SECONDS);
        assertThat(done.path("isError").asBoolean()).isTrue();
        assertThat(ApprovalsIT.text(done)).contains(id, "denied by bob", "not in a freeze week");
        assertThat(records(id)).containsExactly("approval_requested:alice:pending", "approval_vote:bob:deny",
                "approval_decided:bob:denied");
    }
}
