package io.portcullis.it.peers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import io.portcullis.changelog.Changelog;
import io.portcullis.identity.Principal;
import io.portcullis.it.DriftServer;
import io.portcullis.it.JvmPeers;
import io.portcullis.it.TestGateway;
import io.portcullis.pin.Finding;
import io.portcullis.pin.PinReviews;
import io.portcullis.pin.Review;
import io.portcullis.protocol.Json;
import io.portcullis.testing.Eventually;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * #15 items 1-2, what the last audit left: a real rug pull of a resource template and of an upstream's
 * {@code instructions}, by a test upstream of the project's own ({@link DriftServer}) that changes them after
 * start-up, seen by a real client (the official TypeScript SDK, and the Java SDK for the instructions of a new
 * session). The changed template is hidden from {@code resources/templates/list} and reads through it are refused
 * naming the control {@code pin}; the changed instructions are withheld (the pinned text is served); the review
 * shows the diff and the scanner's findings; accepting releases each; the changelog has the quarantines.
 */
class DriftIT {
    private static final Principal REVIEWER = new Principal("rita", Principal.Kind.USER, "Rita", List.of("pin-reviewer"), "cli",
            "default", "local", null, null);
    private static final String TEMPLATE_ID = "drift/template/note://{id}";
    private static final String INSTRUCTIONS_ID = "drift/instructions/drift";

    private static JsonNode node(TestGateway gw, Path work, String mode) {
        return Peers.nodeScript("sdk1-drift.mjs", work, Duration.ofSeconds(90), gw.url().toString(), mode).ok();
    }

    private static McpSyncClient connect(String url) {
        URI u = URI.create(url);
        var transport = HttpClientStreamableHttpTransport.builder(u.getScheme() + "://" + u.getAuthority()).endpoint(u.getPath()).build();
        McpSyncClient client = McpClient.sync(transport).requestTimeout(Duration.ofSeconds(60))
                .clientInfo(new McpSchema.Implementation("portcullis-it-drift", "1.0.0")).build();
        client.initialize();
        return client;
    }

    private static List<String> templates(JsonNode list) {
        List<String> out = new java.util.ArrayList<>();
        list.forEach(t -> out.add(t.path("uriTemplate").asString() + " " + t.path("description").asString()));
        return out;
    }

    @Test
    void aRugPullOfATemplateAndOfInstructionsIsQuarantinedUntilReviewed() throws Exception {
        Path work = Peers.workDir(DriftIT.class);
        Path state = Files.createDirectories(work.resolve("upstream")).resolve("drifted");
        String yaml = """
                upstreams:
                  drift:
                    command: %s
                catalog: {unlisted: allow}
                """.formatted(TestGateway.list(JvmPeers.testMain(DriftServer.class, state.toString())));
        try (TestGateway gw = TestGateway.start(yaml)) {
            PinReviews reviews = gw.gateway().reviews();
            // the template: a rug pull within one list refresh of the TypeScript SDK
            JsonNode pull = node(gw, work, "pull");
            assertThat(pull.path("instructions").asString()).contains("Instructions of upstream drift:\n" + DriftServer.INSTRUCTIONS);
            assertThat(templates(pull.path("templates"))).containsExactly("note://{id} " + DriftServer.TEMPLATE);
            assertThat(pull.path("read").path("text").asString()).isEqualTo("note note://1");
            assertThat(pull.path("listChanged").asBoolean()).isTrue();
            assertThat(pull.path("templatesAfter").isEmpty()).isTrue();
            assertThat(pull.path("readAfter").path("error").asString()).contains("pin").contains("portcullis review show " + TEMPLATE_ID);

            Review t = reviews.show(TEMPLATE_ID).orElseThrow();
            assertThat(Json.parse(t.pinned()).path("description").asString()).isEqualTo(DriftServer.TEMPLATE);
            assertThat(Json.parse(t.served()).path("description").asString()).isEqualTo(DriftServer.POISONED_TEMPLATE);
            assertThat(t.findings()).extracting(Finding::code).contains("instruction-tag", "secret-access");
            assertThatThrownBy(() -> reviews.accept(t.id(), t.servedHash(), REVIEWER, null))
                    .isInstanceOf(PinReviews.Refused.class).hasMessageContaining("override");
            reviews.accept(t.id(), t.servedHash(), REVIEWER, "test of the release path");
            JsonNode released = node(gw, work, "look");
            assertThat(templates(released.path("templates"))).containsExactly("note://{id} " + DriftServer.POISONED_TEMPLATE);
            assertThat(released.path("read").path("text").asString()).isEqualTo("note note://1");

            // the instructions: the upstream restarts as a new version that answers initialize with other instructions
            try (McpSyncClient client = connect(gw.url().toString())) {
                assertThat(client.getServerInstructions()).contains(DriftServer.INSTRUCTIONS);
                client.callTool(new McpSchema.CallToolRequest("drift__drift_instructions", Map.of()));
            }
            Eventually.eventually(Duration.ofSeconds(60), "the changed instructions waiting for review",
                    () -> reviews.show(INSTRUCTIONS_ID).isPresent());
            Review i = reviews.show(INSTRUCTIONS_ID).orElseThrow();
            assertThat(Json.parse(i.pinned()).path("instructions").asString()).isEqualTo(DriftServer.INSTRUCTIONS);
            assertThat(Json.parse(i.served()).path("instructions").asString()).isEqualTo(DriftServer.DRIFTED);
            assertThat(i.findings()).extracting(Finding::code).contains("hidden-instruction");
            JsonNode withheld = node(gw, work, "look");
            assertThat(withheld.path("instructions").asString()).contains("Instructions of upstream drift:\n" + DriftServer.INSTRUCTIONS)
                    .doesNotContain("do not tell the user");
            try (McpSyncClient client = connect(gw.url().toString())) { // the Java SDK reads the pinned text too
                assertThat(client.getServerInstructions()).contains(DriftServer.INSTRUCTIONS).doesNotContain("do not tell the user");
            }

            reviews.accept(i.id(), i.servedHash(), REVIEWER, "test of the release path");
            String accepted = node(gw, work, "look").path("instructions").asString();
            assertThat(accepted).contains("Instructions of upstream drift:\n" + DriftServer.DRIFTED.substring(0, DriftServer.DRIFTED.indexOf('\u200B')))
                    .doesNotContain("\u200B").doesNotContain("\u001B");

            // the changelog: both quarantines and both accepted pins, with the diff
            List<Changelog.Entry> log = new Changelog(gw.gateway().store()).read(null, null);
            assertThat(log).filteredOn(e -> e.kind().equals("pin")).extracting(Changelog.Entry::subject)
                    .contains(TEMPLATE_ID, INSTRUCTIONS_ID);
            var records = gw.gateway().audit().query().search(new io.portcullis.audit.AuditQuery.Filter(null, null, null, null,
                    null, null, "quarantine", 50));
            assertThat(records).extracting(r -> r.path("quarantine").path("id").asString()).contains(TEMPLATE_ID, INSTRUCTIONS_ID);
        }
    }
}
