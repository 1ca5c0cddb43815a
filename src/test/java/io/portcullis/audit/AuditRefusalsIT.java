package io.portcullis.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * C4.1: every call leaves a record, and so does every refusal by any stage, made by a real MCP
 * client (the official Java SDK) over Streamable HTTP against the real gateway and real upstreams.
 */
class AuditRefusalsIT {
    @TempDir
    static Path dir;
    static GatewayHarness gw;

    @BeforeAll
    static void start() throws Exception {
        gw = new GatewayHarness(dir, """
                audit:
                  mask_fields: [ssn]
                policy:
                  rules:
                    - id: read-only-anywhere
                      effect: allow
                      when: tool.risk == "read_only"
                    - id: changes-outside-production
                      effect: allow
                      when: tool.risk != "read_only" && !production
                    - id: no-test-writes-in-prod
                      effect: deny
                      environments: [prod, staging]
                      when: tool.name == "test__write"
                    - id: creates-in-prod-need-approval
                      effect: require_approval
                      environments: [prod, staging]
                      when: tool.name == "demo__create_ticket"
                      approvers: [approver]
                """);
    }

    @AfterAll
    static void stop() throws Exception {
        gw.close();
    }

    static McpSyncClient client(String env) {
        McpSyncClient c = McpClient.sync(HttpClientStreamableHttpTransport.builder(gw.url(null).replace("/mcp", ""))
                        .endpoint(env == null ? "/mcp" : "/mcp/" + env).build())
                .requestTimeout(Duration.ofSeconds(20)).build();
        c.initialize();
        return c;
    }

    /** The one outcome record of the call whose arguments contain {@code marker}. */
    static JsonNode outcome(String marker) {
        List<ObjectNode> found = gw.gateway.audit().query().search(new AuditQuery.Filter(null, null, null, null, null, null, "call", 10_000))
                .stream().filter(r -> r.path("arguments").toString().contains(marker)).toList();
        assertThat(found).as("outcome records with " + marker).hasSize(1);
        return found.getFirst();
    }

    @Test
    void unknownToolIsRecordedAsRefusedByTheCatalog() {
        try (McpSyncClient c = client(null)) {
            // an unknown tool is an isError result naming the catalog control (as the reference servers answer)
            McpSchema.CallToolResult res = c.callTool(new McpSchema.CallToolRequest("demo__no_such_tool", Map.of("m", "unknown-1")));
            assertThat(res.isError()).isEqualTo(Boolean.TRUE);
            assertThat(res.content().toString()).contains("Unknown tool");
        }
        JsonNode r = outcome("unknown-1");
        assertThat(r.path("decision").path("outcome").asString()).isEqualTo("refused");
        assertThat(r.path("decision").path("control").asString()).isEqualTo("catalog");
        assertThat(r.path("error").path("kind").asString()).isEqualTo("unknown_tool");
        assertThat(r.path("tool").path("risk_class").asString()).isEqualTo("unknown");
    }

    @Test
    void toolSwitchRefusalIsRecorded() {
        try (McpSyncClient c = client("prod")) {
            McpSchema.CallToolResult res = c.callTool(new McpSchema.CallToolRequest("demo__delete_project", Map.of("project", "switch-1")));
            assertThat(res.isError()).isEqualTo(Boolean.TRUE);
        }
        JsonNode r = outcome("switch-1");
        assertThat(r.path("environment").asString()).isEqualTo("prod");
        assertThat(r.path("decision").path("outcome").asString()).isEqualTo("refused");
        assertThat(r.path("decision").path("control").asString()).isEqualTo("tool-switch");
        assertThat(r.path("tool").path("risk_class").asString()).isEqualTo("irreversible");
        assertThat(gw.gateway.audit().query().search(new AuditQuery.Filter(null, null, null, null, null, null, "intent", 10_000))
                .stream().filter(x -> x.path("arguments").toString().contains("switch-1"))).as("no intent for a refused call").isEmpty();
    }

    @Test
    void argumentsRefusalIsRecorded() {
        try (McpSyncClient c = client(null)) {
            McpSchema.CallToolResult res = c.callTool(new McpSchema.CallToolRequest("demo__create_ticket", Map.of("project", "args-1")));
            assertThat(res.isError()).isEqualTo(Boolean.TRUE);
        }
        JsonNode r = outcome("args-1");
        assertThat(r.path("decision").path("outcome").asString()).isEqualTo("refused");
        assertThat(r.path("decision").path("control").asString()).isEqualTo("arguments");
    }

    @Test
    void policyDenyIsRecordedWithItsRuleIds() {
        // #11 item 7: this gateway is anonymous, so production's G1 gate refuses every change before the
        // policy sees it; staging (not production, covered by the same rules) shows the policy's refusal
        try (McpSyncClient c = client("staging")) {
            McpSchema.CallToolResult res = c.callTool(new McpSchema.CallToolRequest("test__write", Map.of("m", "policy-1")));
            assertThat(res.isError()).isEqualTo(Boolean.TRUE);
        }
        JsonNode r = outcome("policy-1");
        assertThat(r.path("decision").path("outcome").asString()).isEqualTo("refused");
        assertThat(r.path("decision").path("control").asString()).isEqualTo("policy");
        assertThat(r.path("decision").path("policy").asString()).isEqualTo("deny");
        assertThat(r.path("decision").path("rule_ids").toString()).isEqualTo("[\"no-test-writes-in-prod\"]");
    }

