package io.portcullis.it.chains;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.audit.AuditQuery;
import io.portcullis.it.JvmPeers;
import io.portcullis.it.TestGateway;
import io.portcullis.it.peers.Peers;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * #13 items 4–6, the toxic flow end to end with real clients: read customer data, then fetch
 * untrusted content, then call a tool labelled {@code egress}: approval required, naming the labels
 * and the audit ids of the calls that brought them. The same when the client opens a new session
 * for every call (to shed its history; TypeScript SDK 1.x, Java SDK) and with stateless 2026-07-28
 * calls (TypeScript client 2.x: no session at all). A
 * secret seen earlier denies egress. A clean conversation is not bothered.
 */
class ToxicFlowIT {
    static final String LOOKUP = "{\"tool\":\"demo__lookup_customer\",\"args\":{\"customer_id\":\"c-1\"}}";
    static final String FETCH = "{\"tool\":\"demo__fetch_page\",\"args\":{\"url\":\"https://example.org/offers\"}}";
    static final String SEND = "{\"tool\":\"demo__send_email\",\"args\":{\"to\":\"partner@example.net\",\"subject\":\"customers\","
            + "\"body\":\"the list\"}}";
    static TestGateway gw;
    static String alice;
    static String bob;
    static String carol;
    static String dave;
    static String erin;

    @BeforeAll
    static void start() throws Exception {
        gw = TestGateway.start("""
                environments: [dev]
                upstreams:
                  demo:
                    command: %s
                identity:
                  api_keys: {enabled: true}
                approvals: {wait: 0s}
                catalog:
                  unlisted: hide
                  upstreams:
                    demo: {owner: {team: support, oncall: "pager:support"}}
                  tools:
                    demo__echo: {purpose: Connectivity check., risk: read_only}
                    demo__lookup_customer: {purpose: Look up a customer., risk: read_only, produces: [customer-data]}
                    demo__fetch_page: {purpose: Fetch a web page., risk: read_only, labels: [untrusted]}
                    demo__send_email: {purpose: Send an e-mail., risk: state_changing, labels: [egress]}
                conversation:
                  enabled: true
                  chain_rules: default
                """.formatted(TestGateway.list(JvmPeers.demo())));
        alice = gw.apiKey("alice", "support", "dev");
        bob = gw.apiKey("bob", "support", "dev");
        carol = gw.apiKey("carol", "support", "dev");
        dave = gw.apiKey("dave", "support", "dev");
        erin = gw.apiKey("erin", "support", "dev");
    }

    @AfterAll
    static void stop() throws Exception {
        if (gw != null) {
            gw.close();
        }
    }

    static JsonNode sdk1(String token, String mode, String... calls) {
        return Peers.nodeScript("sdk1-conversation.mjs", Peers.workDir(ToxicFlowIT.class), Duration.ofMinutes(2),
                gw.url().toString(), token, mode, "[" + String.join(",", calls) + "]").ok();
    }

    static JsonNode client2(String token, String... calls) {
        return Peers.nodeScript("client2-conversation.mjs", Peers.workDir(ToxicFlowIT.class), Duration.ofMinutes(2),
                gw.url().toString(), token, "[" + String.join(",", calls) + "]").ok();
    }

    static String text(JsonNode call) {
        return call.path("result").path("content").path(0).path("text").asString("");
    }

    /** The audit records of one subject's calls of one tool, newest first. */
    static List<ObjectNode> audit(String subject, String tool) {
        return gw.gateway().audit().query().search(new AuditQuery.Filter(subject, tool, null, null, null, null, "call", 100));
    }

    static void assertCaught(String subject, JsonNode out) {
        JsonNode calls = out.path("calls");
        assertThat(calls.size()).isEqualTo(3);
        assertThat(calls.get(0).path("result").path("isError").asBoolean(false)).as(out.toString()).isFalse();
        assertThat(calls.get(1).path("result").path("isError").asBoolean(false)).as(out.toString()).isFalse();
        JsonNode send = calls.get(2);
        assertThat(send.path("result").path("isError").asBoolean()).as(out.toString()).isTrue();
        String lookupId = audit(subject, "demo__lookup_customer").getFirst().path("call_id").asString();
        String fetchId = audit(subject, "demo__fetch_page").getFirst().path("call_id").asString();
        // approval required, by the chain rules, naming the labels and the audit ids that caused it
        assertThat(text(send)).contains("approval", "chain.untrusted-then-egress", "chain.private-then-external-egress",
                "customer-data (call " + lookupId + ")", "untrusted (call " + fetchId + ")").doesNotContain("demo: would send");
        // #13 item 6: every record carries the labels the conversation had and gained
        ObjectNode fetch = audit(subject, "demo__fetch_page").getFirst();
        assertThat(fetch.path("conversation").path("had").toString()).contains("customer-data");
        assertThat(fetch.path("conversation").path("gained").toString()).isEqualTo("[\"untrusted\"]");
        ObjectNode refused = audit(subject, "demo__send_email").getFirst();
        assertThat(refused.path("conversation").path("had").toString()).contains("customer-data", "untrusted");
        assertThat(refused.path("decision").path("rule_ids").toString()).contains("chain.untrusted-then-egress");
        assertThat(refused.path("notes").toString()).contains(lookupId, fetchId);
    }

