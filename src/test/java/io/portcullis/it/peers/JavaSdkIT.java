package io.portcullis.it.peers;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The official Java SDK client ({@code io.modelcontextprotocol.sdk:mcp}, McpClient.sync over
 * HttpClientStreamableHttpTransport) against the gateway process fronting server-everything over
 * stdio. The SDK's transport leaves a non-daemon thread behind unless the client is closed, so
 * every test closes its client.
 */
class JavaSdkIT {
    private static GatewayProcess gateway;

    @BeforeAll
    static void start() {
        Path work = Peers.workDir(JavaSdkIT.class);
        // sampling and elicitation tools come with a list change after the upstream is ready
        gateway = GatewayProcess.start(Peers.copyExamples(work).resolve("everything.yaml"), work)
                .awaitTools("everything__trigger-sampling-request", "everything__trigger-elicitation-request");
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
    }

    /**
     * A Java SDK client of {@code url}, initialized. With {@code versions} the client offers only
     * those protocol versions (it asks for the last one).
     */
    static McpSyncClient connect(String url, McpClient.SyncSpec spec, String... versions) {
        URI u = URI.create(url);
        var transport = HttpClientStreamableHttpTransport.builder(u.getScheme() + "://" + u.getAuthority()).endpoint(u.getPath());
        if (versions.length > 0) {
            transport.supportedProtocolVersions(List.of(versions));
        }
        McpSyncClient client = (spec == null ? McpClient.sync(transport.build()) : spec)
                .requestTimeout(Duration.ofSeconds(60))
                .clientInfo(new McpSchema.Implementation("portcullis-it-java-sdk", "1.0.0"))
                .build();
        client.initialize();
        return client;
    }

    static McpSyncClient connect(String url, String... versions) {
        return connect(url, null, versions);
    }

    static String text(McpSchema.CallToolResult r) {
        return ((McpSchema.TextContent) r.content().getFirst()).text();
    }

    @Test
    void listsAndCallsTools() {
        try (McpSyncClient client = connect(gateway.url())) {
            assertThat(client.getCurrentInitializationResult().protocolVersion()).isEqualTo("2025-11-25");
            assertThat(client.getServerInfo().name()).isEqualTo("portcullis");
            List<String> names = client.listTools().tools().stream().map(McpSchema.Tool::name).toList();
            assertThat(names).contains("everything__echo", "everything__get-sum").allMatch(n -> n.startsWith("everything__"));

            McpSchema.CallToolResult echo = client.callTool(new McpSchema.CallToolRequest("everything__echo", Map.of("message", "from java")));
            assertThat(text(echo)).isEqualTo("Echo: from java");
            McpSchema.CallToolResult sum = client.callTool(new McpSchema.CallToolRequest("everything__get-sum", Map.of("a", 2, "b", 3)));
            assertThat(text(sum)).isEqualTo("The sum of 2 and 3 is 5.");
            assertThat(sum.isError()).isNotEqualTo(Boolean.TRUE);
        }
    }

    @Test
    void receivesProgressUnderItsOwnToken() {
        List<McpSchema.ProgressNotification> progress = new CopyOnWriteArrayList<>();
        URI u = URI.create(gateway.url());
        var spec = McpClient.sync(HttpClientStreamableHttpTransport.builder("http://" + u.getAuthority()).endpoint(u.getPath()).build())
                .progressConsumer(progress::add);
        try (McpSyncClient client = connect(gateway.url(), spec)) {
            McpSchema.CallToolResult r = client.callTool(new McpSchema.CallToolRequest("everything__trigger-long-running-operation",
                    Map.of("duration", 1, "steps", 2), Map.of("progressToken", "java-token-7")));
            assertThat(text(r)).contains("Long running operation completed");
        }
        assertThat(progress).hasSize(2);
        assertThat(progress).allMatch(p -> "java-token-7".equals(p.progressToken()));
        assertThat(progress.stream().map(McpSchema.ProgressNotification::progress).toList()).containsExactly(1.0, 2.0);
    }

    @Test
    void answersARelayedSamplingRequest() {
        List<McpSchema.CreateMessageRequest> asked = new CopyOnWriteArrayList<>();
        URI u = URI.create(gateway.url());
        var spec = McpClient.sync(HttpClientStreamableHttpTransport.builder("http://" + u.getAuthority()).endpoint(u.getPath()).build())
                .capabilities(McpSchema.ClientCapabilities.builder().sampling().build())
                .sampling(req -> {
                    asked.add(req);
                    return new McpSchema.CreateMessageResult(McpSchema.Role.ASSISTANT, new McpSchema.TextContent("java sampled this"),
                            "java-model", McpSchema.CreateMessageResult.StopReason.END_TURN);
                });
        try (McpSyncClient client = connect(gateway.url(), spec)) {
            McpSchema.CallToolResult r = client.callTool(new McpSchema.CallToolRequest("everything__trigger-sampling-request",
                    Map.of("prompt", "hello java", "maxTokens", 10)));
            assertThat(text(r)).contains("java sampled this").contains("java-model");
        }
        assertThat(asked).hasSize(1);
        assertThat(asked.getFirst().maxTokens()).isEqualTo(10);
    }
}
