package io.portcullis.it.peers;

import static io.portcullis.it.peers.InspectorEverythingIT.names;
import static org.assertj.core.api.Assertions.assertThat;

import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * examples/npm-servers.yaml as shipped: server-everything, server-filesystem (confined to the
 * examples' sandbox) and server-memory (its file in the gateway's data directory) behind one
 * endpoint, with the example's catalog, driven by the MCP Inspector CLI. Each upstream's tools are
 * namespaced and callable; what the catalog does not list is hidden and refused.
 */
class InspectorNpmServersIT {
    private static Path examples;
    private static GatewayProcess gateway;
    private static Inspector inspector;

    @BeforeAll
    static void start() {
        Path work = Peers.workDir(InspectorNpmServersIT.class);
        examples = Peers.copyExamples(work);
        gateway = GatewayProcess.start(examples.resolve("npm-servers.yaml"), work);
        inspector = new Inspector(gateway.url(), work);
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    void aggregatesTheToolsTheCatalogOffers() {
        List<String> names = names(inspector.listTools());
        assertThat(names).doesNotHaveDuplicates();
        assertThat(names).contains("everything__echo", "everything__get-sum", "filesystem__list_directory",
                "filesystem__read_text_file", "filesystem__write_file", "memory__create_entities", "memory__read_graph",
                "memory__delete_entities");
        // examples/npm-servers.catalog.yaml hides what it does not list (C2.1): of filesystem's 14 tools
        // and memory's 9, only the listed ones are offered.
        assertThat(names.stream().filter(n -> n.startsWith("filesystem__"))).hasSize(6);
        assertThat(names.stream().filter(n -> n.startsWith("memory__"))).hasSize(7);
        assertThat(names).doesNotContain("filesystem__move_file", "filesystem__edit_file", "filesystem__read_file",
                "memory__delete_observations", "memory__delete_relations");
    }

    @Test
    void aHiddenToolIsRefusedByTheCatalog() {
        // The Inspector will not call a tool missing from tools/list, so a client that does: the Java SDK.
        try (McpSyncClient client = JavaSdkIT.connect(gateway.url())) {
            McpSchema.CallToolResult r = client.callTool(new McpSchema.CallToolRequest("filesystem__move_file",
                    Map.of("source", examples.resolve("sandbox/README.txt").toString(),
                            "destination", examples.resolve("sandbox/moved.txt").toString())));
            assertThat(r.isError()).isTrue();
            assertThat(JavaSdkIT.text(r)).startsWith("Refused by Portcullis (catalog)");
        }
        assertThat(examples.resolve("sandbox/README.txt")).exists();
    }

    @Test
    void filesystemListsAndReadsTheSandbox() throws Exception {
        Path sandbox = examples.resolve("sandbox");
        JsonNode listing = inspector.call("filesystem__list_directory", "path=" + sandbox).ok().path("result");
        assertThat(listing.path("content").get(0).path("text").asString()).contains("[FILE] README.txt");

        JsonNode read = inspector.call("filesystem__read_text_file", "path=" + sandbox.resolve("README.txt")).ok().path("result");
        assertThat(read.path("content").get(0).path("text").asString())
                .isEqualTo(Files.readString(sandbox.resolve("README.txt")));
    }

    @Test
    void pathsOutsideTheSandboxAreRefusedBeforeTheUpstreamSeesThem() {
        // The catalog's path_roots constraint (C2.3) on the filesystem tools.
        Peers.Result read = inspector.call("filesystem__read_text_file", "path=" + examples.resolve("everything.yaml"));
        assertThat(read.exit()).as("inspector exit 5 = tool error").isEqualTo(5);
        assertThat(read.stdout() + read.stderr()).contains("Refused by Portcullis").contains("path");

        Path outside = examples.resolve("outside.txt");
        Peers.Result write = inspector.callJson("filesystem__write_file", "{\"path\":\"" + outside + "\",\"content\":\"x\"}");
        assertThat(write.exit()).isEqualTo(5);
        assertThat(outside).doesNotExist();
    }

    @Test
    void filesystemWritesInTheSandbox() {
        Path note = examples.resolve("sandbox/note.txt");
        JsonNode ok = inspector.callJson("filesystem__write_file",
                "{\"path\":\"" + note + "\",\"content\":\"written through the gateway\"}").ok().path("result");
        assertThat(ok.path("isError").asBoolean(false)).isFalse();
        assertThat(note).hasContent("written through the gateway");
    }

    @Test
    void memoryStoresEntitiesInTheDataDirectory() throws Exception {
        JsonNode created = inspector.callJson("memory__create_entities",
                "{\"entities\":[{\"name\":\"portcullis\",\"entityType\":\"project\",\"observations\":[\"java mcp gateway\"]}]}")
                .ok().path("result");
        assertThat(created.path("structuredContent").path("entities").get(0).path("name").asString()).isEqualTo("portcullis");

        JsonNode graph = inspector.call("memory__read_graph").ok().path("result").path("structuredContent");
        assertThat(graph.path("entities").findValuesAsString("name")).contains("portcullis");

        Path memoryFile = examples.resolve("data/npm-servers/memory.jsonl"); // the example's own data dir (#11 item 18)
        assertThat(memoryFile).exists();
        assertThat(Files.readString(memoryFile)).contains("\"name\":\"portcullis\"");
    }

    @Test
    void everythingStillAnswersBesideTheOthers() {
        JsonNode sum = inspector.call("everything__get-sum", "a=1", "b=2").ok().path("result");
        assertThat(sum.path("content").get(0).path("text").asString()).isEqualTo("The sum of 1 and 2 is 3.");
    }
}
