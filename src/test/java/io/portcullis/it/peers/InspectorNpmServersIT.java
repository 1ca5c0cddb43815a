package io.portcullis.it.peers;

import static io.portcullis.it.peers.InspectorEverythingIT.names;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * examples/npm-servers.yaml as shipped: server-everything, server-filesystem (confined to the
 * examples' sandbox) and server-memory (its file in the gateway's data directory) behind one
 * endpoint, driven by the MCP Inspector CLI. Each upstream's tools are namespaced and callable.
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
    void aggregatesTheToolsOfAllThreeServers() {
        List<String> names = names(inspector.listTools());
        // examples/npm-servers.catalog.yaml lists 6 of filesystem's 14 tools and 7 of memory's 9; the rest stay hidden
        assertThat(names.stream().filter(n -> n.startsWith("filesystem__"))).hasSize(6);
        assertThat(names.stream().filter(n -> n.startsWith("memory__"))).hasSize(7);
        assertThat(names).doesNotContain("filesystem__move_file", "memory__delete_relations");
        assertThat(names).contains("everything__echo", "filesystem__read_text_file", "filesystem__list_directory",
                "memory__create_entities", "memory__read_graph");
        assertThat(names).doesNotHaveDuplicates();
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
    void filesystemRefusesPathsOutsideTheSandboxAsAToolError() {
        // the catalog's path_roots refuse it in the gateway, before server-filesystem's own check
        Peers.Result r = inspector.call("filesystem__read_text_file", "path=" + examples.resolve("everything.yaml"));
        assertThat(r.exit()).as("inspector exit 5 = an isError result").isEqualTo(5);
        assertThat(r.stdout() + r.stderr()).contains("outside the allowed roots");
    }

    @Test
    void memoryStoresEntitiesInTheDataDirectory() throws Exception {
        JsonNode created = inspector.callJson("memory__create_entities",
                "{\"entities\":[{\"name\":\"portcullis\",\"entityType\":\"project\",\"observations\":[\"java mcp gateway\"]}]}")
                .ok().path("result");
        assertThat(created.path("structuredContent").path("entities").get(0).path("name").asString()).isEqualTo("portcullis");

        JsonNode graph = inspector.call("memory__read_graph").ok().path("result").path("structuredContent");
        assertThat(graph.path("entities").findValuesAsString("name")).contains("portcullis");

        Path memoryFile = examples.resolve("data/memory.jsonl");
        assertThat(memoryFile).exists();
        assertThat(Files.readString(memoryFile)).contains("\"name\":\"portcullis\"");
    }

    @Test
    void everythingStillAnswersBesideTheOthers() {
        JsonNode sum = inspector.call("everything__get-sum", "a=1", "b=2").ok().path("result");
        assertThat(sum.path("content").get(0).path("text").asString()).isEqualTo("The sum of 1 and 2 is 3.");
    }
}
