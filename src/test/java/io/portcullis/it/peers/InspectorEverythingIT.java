package io.portcullis.it.peers;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * examples/everything.yaml as shipped: the gateway launches server-everything over stdio by the
 * bare command found on PATH, and the MCP Inspector CLI (a client nobody here wrote) lists and
 * calls its tools through the gateway under the {@code everything__} namespace (issue #2, item 4).
 */
class InspectorEverythingIT {
    private static Path work;
    private static GatewayProcess gateway;
    private static Inspector inspector;

    @BeforeAll
    static void start() {
        work = Peers.workDir(InspectorEverythingIT.class);
        Path examples = Peers.copyExamples(work);
        gateway = GatewayProcess.start(examples.resolve("everything.yaml"), work);
        inspector = new Inspector(gateway.url(), work);
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    void listsTheUpstreamToolsNamespaced() {
        List<String> names = names(inspector.listTools());
        assertThat(names).contains("everything__echo", "everything__get-sum", "everything__trigger-long-running-operation");
        assertThat(names).allMatch(n -> n.startsWith("everything__"));
        assertThat(names).allMatch(n -> n.matches("[A-Za-z0-9_.-]{1,128}"));
        // switched off in everything.yaml (tools: enabled: false, C6.2): hidden
        assertThat(names).doesNotContain("everything__get-env");
    }

    @Test
    void keepsTheUpstreamToolDefinitions() {
        JsonNode echo = tool(inspector.listTools(), "everything__echo");
        assertThat(echo.path("title").asString()).isEqualTo("Echo Tool");
        assertThat(echo.path("inputSchema").path("properties").has("message")).isTrue();
        assertThat(echo.path("annotations").path("readOnlyHint").asBoolean()).isTrue();
    }

    @Test
    void callsEcho() {
        JsonNode result = inspector.call("everything__echo", "message=hello from the inspector").ok().path("result");
        assertThat(result.path("content").get(0).path("text").asString()).isEqualTo("Echo: hello from the inspector");
        assertThat(result.path("isError").asBoolean(false)).isFalse();
    }

    @Test
    void callsGetSumWithJsonArguments() {
        JsonNode result = inspector.callJson("everything__get-sum", "{\"a\":40,\"b\":2}").ok().path("result");
        assertThat(result.path("content").get(0).path("text").asString()).isEqualTo("The sum of 40 and 2 is 42.");
    }

    static List<String> names(JsonNode listResult) {
        List<String> out = new ArrayList<>();
        listResult.path("tools").forEach(t -> out.add(t.path("name").asString()));
        return out;
    }

    static JsonNode tool(JsonNode listResult, String name) {
        for (JsonNode t : listResult.path("tools")) {
            if (name.equals(t.path("name").asString())) {
                return t;
            }
        }
        throw new AssertionError("no tool " + name + " in " + listResult);
    }
}
