package io.portcullis.it.chains;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.audit.AuditQuery;
import io.portcullis.it.JvmPeers;
import io.portcullis.it.TestGateway;
import io.portcullis.it.hardening.ItemServer;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

/**
 * #13 item 4, the resource part, end to end with the official Java SDK client (a new session for
 * every request) and a real stdio MCP server ({@link ItemServer}): reading a resource whose catalog
 * URI pattern {@code produces: [customer-data]} puts that label on the caller's conversation, so a
 * later call of a tool labelled {@code egress}, in another session, is held for approval by the
 * default chain rule {@code chain.private-then-external-egress}, naming the read's audit id. After a
 * clean read the same call goes through. A secret that egress detects in a resource's contents
 * (and redacts) denies egress afterwards ({@code chain.secret-then-egress}).
 */
class ResourceFlowIT {
    static TestGateway gw;
    static String alice;
    static String bob;
    static String carol;

    @BeforeAll
    static void start() throws Exception {
        gw = TestGateway.start("""
                environments: [dev]
                upstreams:
                  items:
                    command: %s
                identity:
                  api_keys: {enabled: true}
                approvals: {wait: 0s}
                catalog:
                  unlisted: hide
                  upstreams:
                    items: {owner: {team: support, oncall: "pager:support"}}
                  tools:
                    items__send: {purpose: Send a message out., risk: state_changing, labels: [egress]}
                  resources:
                    "docs://customers/*": {upstream: items, purpose: Customer records., produces: [customer-data]}
                    "docs://readme": {upstream: items, purpose: The readme.}
                    "secret://*": {upstream: items, purpose: Credentials.}
                conversation:
                  enabled: true
                  chain_rules: default
                """.formatted(TestGateway.list(JvmPeers.testMain(ItemServer.class, "--name", "items", "--tools", "send"))));
        alice = gw.apiKey("alice", "support", "dev");
        bob = gw.apiKey("bob", "support", "dev");
        carol = gw.apiKey("carol", "support", "dev");
    }

    @AfterAll
    static void stop() throws Exception {
        if (gw != null) {
            gw.close();
        }
    }

    /** One request in a new session of the Java SDK client. */
    static <T> T inNewSession(String token, Function<McpSyncClient, T> request) {
        URI u = gw.url();
        var transport = HttpClientStreamableHttpTransport.builder(u.getScheme() + "://" + u.getAuthority()).endpoint(u.getPath())
                .requestBuilder(HttpRequest.newBuilder().header("Authorization", "Bearer " + token)).build();
        try (McpSyncClient client = McpClient.sync(transport).requestTimeout(Duration.ofSeconds(60))
                .clientInfo(new McpSchema.Implementation("portcullis-it-resource-flow", "1.0.0")).build()) {
            client.initialize();
            return request.apply(client);
        }
    }

    static String read(String token, String uri) {
        McpSchema.ReadResourceResult r = inNewSession(token, c -> c.readResource(new McpSchema.ReadResourceRequest(uri)));
        return ((McpSchema.TextResourceContents) r.contents().getFirst()).text();
    }

    static McpSchema.CallToolResult send(String token) {
        return inNewSession(token, c -> c.callTool(new McpSchema.CallToolRequest("items__send", Map.of("to", "partner"))));
    }

    static List<ObjectNode> audit(String subject, String tool, String kind) {
        return gw.gateway().audit().query().search(new AuditQuery.Filter(subject, tool, null, null, null, null, kind, 100));
    }

    @Test
    void item4_readingAResourceThatProducesCustomerDataHoldsALaterEgressCallInANewSessionForApproval() {
        assertThat(read(alice, "docs://customers/42")).isEqualTo("read me: docs://customers/42");
        McpSchema.CallToolResult sent = send(alice);
        assertThat(sent.isError()).isTrue();
        String readId = audit("alice", null, "resource_read").getFirst().path("call_id").asString();
        assertThat(((McpSchema.TextContent) sent.content().getFirst()).text())
                .contains("approval", "chain.private-then-external-egress", "customer-data (call " + readId + ")")
                .doesNotContain("items:send");
        ObjectNode refused = audit("alice", "items__send", "call").getFirst();
        assertThat(refused.path("conversation").path("had").toString()).contains("customer-data");
        assertThat(refused.path("decision").path("rule_ids").toString()).contains("chain.private-then-external-egress");
        // #13 item 6: the read's own record says what it added to the conversation
        assertThat(audit("alice", null, "resource_read").getFirst().path("conversation").path("gained").toString())
                .contains("customer-data");
    }

    @Test
    void item4_aCleanReadDoesNotHoldTheEgressCall() {
        assertThat(read(bob, "docs://readme")).isEqualTo("read me: docs://readme");
        McpSchema.CallToolResult sent = send(bob);
        assertThat(sent.isError()).as(sent.toString()).isNotEqualTo(Boolean.TRUE);
        assertThat(((McpSchema.TextContent) sent.content().getFirst()).text()).isEqualTo("items:send");
        ObjectNode allowed = audit("bob", "items__send", "call").getFirst();
        assertThat(allowed.path("decision").path("outcome").asString()).isEqualTo("allowed");
        assertThat(allowed.path("conversation").path("had").toString()).isEqualTo("[]");
    }

    @Test
    void item4_aSecretEgressDetectedInAResourceDeniesALaterEgressCall() {
        assertThat(read(carol, "secret://db/password")).isEqualTo("password=[REDACTED:secret.password-assignment]");
        McpSchema.CallToolResult sent = send(carol);
        assertThat(sent.isError()).isTrue();
        String readId = audit("carol", null, "resource_read").getFirst().path("call_id").asString();
        assertThat(((McpSchema.TextContent) sent.content().getFirst()).text())
                .contains("policy", "chain.secret-then-egress", "secret (call " + readId + ")").doesNotContain("pending");
    }
}
