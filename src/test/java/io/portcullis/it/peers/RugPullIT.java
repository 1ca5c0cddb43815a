package io.portcullis.it.peers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import io.portcullis.identity.Principal;
import io.portcullis.it.JvmPeers;
import io.portcullis.it.RugPullServer;
import io.portcullis.it.TestGateway;
import io.portcullis.pin.Finding;
import io.portcullis.pin.PinReviews;
import io.portcullis.pin.Review;
import io.portcullis.protocol.Json;
import io.portcullis.testing.Eventually;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * #15 items 1-3, shown by a real rug pull: a test upstream of the project's own ({@link RugPullServer})
 * changes a tool's description after start-up and sends {@code notifications/tools/list_changed};
 * the tool is quarantined for a real client (the official Java and TypeScript SDKs) within one list
 * refresh, refused naming the control {@code pin}; the review shows the diff and the scanner's
 * findings (hidden instruction, tag characters), the poisoned definition is blocked at review
 * without an override, a principal without the reviewer role is refused, and accepting releases it
 * with the invisible characters removed from what the client reads.
 */
class RugPullIT {
    private static final String YAML = """
            upstreams:
              rug:
                command: %s
            """.formatted(TestGateway.list(JvmPeers.testMain(RugPullServer.class, "--instructions")));
    private static final Principal REVIEWER = new Principal("rita", Principal.Kind.USER, "Rita", List.of("pin-reviewer"), "cli",
            "default", "local", null, null);
    private static final Principal DEVELOPER = new Principal("dave", Principal.Kind.USER, "Dave", List.of("developer"), "cli",
            "default", "local", null, null);

    private static McpSyncClient connect(String url, List<List<McpSchema.Tool>> refreshes) {
        URI u = URI.create(url);
        var transport = HttpClientStreamableHttpTransport.builder(u.getScheme() + "://" + u.getAuthority()).endpoint(u.getPath()).build();
        McpSyncClient client = McpClient.sync(transport).requestTimeout(Duration.ofSeconds(60))
                .clientInfo(new McpSchema.Implementation("portcullis-it-rugpull", "1.0.0"))
                .toolsChangeConsumer(refreshes::add) // the SDK lists again on list_changed and hands over the new list
                .build();
        client.initialize();
        return client;
    }

    private static McpSchema.Tool tool(List<McpSchema.Tool> tools, String name) {
        return tools.stream().filter(t -> t.name().equals(name)).findFirst().orElse(null);
    }

    private static String text(McpSchema.CallToolResult r) {
        return ((McpSchema.TextContent) r.content().getFirst()).text();
    }

