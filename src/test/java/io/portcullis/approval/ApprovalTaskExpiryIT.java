package io.portcullis.approval;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.audit.AuditQuery;
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
 * C3.2 with 2025-11-25 tasks: a gateway task whose approval nobody gives ends when the request
 * expires (expired means denied): the task fails with the refusal, the audit log has the
 * expiry and the refused call with the task id.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApprovalTaskExpiryIT {
    private static final String TOOL = "demo__delete_project";
    ApprovalWorld w;
    /** The time approvals and gateway tasks run on: the test moves it instead of waiting for it (#12 item 7). */
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
                      ttl: 3s
                """, ticker);
        w.waitFor("1s"); // shorter than the ttl: only a task outlives it and sees the expiry
    }

    @AfterAll
    void stop() throws Exception {
        w.close();
    }

    @Test
    void aTaskWhoseApprovalExpiresFailsAsDenied() throws Exception {
        ApprovalWorld.Session alice = w.session(w.token("alice", List.of("engineering"), "prod"), "prod");
        JsonNode created = alice.request("tools/call", ApprovalTasksIT.call(TOOL, ApprovalTasksIT.project("task-expire"), true))
                .path("result");
        String taskId = created.path("task").path("taskId").asString();
        assertThat(taskId).as(created.toString()).startsWith("ptask_");

        var result = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> alice.request("tasks/result", ApprovalTasksIT.taskId(taskId)), ApprovalWorld.CALLERS);
        w.awaitPending(w.token("bob", List.of("approver"), "dev"), TOOL, "task-expire");
        ticker.advance(java.time.Duration.ofSeconds(3)); // the request's 3 s ttl passes on the test's clock
        JsonNode r = result.get(60, java.util.concurrent.TimeUnit.SECONDS).path("result");
        assertThat(r.path("isError").asBoolean()).as(r.toString()).isTrue();
        assertThat(r.path("content").path(0).path("text").asString()).contains("expired", "expired means denied");
        JsonNode got = alice.request("tasks/get", ApprovalTasksIT.taskId(taskId)).path("result");
        assertThat(got.path("status").asString()).isEqualTo("failed");

        List<ObjectNode> records = w.gw.gateway().audit().query().search(new AuditQuery.Filter(
                null, null, "prod", null, null, null, null, 1000));
        String approval = records.stream().filter(x -> x.path("kind").asString().equals("approval_expired")).findFirst()
                .orElseThrow().path("approval").path("id").asString();
        JsonNode call = records.stream().filter(x -> x.path("kind").asString().equals("call")
                && x.path("decision").path("approval_ids").toString().contains(approval)).findFirst().orElseThrow();
        assertThat(call.path("decision").path("outcome").asString()).isEqualTo("refused");
        assertThat(call.path("error").path("task_id").asString()).isEqualTo(taskId);
    }
}
