package io.portcullis.approval;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import io.portcullis.protocol.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * C3.2, C3.3 through the real gateway with the shipped default policy (irreversible tools in a
 * production environment need one approval by role {@code approver}): real tokens from a real
 * OAuth server for the caller and for the approvers, the demo upstream over stdio, the admin
 * API, the webhook against an endpoint on loopback, and a restart in the middle.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApprovalsIT {
    private static final Pattern ID = Pattern.compile("apr_[0-9a-f]{32}");
    private static final String TOOL = "demo__delete_project";

    HookReceiver hook;
    ApprovalWorld w;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        hook = new HookReceiver(1); // the first delivery fails: the retry must carry it
        Path secret = Files.writeString(dir.resolve("hook-token"), "hook-secret\n");
        w = new ApprovalWorld(dir.resolve("data"), "  webhook: {url: %s, format: json, backoff: 100ms, headers: {X-Hook-Token: {file: %s}}}"
                .formatted(hook.url(), secret));
    }

    @AfterAll
    void stop() throws Exception {
        w.close();
        hook.close();
    }

    @AfterEach
    void normalWait() throws Exception {
        w.waitFor("30s");
    }

    /** The caller: an engineer who also holds the approver role, so that only the four-eyes rule stops it approving itself. */
    String alice(String env) {
        return w.token("alice", List.of("engineering", "approver"), env);
    }

    String bob() {
        return w.token("bob", List.of("approver"), "dev"); // the admin API is the default environment's (dev) resource
    }

    static ObjectNode project(String name) {
        return Json.object().put("project", name);
    }

    static JsonNode result(List<JsonNode> messages) {
        return messages.getLast().path("result");
    }

    static String text(JsonNode result) {
        return result.path("content").path(0).path("text").asString("");
    }

    static String approvalId(JsonNode result) {
        Matcher m = ID.matcher(text(result));
        assertThat(m.find()).as("an approval id in: %s", text(result)).isTrue();
        return m.group();
    }

    @Test
    void aRealClientsIrreversibleCallWaitsForAnApproverAndThenCompletes() throws Exception {
        String aliceToken = alice("prod");
        var transport = HttpClientStreamableHttpTransport.builder("http://127.0.0.1:" + w.gw.port()).endpoint("/mcp/prod")
                .httpRequestCustomizer((b, method, uri, body, ctx) -> b.header("Authorization", "Bearer " + aliceToken))
                .build();
        List<McpSchema.ProgressNotification> progress = new CopyOnWriteArrayList<>();
        McpSyncClient client = McpClient.sync(transport).requestTimeout(Duration.ofSeconds(90))
                .clientInfo(new McpSchema.Implementation("approvals-it-java-sdk", "1.0.0"))
                .progressConsumer(progress::add).build();
        try {
            client.initialize();
            CompletableFuture<McpSchema.CallToolResult> call = CompletableFuture.supplyAsync(() -> client.callTool(
                    new McpSchema.CallToolRequest(TOOL, Map.of("project", "acme-web"), Map.of(
                            "progressToken", "approval-progress-1",
                            "io.portcullis/userRequest", Map.of("id", "u-42", "text", "please delete the acme-web project"),
                            "traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"))), ApprovalWorld.CALLERS);

            JsonNode pending = w.awaitPending(bob(), TOOL, "acme-web");
            String id = pending.path("id").asString();
            // C3.2: what the approver sees: who, through what, what for, exactly which arguments, why
            assertThat(pending.path("requester").path("subject").asString()).isEqualTo("alice");
            assertThat(pending.path("requester").path("roles").toString()).contains("engineering", "approver");
            assertThat(pending.path("requester").path("auth_method").asString()).isEqualTo("jwt");
            assertThat(pending.path("requester").path("environment").asString()).isEqualTo("prod");
            assertThat(pending.path("session").asString()).isNotBlank();
            assertThat(pending.path("environment").asString()).isEqualTo("prod");
            assertThat(pending.path("user_request").path("text").asString()).isEqualTo("please delete the acme-web project");
            assertThat(pending.path("user_request").path("id").asString()).isEqualTo("u-42");
            assertThat(pending.path("traceparent").asString()).startsWith("00-4bf92f35");
            assertThat(pending.path("arguments").path("project").asString()).isEqualTo("acme-web");
            assertThat(pending.path("arguments_sha256").asString()).matches("[0-9a-f]{64}");
            assertThat(pending.path("rule_ids").toString()).contains("irreversible-in-production-needs-approval");
            assertThat(pending.path("approver_roles").toString()).isEqualTo("[\"approver\"]");
            assertThat(pending.path("expires").asString()).isNotBlank();

            // the caller can never approve its own request, even holding the approver role
            ApprovalWorld.Reply self = w.decide(id, "approve", alice("dev"), "looks fine to me");
            assertThat(self.status()).isEqualTo(403);
            assertThat(self.json().path("error").asString()).contains("its own request");
            // someone without an approver role cannot either
            ApprovalWorld.Reply carol = w.decide(id, "approve", w.token("carol", List.of("engineering"), "dev"), "sure");
            assertThat(carol.status()).isIn(403, 404);
            // no token, no decision
            assertThat(w.decide(id, "approve", null, "x").status()).isEqualTo(401);
            assertThat(call).isNotDone();

            ApprovalWorld.Reply ok = w.decide(id, "approve", bob(), "checked with the owner of acme-web");
            assertThat(ok.status()).as(String.valueOf(ok.json())).isEqualTo(200);
            McpSchema.CallToolResult r = call.get(60, TimeUnit.SECONDS);
            assertThat(r.isError()).as(String.valueOf(r)).isNotEqualTo(Boolean.TRUE);
            assertThat(((McpSchema.TextContent) r.content().getFirst()).text()).contains("deleted project acme-web");
            assertThat(progress).isNotEmpty().allMatch(p -> "approval-progress-1".equals(p.progressToken()));
            assertThat(progress.getFirst().message()).contains(id);

            // C3.3: the decision is recorded: who (the approver's principal), when, the comment; the approval is used
            JsonNode after = w.admin("GET", "/admin/api/approvals/" + id, bob(), null).json();
            assertThat(after.path("status").asString()).isEqualTo("used");
            assertThat(after.path("used_by_call").asString()).isNotBlank();
            JsonNode decision = after.path("decisions").path(0);
            assertThat(decision.path("decision").asString()).isEqualTo("approve");
            assertThat(decision.path("approver").path("subject").asString()).isEqualTo("bob");
            assertThat(decision.path("approver").path("roles").toString()).contains("approver");
            assertThat(decision.path("comment").asString()).isEqualTo("checked with the owner of acme-web");
            assertThat(decision.path("at").asString()).isNotBlank();
            assertThat(after.path("decisions").size()).isEqualTo(1); // the refused attempts recorded nothing

            // the webhook heard the request (after one failed attempt, retried) and the decision
            HookReceiver.Delivery created = hook.await(d -> d.body().path("event").asString().equals("approval.requested")
                    && d.body().path("approval").path("id").asString().equals(id));
            assertThat(created.token()).isEqualTo("hook-secret");
            assertThat(created.body().path("approval").path("arguments").path("project").asString()).isEqualTo("acme-web");
            hook.await(d -> d.body().path("event").asString().equals("approval.decided")
                    && d.body().path("approval").path("id").asString().equals(id)
                    && d.body().path("approval").path("status").asString().equals("approved"));
            assertThat(hook.deliveries).anyMatch(d -> d.status() == 500);

            // C3.3, C4.1: the request and the decision are audit records of their own, in the user request's chain
            List<String> kinds = new java.util.ArrayList<>();
            for (JsonNode rec : w.gw.gateway().audit().query().trace("u-42")) {
                if (rec.path("decision").path("approval_ids").toString().contains(id)) {
                    kinds.add(rec.path("kind").asString() + ":" + rec.path("principal").path("subject").asString()
                            + ":" + rec.path("decision").path("outcome").asString());
                }
            }
            assertThat(kinds).containsSubsequence("approval_requested:alice:pending", "approval_vote:bob:approve",
                    "approval_decided:bob:approved", "call:alice:allowed");
            assertThat(kinds).noneMatch(k -> k.contains(":carol:") || k.startsWith("approval_vote:alice")); // refused attempts decide nothing
            JsonNode requested = auditRecord("approval_requested", id);
            assertThat(requested.path("call_id").asString()).isNotBlank();
            assertThat(requested.path("environment").asString()).isEqualTo("prod");
            assertThat(requested.path("tool").path("risk_class").asString()).isEqualTo("irreversible");
            assertThat(requested.path("approval").path("arguments").path("project").asString()).isEqualTo("acme-web");
            assertThat(requested.path("approval").path("arguments_hash").asString())
                    .isEqualTo(pending.path("arguments_sha256").asString());
            assertThat(requested.path("request").path("trace_id").asString()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
            JsonNode vote = auditRecord("approval_vote", id);
            assertThat(vote.path("approval").path("comment").asString()).isEqualTo("checked with the owner of acme-web");
            assertThat(vote.path("principal").path("roles").toString()).contains("approver");
            assertThat(vote.path("principal").path("auth_method").asString()).isEqualTo("jwt");
            assertThat(w.gw.gateway().audit().verify().intact()).isTrue();
        } finally {
            client.closeGracefully();
        }
    }

    /** The one audit record of {@code kind} that names approval {@code id}. */
    JsonNode auditRecord(String kind, String id) {
        List<ObjectNode> found = w.gw.gateway().audit().query().search(new io.portcullis.audit.AuditQuery.Filter(
                null, null, "prod", null, null, null, kind, 1000)).stream()
                .filter(r -> r.path("decision").path("approval_ids").toString().contains(id)).toList();
        assertThat(found).as(kind + " records of " + id).hasSize(1);
        return found.getFirst();
    }

    /** C4.3: with an identity section the audit admin API authenticates like the rest of the admin side (loopback is not enough). */
    @Test
    void theAuditLogIsReadByAuthenticatedAdminsOnly() throws Exception {
        assertThat(w.admin("GET", "/admin/api/audit/verify", null, null).status()).isEqualTo(401);
        assertThat(w.admin("GET", "/admin/api/audit/verify", "not-a-token", null).status()).isEqualTo(401);
        ApprovalWorld.Reply approver = w.admin("GET", "/admin/api/audit/records?limit=1", bob(), null);
        assertThat(approver.status()).isEqualTo(403);
        assertThat(approver.json().toString()).contains("admin roles");
        ApprovalWorld.Reply admin = w.admin("GET", "/admin/api/audit/verify",
                w.token("root", List.of("portcullis-admin"), "dev"), null);
        assertThat(admin.status()).as(String.valueOf(admin.json())).isEqualTo(200);
        assertThat(admin.json().path("intact").asBoolean()).isTrue();
    }

    @Test
    void anApprovalRunsTheIdenticalCallOnceAndNothingElse() throws Exception {
        w.waitFor("1s");
        ApprovalWorld.Session s = w.session(alice("prod"), "prod");
        JsonNode first = result(s.call(TOOL, project("once"), null));
        assertThat(first.path("isError").asBoolean()).isTrue();
        assertThat(text(first)).contains("is pending", "retry this identical call");
        String id = approvalId(first);
        assertThat(w.decide(id, "approve", bob(), "ok for project once").status()).isEqualTo(200);

        // changed arguments are not covered: a new request, nothing runs
        JsonNode changed = result(s.call(TOOL, project("once-other"), null));
        assertThat(changed.path("isError").asBoolean()).isTrue();
        assertThat(approvalId(changed)).isNotEqualTo(id);

        // the identical retry (same caller, tool, environment, arguments) runs, once
        JsonNode retry = result(s.call(TOOL, project("once"), null));
        assertThat(retry.path("isError").asBoolean()).as(text(retry)).isFalse();
        assertThat(text(retry)).contains("deleted project once");

        JsonNode again = result(s.call(TOOL, project("once"), null));
        assertThat(again.path("isError").asBoolean()).isTrue();
        assertThat(approvalId(again)).isNotEqualTo(id);
        assertThat(w.admin("GET", "/admin/api/approvals/" + id, bob(), null).json().path("status").asString()).isEqualTo("used");
    }

    @Test
    void twoConcurrentIdenticalRetriesRunOnce() throws Exception {
        w.waitFor("1s");
        ApprovalWorld.Session s = w.session(alice("prod"), "prod");
        String id = approvalId(result(s.call(TOOL, project("race"), null)));
        assertThat(w.decide(id, "approve", bob(), "once").status()).isEqualTo(200);
        List<CompletableFuture<JsonNode>> retries = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            ApprovalWorld.Session own = w.session(alice("prod"), "prod");
            retries.add(CompletableFuture.supplyAsync(() -> result(own.call(TOOL, project("race"), null)), ApprovalWorld.CALLERS));
        }
        List<JsonNode> results = new ArrayList<>();
        for (var f : retries) {
            results.add(f.get(60, TimeUnit.SECONDS));
        }
        assertThat(results.stream().filter(r -> !r.path("isError").asBoolean()).count()).as(results.toString()).isEqualTo(1);
    }

    @Test
    void aPendingRequestSurvivesARestart() throws Exception {
        w.waitFor("1s");
        String id = approvalId(result(w.session(alice("prod"), "prod").call(TOOL, project("restart"), null)));
        w.restart("30s");
        JsonNode stored = w.admin("GET", "/admin/api/approvals/" + id, bob(), null).json();
        assertThat(stored.path("status").asString()).isEqualTo("pending");
        assertThat(stored.path("requester").path("subject").asString()).isEqualTo("alice");
        assertThat(w.decide(id, "approve", bob(), "after the restart").status()).isEqualTo(200);
        JsonNode retry = result(w.session(alice("prod"), "prod").call(TOOL, project("restart"), null));
        assertThat(retry.path("isError").asBoolean()).as(text(retry)).isFalse();
        assertThat(text(retry)).contains("deleted project restart");
    }

    @Test
    void listingsShowOnlyWhatThePrincipalMayDecideOrAskedFor() throws Exception {
        w.waitFor("1s");
        String id = approvalId(result(w.session(alice("prod"), "prod").call(TOOL, project("listing"), null)));
        String carol = w.token("carol", List.of("engineering"), "dev");
        assertThat(w.admin("GET", "/admin/api/approvals", carol, null).json().toString()).doesNotContain(id);
        assertThat(w.admin("GET", "/admin/api/approvals/" + id, carol, null).status()).isEqualTo(404);
        assertThat(w.admin("GET", "/admin/api/approvals?status=pending", alice("dev"), null).json().toString()).contains(id);
        ApprovalWorld.Reply deny = w.decide(id, "deny", bob(), "not today");
        assertThat(deny.json().path("status").asString()).isEqualTo("denied");
        assertThat(w.decide(id, "approve", w.token("dave", List.of("approver"), "dev"), "late").status()).isEqualTo(409);
        // a denied request is not reused: the identical call asks again
        assertThat(approvalId(result(w.session(alice("prod"), "prod").call(TOOL, project("listing"), null)))).isNotEqualTo(id);
    }

    /** Runs {@code portcullis <args>} in-process; returns the exit code and what it printed on stdout. */
    static String[] cli(String... args) {
        java.io.PrintStream before = System.out;
        var buf = new java.io.ByteArrayOutputStream();
        int code;
        try (var out = new java.io.PrintStream(buf, true, java.nio.charset.StandardCharsets.UTF_8)) {
            System.setOut(out);
            code = new picocli.CommandLine(new io.portcullis.cli.Main()).execute(args);
        } finally {
            System.setOut(before);
        }
        return new String[] {String.valueOf(code), buf.toString(java.nio.charset.StandardCharsets.UTF_8)};
    }

    @Test
    void theCliDecidesAsThePrincipalItsTokenNames(@TempDir Path dir) throws Exception {
        w.waitFor("1s");
        String id = approvalId(result(w.session(alice("prod"), "prod").call(TOOL, project("cli"), null)));
        String base = "http://127.0.0.1:" + w.gw.port();
        String config = w.gw.configFile().toString();
        Path bobToken = Files.writeString(dir.resolve("bob.token"), bob());
        Path aliceToken = Files.writeString(dir.resolve("alice.token"), alice("dev"));

        String[] list = cli("approvals", "list", "--config", config, "--url", base, "--token-file", bobToken.toString());
        assertThat(list[0]).isEqualTo("0");
        assertThat(list[1]).contains(id, TOOL, "alice");
        String[] show = cli("approvals", "show", id, "--config", config, "--url", base, "--token-file", bobToken.toString());
        assertThat(show[1]).contains("\"arguments_sha256\"", "\"project\" : \"cli\"");

        String[] self = cli("approvals", "approve", id, "--comment", "mine", "--config", config, "--url", base,
                "--token-file", aliceToken.toString());
        assertThat(self[0]).isEqualTo("1");
        String[] ok = cli("approvals", "approve", id, "--comment", "approved from the terminal", "--config", config,
                "--url", base, "--token-file", bobToken.toString());
        assertThat(ok[0]).isEqualTo("0");
        assertThat(ok[1]).contains("approval " + id + " is now approved", "recorded for bob");

        JsonNode after = w.admin("GET", "/admin/api/approvals/" + id, bob(), null).json();
        assertThat(after.path("decisions").size()).isEqualTo(1);
        assertThat(after.path("decisions").path(0).path("approver").path("subject").asString()).isEqualTo("bob");
        assertThat(after.path("decisions").path(0).path("comment").asString()).isEqualTo("approved from the terminal");
    }

    @Test
    void aStatelessModernCallWaitsToo() throws Exception {
        String token = alice("prod");
        ObjectNode params = Json.object().put("name", TOOL);
        params.set("arguments", project("modern"));
        ObjectNode meta = params.putObject("_meta");
        meta.put("io.modelcontextprotocol/protocolVersion", "2026-07-28");
        meta.putObject("io.modelcontextprotocol/clientCapabilities");
        meta.putObject("io.modelcontextprotocol/clientInfo").put("name", "approvals-it-modern").put("version", "1");
        meta.put("progressToken", 99);
        String body = Json.write(io.portcullis.protocol.Message.request(Json.object().numberNode(5), "tools/call", params));
        var client = new io.portcullis.it.WireClient(w.gw.url("prod"));
        CompletableFuture<io.portcullis.it.WireReply> call = CompletableFuture.supplyAsync(() -> client.post(body,
                "Authorization", "Bearer " + token, "MCP-Protocol-Version", "2026-07-28", "Mcp-Method", "tools/call",
                "Mcp-Name", TOOL), ApprovalWorld.CALLERS);
        String id = w.awaitPending(bob(), TOOL, "modern").path("id").asString();
        assertThat(w.awaitPending(bob(), TOOL, "modern").path("session").isNull()).isTrue(); // stateless: no session
        assertThat(w.decide(id, "approve", bob(), "stateless is fine").status()).isEqualTo(200);
        io.portcullis.it.WireReply r = call.get(60, TimeUnit.SECONDS);
        List<JsonNode> messages = r.messages();
        assertThat(messages.getFirst().path("method").asString()).isEqualTo("notifications/progress");
        assertThat(messages.getFirst().path("params").path("progressToken").asInt()).isEqualTo(99);
        assertThat(text(result(messages))).contains("deleted project modern");
    }
}
