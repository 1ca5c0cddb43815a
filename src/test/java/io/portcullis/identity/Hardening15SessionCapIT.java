package io.portcullis.identity;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.protocol.Json;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.node.ObjectNode;

/**
 * #11 item 15 (C6.3): one credential cannot open sessions without bound (4,000 were opened with
 * one token). {@code server.max_sessions_per_principal} caps the open sessions of one caller; the
 * next initialize is refused with 429 and a line naming the setting; other callers are not affected
 * and a session ended with DELETE frees its place.
 */
class Hardening15SessionCapIT {
    @TempDir
    Path dir;
    CountingUpstream upstream;

    @AfterEach
    void stop() throws Exception {
        if (upstream != null) {
            upstream.close();
        }
    }

    static ObjectNode initialize() {
        ObjectNode init = GatewayUnderTest.request(1, "initialize");
        init.putObject("params").put("protocolVersion", "2025-11-25").putObject("capabilities");
        ((ObjectNode) init.get("params")).putObject("clientInfo").put("name", "item15").put("version", "1");
        return init;
    }

    @Test
    void item15_sessionsPerPrincipalAreCappedWithAClearRefusal() throws Exception {
        upstream = new CountingUpstream();
        String yaml = """
                server: {host: 127.0.0.1, port: 0, data_dir: data, max_sessions_per_principal: 3}
                environments: [dev]
                upstreams:
                  demo: {url: "%s"}
                identity:
                  resource: https://portcullis.test/mcp
                  api_keys: {enabled: true, max_lifetime: 90d}
                """.formatted(upstream.url());
        try (GatewayUnderTest gw = new GatewayUnderTest(yaml, dir)) {
            Instant exp = Instant.now().plus(Duration.ofDays(1));
            String key = gw.gateway.identity().store().createKey("ci", "ci", List.of("dev"), exp, "test").secret();
            String other = gw.gateway.identity().store().createKey("other", "ci", List.of("dev"), exp, "test").secret();
            List<String> opened = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                opened.add(gw.open("/mcp", key));
            }
            GatewayUnderTest.Reply refused = gw.post("/mcp", key, null, initialize());
            assertThat(refused.status()).isEqualTo(429);
            assertThat(refused.json().path("error").path("message").asString())
                    .contains("max_sessions_per_principal").contains("3 open MCP sessions");
            assertThat(refused.header("Mcp-Session-Id")).isNull();
            assertThat(gw.open("/mcp", other)).as("another caller is not affected").isNotNull();
            assertThat(gw.call("/mcp", key, opened.getFirst(), "still works").status()).isEqualTo(200);
            assertThat(gw.onSession("DELETE", "/mcp", key, opened.getFirst()).status()).isIn(200, 204);
            assertThat(gw.post("/mcp", key, null, initialize()).status()).as("a place was freed").isEqualTo(200);
            assertThat(Json.write(gw.post("/mcp", key, null, initialize()).json())).contains("max_sessions_per_principal");
        }
    }
}
