package io.portcullis.approval;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.audit.AuditQuery;
import io.portcullis.testing.ManualTicker;
import io.portcullis.protocol.Json;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * C3.2 with 2025-11-25 tasks, through the real gateway with the shipped default policy, real
 * tokens from a real OAuth server and the demo upstream over stdio: a task-augmented call that
 * needs an approval is answered at once with a task of the gateway's own; the task completes
 * (or fails) after the decision made through the admin API; only its session sees it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApprovalTasksIT {
    private static final String TOOL = "demo__delete_project";

    ApprovalWorld w;
    /** The time approvals and gateway tasks run on: the test moves it instead of sleeping (#12 item 7). */
    final ManualTicker ticker = new ManualTicker(java.time.Instant.now());

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        w = new ApprovalWorld(dir.resolve("data"), "", ticker);
        w.waitFor("2s"); // an ordinary call gives up after 2 s; a task waits for the decision itself
    }

    @AfterAll
    void stop() throws Exception {
        w.close();
    }

    String alice(String env) {
        return w.token("alice", List.of("engineering", "approver"), env);
    }

    String bob() {
        return w.token("bob", List.of("approver"), "dev");
    }

    static ObjectNode call(String tool, ObjectNode args, boolean task) {
        ObjectNode p = Json.object().put("name", tool);
        p.set("arguments", args);
        if (task) {
            p.putObject("task").put("ttl", 60_000);
        }
        return p;
    }

    static ObjectNode project(String name) {
        return Json.object().put("project", name);
    }

    static ObjectNode taskId(String id) {
        return Json.object().put("taskId", id);
    }

    /** The one call record naming approval {@code id}. */
    JsonNode callRecord(String id) {
        List<ObjectNode> found = w.gw.gateway().audit().query().search(new AuditQuery.Filter(
                null, null, "prod", null, null, null, "call", 1000)).stream()
                .filter(r -> r.path("decision").path("approval_ids").toString().contains(id)).toList();
        assertThat(found).as("call records of " + id).hasSize(1);
        return found.getFirst();
    }

    @Test
    void aTaskAugmentedCallGetsATaskAtOnceAndCompletesAfterTheApproval() throws Exception {
        ApprovalWorld.Session alice = w.session(alice("prod"), "prod");
        JsonNode caps = alice.initialized.path("capabilities").path("tasks");
        assertThat(caps.path("requests").path("tools").has("call")).as(caps.toString()).isTrue();
        assertThat(caps.has("list") && caps.has("cancel")).isTrue();

        // answered while the clock stands still: well before approvals.wait (an ordinary call would wait for the clock)
        JsonNode created = alice.request("tools/call", call(TOOL, project("task-approve"), true)).path("result");
        JsonNode task = created.path("task");
        assertThat(task.path("status").asString()).as(created.toString()).isEqualTo("working");
        String taskId = task.path("taskId").asString();
        assertThat(taskId).startsWith("ptask_");
        assertThat(task.path("ttl").asLong()).isEqualTo(60_000);
        String approval = w.awaitPending(bob(), TOOL, "task-approve").path("id").asString();
        assertThat(task.path("statusMessage").asString()).contains(approval).contains("/approve");

        ticker.advance(Duration.ofMillis(2500)); // longer than approvals.wait: a task is not refused by it
        JsonNode got = alice.request("tasks/get", taskId(taskId)).path("result");
        assertThat(got.path("status").asString()).isEqualTo("working");
        assertThat(got.path("statusMessage").asString()).contains(approval);
        assertThat(alice.request("tasks/list", Json.object()).path("result").path("tasks").toString()).contains(taskId);

        // another session of the same caller cannot see it
        ApprovalWorld.Session other = w.session(alice("prod"), "prod");
        assertThat(other.request("tasks/get", taskId(taskId)).path("error").path("code").asInt()).isEqualTo(-32602);
        assertThat(other.request("tasks/result", taskId(taskId)).path("error").path("code").asInt()).isEqualTo(-32602);
        assertThat(other.request("tasks/cancel", taskId(taskId)).path("error").path("code").asInt()).isEqualTo(-32602);
        assertThat(other.request("tasks/list", Json.object()).path("result").path("tasks").toString()).doesNotContain(taskId);

        CompletableFuture<JsonNode> result = CompletableFuture.supplyAsync(
                () -> alice.request("tasks/result", taskId(taskId)), ApprovalWorld.CALLERS);
        // #12 item 7: no sleep before "not yet": that tasks/result waited for the end is shown by what it
        // returns below, the upstream's answer, which exists only after the decision made after this line
        assertThat(result).isNotDone();
        assertThat(w.decide(approval, "approve", bob(), "fine as a task").status()).isEqualTo(200);
        JsonNode r = result.get(60, TimeUnit.SECONDS).path("result");
        assertThat(r.path("isError").asBoolean(false)).as(r.toString()).isFalse();
        assertThat(r.path("content").path(0).path("text").asString()).contains("deleted project task-approve");
        assertThat(r.path("_meta").path("io.modelcontextprotocol/related-task").path("taskId").asString()).isEqualTo(taskId);
        assertThat(alice.request("tasks/get", taskId(taskId)).path("result").path("status").asString()).isEqualTo("completed");
        assertThat(alice.request("tasks/cancel", taskId(taskId)).path("error").path("code").asInt()).isEqualTo(-32602);

        assertThat(w.admin("GET", "/admin/api/approvals/" + approval, bob(), null).json().path("status").asString()).isEqualTo("used");
        JsonNode rec = callRecord(approval);
        assertThat(rec.path("decision").path("outcome").asString()).isEqualTo("allowed");
        assertThat(rec.path("result").path("task_id").asString()).isEqualTo(taskId);
        assertThat(rec.path("result").path("is_error").asBoolean()).isFalse();
        assertThat(rec.path("notes").toString()).contains(taskId);
        assertThat(w.gw.gateway().audit().verify().intact()).isTrue();
    }

    @Test
    void theTypeScriptSdkClientGetsTheTaskPollsItAndReadsTheResult() throws Exception {
        ProcessBuilder pb = new ProcessBuilder(io.portcullis.it.NpmPeers.node().toString(),
                "test-support/approval-task-client.mjs", w.gw.url("prod").toString(), TOOL, Json.write(project("ts-task")))
                .directory(Path.of(System.getProperty("portcullis.root", ".")).toFile())
                .redirectError(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("TOKEN", alice("prod"));
        Process node = pb.start();
        java.util.concurrent.BlockingQueue<JsonNode> events = new java.util.concurrent.LinkedBlockingQueue<>();
        Thread.ofVirtual().start(() -> {
            try (var in = new java.io.BufferedReader(new java.io.InputStreamReader(node.getInputStream(),
                    java.nio.charset.StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    events.add(Json.parse(line));
                }
            } catch (java.io.IOException ignored) {
                // the process ended
            }
        });
        try {
            JsonNode connected = events.poll(60, TimeUnit.SECONDS);
            assertThat(connected).isNotNull();
            assertThat(connected.path("capabilities").path("tasks").path("requests").path("tools").has("call")).isTrue();
            JsonNode created = events.poll(60, TimeUnit.SECONDS);
            assertThat(created).isNotNull();
            assertThat(created.path("type").asString()).as(created.toString()).isEqualTo("taskCreated");
            String approval = w.awaitPending(bob(), TOOL, "ts-task").path("id").asString();
            assertThat(created.path("task").path("statusMessage").asString()).contains(approval);
            JsonNode polled = events.poll(30, TimeUnit.SECONDS);
            assertThat(polled.path("type").asString()).isEqualTo("taskStatus");
            assertThat(polled.path("task").path("status").asString()).isEqualTo("working");
            assertThat(w.decide(approval, "approve", bob(), "the SDK client may").status()).isEqualTo(200);
            JsonNode last;
            do {
                last = events.poll(60, TimeUnit.SECONDS);
                assertThat(last).as("the client's next event").isNotNull();
            } while (last.path("type").asString().equals("taskStatus"));
            assertThat(last.path("type").asString()).as(last.toString()).isEqualTo("result");
            assertThat(last.path("result").path("content").path(0).path("text").asString()).contains("deleted project ts-task");
            assertThat(node.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(callRecord(approval).path("result").path("task_id").asString())
                    .isEqualTo(created.path("task").path("taskId").asString());
        } finally {
            node.destroyForcibly();
        }
    }

    @Test
    void aDeniedTaskFailsWithTheRefusal() throws Exception {
        ApprovalWorld.Session alice = w.session(alice("prod"), "prod");
        String taskId = alice.request("tools/call", call(TOOL, project("task-deny"), true))
                .path("result").path("task").path("taskId").asString();
        String approval = w.awaitPending(bob(), TOOL, "task-deny").path("id").asString();
        assertThat(w.decide(approval, "deny", bob(), "not this one").status()).isEqualTo(200);
        JsonNode r = alice.request("tasks/result", taskId(taskId)).path("result");
        assertThat(r.path("isError").asBoolean()).isTrue();
        assertThat(r.path("content").path(0).path("text").asString()).contains(approval).contains("denied").contains("not this one");
        JsonNode got = alice.request("tasks/get", taskId(taskId)).path("result");
        assertThat(got.path("status").asString()).isEqualTo("failed");
        assertThat(got.path("statusMessage").asString()).contains("denied");
        JsonNode rec = callRecord(approval);
        assertThat(rec.path("decision").path("outcome").asString()).isEqualTo("refused");
        assertThat(rec.path("error").path("task_id").asString()).isEqualTo(taskId);
    }

    @Test
    void aCancelledTaskEndsTheWaitAndLeavesTheRequestPending() throws Exception {
        ApprovalWorld.Session alice = w.session(alice("prod"), "prod");
        String taskId = alice.request("tools/call", call(TOOL, project("task-cancel"), true))
                .path("result").path("task").path("taskId").asString();
        String approval = w.awaitPending(bob(), TOOL, "task-cancel").path("id").asString();
        JsonNode cancelled = alice.request("tasks/cancel", taskId(taskId)).path("result");
        assertThat(cancelled.path("status").asString()).isEqualTo("cancelled");
        JsonNode r = alice.request("tasks/result", taskId(taskId)).path("result");
        assertThat(r.path("isError").asBoolean()).isTrue();
        assertThat(r.path("content").path(0).path("text").asString()).contains("cancelled");
        // the call ended (one record, refused: the client cancelled), the request stays pending
        io.portcullis.testing.Eventually.eventually(java.time.Duration.ofSeconds(10), "the cancelled call has its record", () -> w.gw.gateway().audit().query()
                .search(new AuditQuery.Filter(null, null, "prod", null, null, null, "call", 1000)).stream()
                .anyMatch(x -> x.toString().contains(approval)));
        assertThat(callRecord(approval).path("decision").path("reason").asString()).contains("cancelled");
        assertThat(w.admin("GET", "/admin/api/approvals/" + approval, bob(), null).json().path("status").asString()).isEqualTo("pending");
    }

    @Test
    void theApprovedCallReachesItsUpstreamWithoutTheClientsTask(@TempDir Path dir) throws Exception {
        // a second gateway whose irreversible tool answers with the params it received
        String upstream = "  fault: {command: " + io.portcullis.it.TestGateway.list(
                io.portcullis.it.JvmPeers.testMain(io.portcullis.it.FaultServer.class)) + "}";
        String catalog = ApprovalWorld.readyCatalog("    fault: {owner: {team: qa, oncall: \"pager:qa\"}}\n",
                "    fault__params: {purpose: Shows the params it received., risk: irreversible}\n");
        try (ApprovalWorld v = new ApprovalWorld(dir.resolve("data"), catalog, upstream)) {
            ApprovalWorld.Session alice = v.session(v.token("alice", List.of("engineering"), "prod"), "prod");
            JsonNode created = alice.request("tools/call", call("fault__params", Json.object().put("marker", "strip-check"), true));
            String taskId = created.path("result").path("task").path("taskId").asString();
            assertThat(taskId).as(created.toString()).startsWith("ptask_");
            String bobToken = v.token("bob", List.of("approver"), "dev");
            String approval = v.awaitPending(bobToken, "fault__params", "strip-check").path("id").asString();
            assertThat(v.decide(approval, "approve", bobToken, "ok").status()).isEqualTo(200);
            JsonNode r = alice.request("tasks/result", taskId(taskId)).path("result");
            String seen = r.path("content").path(0).path("text").asString();
            assertThat(seen).as(r.toString()).contains("strip-check").doesNotContain("\"task\"").doesNotContain("60000");
        }
    }

    @Test
    void withoutATaskOrWithoutAnApprovalNothingChanges() throws Exception {
        ApprovalWorld.Session alice = w.session(alice("prod"), "prod");
        // no params.task: the call waits approvals.wait (2 s on the test's clock) and is told the approval id, as before
        CompletableFuture<JsonNode> waiting = CompletableFuture.supplyAsync(
                () -> alice.request("tools/call", call(TOOL, project("no-task"), false)), ApprovalWorld.CALLERS);
        w.awaitPending(bob(), TOOL, "no-task");
        ticker.advance(Duration.ofSeconds(2));
        JsonNode plain = waiting.get(60, TimeUnit.SECONDS).path("result");
        assertThat(plain.has("task")).isFalse();
        assertThat(plain.path("isError").asBoolean()).isTrue();
        assertThat(plain.path("content").path(0).path("text").asString()).contains("is pending").contains("retry this identical call");
        // params.task on a call that needs no approval: the tool's answer, directly (the demo upstream has no tasks)
        JsonNode read = alice.request("tools/call", call("demo__search_tickets", Json.object().put("query", "login"), true))
                .path("result");
        assertThat(read.has("task")).as(read.toString()).isFalse();
        assertThat(read.path("isError").asBoolean(false)).isFalse();
        assertThat(alice.request("tasks/list", Json.object()).path("result").path("tasks").size()).isZero();
    }
}