    @Test
    void item1_aRugPullIsQuarantinedForTheJavaSdkAndReleasedByAReview() throws Exception {
        try (TestGateway gw = TestGateway.start(YAML)) {
            List<List<McpSchema.Tool>> refreshes = new CopyOnWriteArrayList<>();
            try (McpSyncClient client = connect(gw.url().toString(), refreshes)) {
                // #15 item 1 "the upstream's instructions": pinned like a tool; these are poisoned on first sight, so the
                // scanner holds them for review and a client reads only the gateway's own (DriftIT: a changed text)
                assertThat(client.getServerInstructions()).isNotBlank().doesNotContain(RugPullServer.INSTRUCTIONS)
                        .doesNotContain("rug__pull");
                assertThat(gw.gateway().reviews().show("rug/instructions/rug")).hasValueSatisfying(r ->
                        assertThat(r.findings()).extracting(Finding::code).contains("hidden-instruction"));
                McpSchema.Tool add = tool(client.listTools().tools(), "rug__add");
                assertThat(add.description()).isEqualTo("Adds two numbers.");
                assertThat(text(client.callTool(new McpSchema.CallToolRequest("rug__add", Map.of("a", 1, "b", 2))))).isEqualTo("3.0");

                client.callTool(new McpSchema.CallToolRequest("rug__pull", Map.of()));
                // within one list refresh the tool is gone from the client's list
                Eventually.eventually(Duration.ofSeconds(30), "the client's refreshed list without rug__add",
                        () -> !refreshes.isEmpty() && tool(refreshes.getLast(), "rug__add") == null);
                assertThat(tool(refreshes.getLast(), "rug__pull")).isNotNull();
                McpSchema.CallToolResult refused = client.callTool(new McpSchema.CallToolRequest("rug__add", Map.of("a", 1, "b", 2)));
                assertThat(refused.isError()).isTrue();
                assertThat(text(refused)).startsWith("Refused by Portcullis (pin): ").contains("not the pinned one")
                        .contains("portcullis review show rug/tool/add");

                // the review: the diff and the scanner's findings
                PinReviews reviews = gw.gateway().reviews();
                Review r = reviews.show("rug/tool/add").orElseThrow();
                assertThat(Json.parse(r.pinned()).path("description").asString()).isEqualTo("Adds two numbers.");
                assertThat(Json.parse(r.served()).path("description").asString()).isEqualTo(RugPullServer.POISONED);
                assertThat(r.findings()).extracting(Finding::code).contains("instruction-tag", "hidden-instruction",
                        "secret-access", "tag-characters");

                // bad input: no reviewer role; blocked findings without an override
                assertThatThrownBy(() -> reviews.accept(r.id(), r.servedHash(), DEVELOPER, "fine"))
                        .isInstanceOf(PinReviews.Refused.class).hasMessageContaining("pin-reviewer");
                assertThatThrownBy(() -> reviews.accept(r.id(), r.servedHash(), REVIEWER, null))
                        .isInstanceOf(PinReviews.Refused.class).hasMessageContaining("override");
                assertThat(client.callTool(new McpSchema.CallToolRequest("rug__add", Map.of("a", 1, "b", 2))).isError()).isTrue();

                // accepting (with a recorded override) releases it; the client reads it without the tag characters
                int seen = refreshes.size();
                reviews.accept(r.id(), r.servedHash(), REVIEWER, "test of the release path");
                Eventually.eventually(Duration.ofSeconds(30), "the client's refreshed list with rug__add again",
                        () -> refreshes.size() > seen && tool(refreshes.getLast(), "rug__add") != null);
                String released = tool(refreshes.getLast(), "rug__add").description();
                assertThat(released).startsWith("Adds two numbers. <IMPORTANT>").endsWith("</IMPORTANT>");
                assertThat(released.codePoints().noneMatch(cp -> cp >= 0xE0000 && cp <= 0xE007F)).isTrue();
                assertThat(text(client.callTool(new McpSchema.CallToolRequest("rug__add", Map.of("a", 2, "b", 2))))).isEqualTo("4.0");

                // the decision is an audit record (kind pin_review), with the override
                var records = gw.gateway().audit().query().search(new io.portcullis.audit.AuditQuery.Filter(null, null, null, null,
                        null, null, "pin_review", 10));
                assertThat(records).singleElement().satisfies(rec -> {
                    assertThat(rec.path("decision").path("outcome").asString()).isEqualTo("accepted");
                    assertThat(rec.path("decision").path("override").asString()).isEqualTo("test of the release path");
                    assertThat(rec.path("principal").path("subject").asString()).isEqualTo("rita");
                    assertThat(rec.path("tool").path("name").asString()).isEqualTo("add");
                });
            }
        }
    }

    @Test
    void item1_aRugPullIsQuarantinedForTheTypeScriptSdk() throws Exception {
        try (TestGateway gw = TestGateway.start(YAML)) {
            Path work = Peers.workDir(RugPullIT.class);
            JsonNode out = Peers.nodeScript("sdk1-rugpull.mjs", work, Duration.ofSeconds(90), gw.url().toString()).ok();
            assertThat(names(out.path("before"))).contains("rug__add", "rug__pull");
            assertThat(out.path("addBefore").path("content").get(0).path("text").asString()).isEqualTo("3.0");
            assertThat(out.path("listChanged").asBoolean()).isTrue();
            assertThat(names(out.path("after"))).contains("rug__pull").doesNotContain("rug__add");
            assertThat(out.path("addAfter").path("isError").asBoolean()).isTrue();
            assertThat(out.path("addAfter").path("content").get(0).path("text").asString()).startsWith("Refused by Portcullis (pin): ");
            assertThat(gw.gateway().reviews().show("rug/tool/add")).isPresent();
        }
    }

    private static List<String> names(JsonNode tools) {
        List<String> out = new java.util.ArrayList<>();
        tools.forEach(t -> out.add(t.path("name").asString()));
        return out;
    }
}