    @Test
    void approvalRequiredIsRecordedWithItsRuleIds() {
        try (McpSyncClient c = client("staging")) { // see policyDenyIsRecordedWithItsRuleIds
            McpSchema.CallToolResult res = c.callTool(new McpSchema.CallToolRequest("demo__create_ticket",
                    Map.of("project", "approval-1", "title", "t")));
            assertThat(res.isError()).isEqualTo(Boolean.TRUE);
        }
        JsonNode r = outcome("approval-1");
        assertThat(r.path("decision").path("outcome").asString()).isEqualTo("refused");
        assertThat(r.path("decision").path("control").asString()).isEqualTo("approval");
        assertThat(r.path("decision").path("policy").asString()).isEqualTo("require_approval");
        assertThat(r.path("decision").path("rule_ids").toString()).isEqualTo("[\"creates-in-prod-need-approval\"]");
    }

    @Test
    void upstreamTimeoutIsRecordedAsFailed() {
        try (McpSyncClient c = client(null)) {
            assertThatThrownBy(() -> c.callTool(new McpSchema.CallToolRequest("test__sleep", Map.of("ms", 3000, "m", "timeout-1"))))
                    .hasMessageContaining("did not answer");
        }
        JsonNode r = outcome("timeout-1");
        assertThat(r.path("decision").path("outcome").asString()).isEqualTo("failed");
        assertThat(r.path("decision").path("control").asString()).isEqualTo("timeout");
        assertThat(r.path("error").path("upstream").asString()).isEqualTo("test");
        assertThat(r.path("upstream_us").asLong()).isGreaterThan(0);
    }

    @Test
    void upstreamErrorIsRecordedAsFailed() {
        try (McpSyncClient c = client(null)) {
            assertThatThrownBy(() -> c.callTool(new McpSchema.CallToolRequest("test__fail", Map.of("m", "fail-1"))));
        }
        JsonNode r = outcome("fail-1");
        assertThat(r.path("decision").path("outcome").asString()).isEqualTo("failed");
        assertThat(r.path("error").path("kind").asString()).isEqualTo("upstream_error");
        assertThat(r.path("error").path("code").asInt()).isEqualTo(-32000);
    }

    @Test
    void allowedStateChangingCallHasIntentThenOutcomeAndSanitizedArguments() {
        try (McpSyncClient c = client(null)) {
            McpSchema.CallToolResult res = c.callTool(new McpSchema.CallToolRequest("test__write",
                    Map.of("m", "write-1", "password", "hunter2", "ssn", "123-45-6789",
                            "note", "use Bearer abcdefghijklmnop123 for it")));
            assertThat(res.isError()).isNotEqualTo(Boolean.TRUE);
        }
        JsonNode r = outcome("write-1");
        assertThat(r.path("decision").path("outcome").asString()).isEqualTo("allowed");
        assertThat(r.path("decision").path("policy").asString()).isEqualTo("allow");
        assertThat(r.path("decision").path("rule_ids").toString()).isEqualTo("[\"changes-outside-production\"]");
        assertThat(r.path("tool").path("risk_class").asString()).isEqualTo("state_changing");
        assertThat(r.path("arguments").path("password").asString()).isEqualTo("[masked]");
        assertThat(r.path("arguments").path("ssn").asString()).isEqualTo("[masked]");
        assertThat(r.path("arguments").path("note").asString()).isEqualTo("use Bearer [masked:bearer] for it");
        assertThat(r.toString()).doesNotContain("hunter2").doesNotContain("123-45-6789").doesNotContain("abcdefghijklmnop123");
        assertThat(r.path("result").path("content_types").toString()).isEqualTo("[\"text\"]");
        assertThat(r.path("result").path("bytes").asLong()).isGreaterThan(0);
        assertThat(r.path("client").path("name").asString()).isNotBlank();
        List<ObjectNode> both = gw.gateway.audit().query().search(new AuditQuery.Filter(null, "test__write", null, null, null, null, null, 100))
                .stream().filter(x -> x.path("call_id").asString().equals(r.path("call_id").asString())).toList();
        assertThat(both).extracting(x -> x.path("kind").asString()).containsExactly("call", "intent"); // newest first
        assertThat(both.get(1).path("chain").path("seq").asLong()).isLessThan(both.get(0).path("chain").path("seq").asLong());
    }

    @Test
    void readOnlyCallHasOnlyItsOutcomeAndTheLogVerifies() throws Exception {
        try (McpSyncClient c = client(null)) {
            c.callTool(new McpSchema.CallToolRequest("test__read", Map.of("m", "read-1")));
        }
        JsonNode r = outcome("read-1");
        assertThat(r.path("tool").path("risk_class").asString()).isEqualTo("read_only");
        assertThat(gw.gateway.audit().query().search(new AuditQuery.Filter(null, null, null, null, null, null, "intent", 10_000))
                .stream().filter(x -> x.path("arguments").toString().contains("read-1"))).isEmpty();
        assertThat(gw.gateway.audit().verify().intact()).isTrue();
    }
}