    @Test
    void item5_typeScriptSdk1_aNewSessionForEveryCallDoesNotShedTheHistory() {
        JsonNode out = sdk1(alice, "new-session", LOOKUP, FETCH, SEND);
        assertThat(out.path("sessions").size()).isEqualTo(3);
        assertThat(out.path("sessions").get(0).asString()).isNotEqualTo(out.path("sessions").get(1).asString());
        assertCaught("alice", out);
    }

    @Test
    void item5_typeScriptClient2_statelessCallsAreStillOneConversation() {
        JsonNode out = client2(bob, LOOKUP, FETCH, SEND);
        assertThat(out.path("protocolVersion").asString()).isEqualTo("2026-07-28");
        assertThat(out.path("sessionId").isNull()).as(out.toString()).isTrue();
        assertCaught("bob", out);
    }

    /** One call in a new session of the official Java SDK client (McpClient.sync over streamable HTTP). */
    static McpSchema.CallToolResult javaSdk(String token, String tool, Map<String, Object> args) {
        URI u = gw.url();
        var transport = HttpClientStreamableHttpTransport.builder(u.getScheme() + "://" + u.getAuthority()).endpoint(u.getPath())
                .requestBuilder(HttpRequest.newBuilder().header("Authorization", "Bearer " + token)).build();
        try (McpSyncClient client = McpClient.sync(transport).requestTimeout(Duration.ofSeconds(60))
                .clientInfo(new McpSchema.Implementation("portcullis-it-java-sdk-conversation", "1.0.0")).build()) {
            client.initialize();
            return client.callTool(new McpSchema.CallToolRequest(tool, args));
        }
    }

    @Test
    void item5_javaSdk_aNewSessionForEveryCallDoesNotShedTheHistory() {
        assertThat(javaSdk(erin, "demo__lookup_customer", Map.of("customer_id", "c-2")).isError()).isNotEqualTo(Boolean.TRUE);
        assertThat(javaSdk(erin, "demo__fetch_page", Map.of("url", "https://example.org")).isError()).isNotEqualTo(Boolean.TRUE);
        McpSchema.CallToolResult send = javaSdk(erin, "demo__send_email", Map.of("to", "p@example.net", "subject", "s", "body", "b"));
        assertThat(send.isError()).isTrue();
        String lookupId = audit("erin", "demo__lookup_customer").getFirst().path("call_id").asString();
        String fetchId = audit("erin", "demo__fetch_page").getFirst().path("call_id").asString();
        assertThat(((McpSchema.TextContent) send.content().getFirst()).text()).contains("approval", "chain.untrusted-then-egress",
                "customer-data (call " + lookupId + ")", "untrusted (call " + fetchId + ")");
        assertThat(audit("erin", "demo__send_email").getFirst().path("session").asString())
                .isNotEqualTo(audit("erin", "demo__fetch_page").getFirst().path("session").asString());
    }

    @Test
    void item5_aCleanConversationIsNotBothered() {
        JsonNode out = sdk1(carol, "one-session", "{\"tool\":\"demo__echo\",\"args\":{\"message\":\"hi\"}}", SEND);
        assertThat(out.path("calls").get(1).path("result").path("isError").asBoolean(false)).as(out.toString()).isFalse();
        assertThat(text(out.path("calls").get(1))).contains("demo: would send");
        ObjectNode sent = audit("carol", "demo__send_email").getFirst();
        assertThat(sent.path("decision").path("outcome").asString()).isEqualTo("allowed");
        assertThat(sent.path("conversation").path("had").toString()).isEqualTo("[]");
        assertThat(sent.path("conversation").path("calls").asLong()).isEqualTo(1);
    }

    @Test
    void item5_afterASecretEgressIsDenied() {
        String secret = "{\"tool\":\"demo__echo\",\"args\":{\"message\":\"AWS_ACCESS_KEY_ID=AKIAZQ3DRSTUVWXYZ234\"}}";
        JsonNode out = sdk1(dave, "new-session", secret, SEND);
        assertThat(text(out.path("calls").get(0))).doesNotContain("AKIAZQ3DRSTUVWXYZ234"); // egress redacted it ...
        String echoId = audit("dave", "demo__echo").getFirst().path("call_id").asString();
        JsonNode send = out.path("calls").get(1);
        assertThat(send.path("result").path("isError").asBoolean()).as(out.toString()).isTrue();
        // ... and the conversation remembers it was seen: egress is denied outright, no approval offered
        assertThat(text(send)).contains("policy", "chain.secret-then-egress", "secret (call " + echoId + ")")
                .doesNotContain("pending");
    }
}
