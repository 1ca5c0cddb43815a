package io.portcullis.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import io.portcullis.it.LogLines;
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
 * #11 item 16: a {@code mode: audit_only} rule, through the real gateway and a real MCP client
 * (the official Java SDK): the call it would deny goes through, the log says "would deny" with
 * the rule, and the audit record carries the dry run next to the decision that was enforced.
 */
class Hardening16AuditOnlyIT {
    @TempDir
    static Path dir;
    static GatewayHarness gw;

    @BeforeAll
    static void start() throws Exception {
        gw = new GatewayHarness(dir, """
                policy:
                  rules:
                    - id: read-only-anywhere
                      effect: allow
                      when: tool.risk == "read_only"
                    - id: watch-short-searches
                      mode: audit_only
                      effect: deny
                      when: tool.name == "demo__search_tickets" && has(args.query) && size(args.query) < 3
                      reason: "a query under 3 characters matches most tickets"
                """);
    }

    @AfterAll
    static void stop() throws Exception {
        gw.close();
    }

    static JsonNode outcome(String marker) {
        List<ObjectNode> found = gw.gateway.audit().query().search(new AuditQuery.Filter(null, null, null, null, null, null, "call", 10_000))
                .stream().filter(r -> r.path("arguments").toString().contains(marker)).toList();
        assertThat(found).as("outcome records with " + marker).hasSize(1);
        return found.getFirst();
    }

    @Test
    void item16_anAuditOnlyRuleIsLoggedAndRecordedAsWouldDenyButTheCallGoesThrough() {
        try (LogLines log = new LogLines("portcullis.policy");
             McpSyncClient c = McpClient.sync(HttpClientStreamableHttpTransport.builder(gw.url(null).replace("/mcp", ""))
                     .endpoint("/mcp").build()).requestTimeout(Duration.ofSeconds(20)).build()) {
            c.initialize();
            McpSchema.CallToolResult res = c.callTool(new McpSchema.CallToolRequest("demo__search_tickets",
                    Map.of("project", "acme-dry-1", "query", "ab")));
            assertThat(res.isError()).isNotEqualTo(Boolean.TRUE);
            assertThat(log.lines()).anySatisfy(l -> assertThat(l).contains("would deny").contains("watch-short-searches")
                    .contains("demo__search_tickets"));

            McpSchema.CallToolResult fine = c.callTool(new McpSchema.CallToolRequest("demo__search_tickets",
                    Map.of("project", "acme-dry-2", "query", "login")));
            assertThat(fine.isError()).isNotEqualTo(Boolean.TRUE);
        }
        JsonNode r = outcome("acme-dry-1");
        JsonNode d = r.path("decision");
        assertThat(d.path("outcome").asString()).isEqualTo("allowed");
        assertThat(d.path("policy").asString()).isEqualTo("allow");
        assertThat(d.path("rule_ids").toString()).isEqualTo("[\"read-only-anywhere\"]");
        assertThat(d.path("dry_run").path("would").asString()).isEqualTo("deny");
        assertThat(d.path("dry_run").path("rule_ids").toString()).isEqualTo("[\"watch-short-searches\"]");
        assertThat(d.path("dry_run").path("reason").asString()).isEqualTo("a query under 3 characters matches most tickets");
        assertThat(outcome("acme-dry-2").path("decision").has("dry_run")).isFalse();
    }
}
