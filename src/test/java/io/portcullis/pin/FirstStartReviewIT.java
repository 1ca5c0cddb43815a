package io.portcullis.pin;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import io.portcullis.catalog.Catalog;
import io.portcullis.catalog.ToolEntry;
import io.portcullis.it.NpmPeers;
import io.portcullis.it.TestGateway;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * #15 "How it is shown", second bullet: server-everything and server-filesystem (the real npm servers) on
 * first start: every tool pinned and, with {@code pins.review_new: true} (an environment that requires
 * review), waiting in the review queue and absent from a real client's {@code tools/list}; a second
 * gateway (a fresh store) whose {@code pins.approved} holds the hashes of those definitions lets them
 * straight through, with nothing in the queue (#15 item 2, C7.2).
 */
class FirstStartReviewIT {

    private static String yaml(Path files, String pins) {
        return """
                upstreams:
                  everything:
                    command: %s
                  files:
                    command: %s
                pins:
                  review_new: true
                %s""".formatted(TestGateway.list(NpmPeers.everything()),
                TestGateway.list(NpmPeers.command("mcp-server-filesystem", files.toString())), pins);
    }

    private static boolean both(Catalog c) {
        return c.tools().stream().anyMatch(t -> t.upstream().equals("everything"))
                && c.tools().stream().anyMatch(t -> t.upstream().equals("files"));
    }

    private static List<String> listed(TestGateway gw) {
        URI u = gw.url();
        var transport = HttpClientStreamableHttpTransport.builder(u.getScheme() + "://" + u.getAuthority()).endpoint(u.getPath()).build();
        try (McpSyncClient client = McpClient.sync(transport).requestTimeout(Duration.ofSeconds(60))
                .clientInfo(new McpSchema.Implementation("portcullis-it-first-start", "1.0.0")).build()) {
            client.initialize();
            return client.listTools().tools().stream().map(McpSchema.Tool::name).toList();
        }
    }

    @Test
    void item2_newToolsOfRealServersWaitForReviewAndTheCatalogsHashesLetThemThrough() throws Exception {
        Path files = Files.createDirectories(Path.of("target", "first-start-review").toAbsolutePath());
        Map<String, String> hashes = new TreeMap<>();
        try (TestGateway gw = TestGateway.start(yaml(files, ""))) {
            Catalog c = gw.awaitCatalog(FirstStartReviewIT::both);
            List<ToolEntry> tools = c.tools();
            // every tool recorded and held: quarantined, in the queue, not listed to a real client
            assertThat(tools).allSatisfy(t -> assertThat(c.toolQuarantine(t.name())).isPresent()
                    .hasValueSatisfying(q -> assertThat(q.reason()).startsWith("new tool " + t.name() + " of upstream ")
                            .contains("for review")));
            List<String> queued = gw.gateway().reviews().list().stream().filter(r -> r.kind().equals("tool")).map(Review::id).toList();
            assertThat(queued).containsExactlyInAnyOrderElementsOf(
                    tools.stream().map(t -> Review.id(t.upstream(), "tool", t.upstreamName())).toList());
            assertThat(gw.gateway().reviews().list()).filteredOn(r -> r.kind().equals("tool"))
                    .allSatisfy(r -> assertThat(r.pinnedHash()).isNull());
            assertThat(listed(gw)).noneMatch(n -> tools.stream().anyMatch(t -> t.name().equals(n)));
            tools.forEach(t -> hashes.put(t.name(), Pins.hash(t)));
        }
        assertThat(hashes).containsKeys("files__read_text_file", "everything__echo");

        StringBuilder approved = new StringBuilder("  approved:\n");
        hashes.forEach((name, hash) -> approved.append("    ").append(name).append(": ").append(hash).append('\n'));
        try (TestGateway gw = TestGateway.start(yaml(files, approved.toString()))) {
            Catalog c = gw.awaitCatalog(FirstStartReviewIT::both);
            assertThat(c.tools()).extracting(ToolEntry::name).containsExactlyInAnyOrderElementsOf(hashes.keySet());
            assertThat(c.tools()).allSatisfy(t -> assertThat(c.toolQuarantine(t.name())).isEmpty());
            assertThat(gw.gateway().reviews().list()).noneMatch(r -> r.kind().equals("tool"));
            assertThat(listed(gw)).containsAll(hashes.keySet());
        }
    }
}
