package io.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.protocol.Json;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * 2025-11-25 tasks pass through the gateway (issue #2): a task-augmented {@code tools/call} to
 * server-everything returns a task; {@code tasks/get}, {@code tasks/result} and {@code tasks/list}
 * reach the upstream that created it; another session cannot see or touch it.
 */
class TasksIT {
    private static final String TOOL = "everything__simulate-research-query";
    // the research tool's result is about 1 KiB: a 700-byte limit must cut the result tasks/result delivers
    /** #12 item 7: the gateway of this class, started and stopped by the extension. */
    @RegisterExtension
    static final GatewayExtension gw = GatewayExtension.config(() -> """
                upstreams:
                  everything:
                    command: %s
                catalog:
                  unlisted: allow
                  tools:
                    everything__simulate-research-query: {risk: read_only, max_result_bytes: 700}
                """.formatted(TestGateway.list(NpmPeers.everything()))).build();

    @Test
    void aTaskIsCreatedPolledAndItsResultFetchedThroughTheGateway() throws Exception {
        LegacySession s = LegacySession.open(gw.client(), "2025-11-25");
        assertThat(s.initializeResult().path("capabilities").path("tasks").path("requests").path("tools").has("call"))
                .as("the upstream's task capability is offered: %s", s.initializeResult()).isTrue();
        ObjectNode params = Json.object().put("name", TOOL);
        params.putObject("arguments").put("topic", "gateways");
        params.putObject("task").put("ttl", 60_000);
        JsonNode created = s.post(s.message("tools/call", params)).message();
        JsonNode task = created.path("result").path("task");
        assertThat(task.path("taskId").asString()).as(created.toString()).isNotBlank();
        assertThat(task.path("status").asString()).isIn("working", "submitted");
        String taskId = task.path("taskId").asString();

        JsonNode polled = s.request("tasks/get", Json.object().put("taskId", taskId)).path("result");
        assertThat(polled.path("taskId").asString()).isEqualTo(taskId);
        assertThat(polled.path("status").asString()).isIn("working", "completed");

        JsonNode listed = s.request("tasks/list", Json.object()).path("result");
        assertThat(listed.path("tasks").toString()).contains(taskId);

        // another session (same anonymous caller, other client) must not reach this task
        LegacySession other = LegacySession.open(gw.client(), "2025-11-25");
        JsonNode stolen = other.post(other.message("tasks/get", Json.object().put("taskId", taskId))).message();
        assertThat(stolen.path("error").path("code").asInt()).isEqualTo(-32602);
        assertThat(other.request("tasks/list", Json.object()).path("result").path("tasks").toString()).doesNotContain(taskId);

        // tasks/result waits for the task (four stages of about a second) and returns the tool's result,
        // held to the tool's size limit like any result (cut, with the marker the client sees)
        JsonNode result = s.post(s.message("tasks/result", Json.object().put("taskId", taskId))).message().path("result");
        assertThat(result.path("content").path(0).path("text").asString()).as(result.toString()).containsIgnoringCase("gateways");
        assertThat(result.path("_meta").path("io.portcullis/truncated").path("limitBytes").asInt()).as(result.toString()).isEqualTo(700);
        assertThat(Json.bytes(result).length).isLessThanOrEqualTo(700);
        assertThat(s.request("tasks/get", Json.object().put("taskId", taskId)).path("result").path("status").asString()).isEqualTo("completed");

        // and it is an audit record of its own, beside the call that created the task
        List<ObjectNode> records = gw.gateway().audit().query().search(io.portcullis.audit.AuditQuery.Filter.all());
        ObjectNode delivered = records.stream().filter(r -> r.path("kind").asString().equals("task_result")).findFirst().orElseThrow();
        assertThat(delivered.path("tool").path("name").asString()).isEqualTo(TOOL);
        assertThat(delivered.path("tool").path("upstream").asString()).isEqualTo("everything");
        assertThat(delivered.path("notes").toString()).contains(taskId, "truncated");
        assertThat(delivered.path("result").path("bytes").asLong()).isPositive();
        assertThat(records).anyMatch(r -> r.path("kind").asString().equals("call")
                && r.path("result").path("task_id").asString("").equals(taskId));
    }

    @Test
    void anUnknownTaskIsAClearError() throws Exception {
        LegacySession s = LegacySession.open(gw.client(), "2025-11-25");
        JsonNode r = s.post(s.message("tasks/result", Json.object().put("taskId", "no-such-task"))).message();
        assertThat(r.path("error").path("code").asInt()).isEqualTo(-32602);
        assertThat(r.path("error").path("message").asString()).contains("Unknown task");
    }
}
