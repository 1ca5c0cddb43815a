package io.portcullis.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * #20 item 4 (C6.3): a real gateway holds at most {@code server.max_sessions} open sessions, every
 * caller together (anonymous ones too, which the per-principal cap of #11 item 15 does not count).
 * One initialize more than the cap gets HTTP 503 with a JSON-RPC error naming the control
 * ({@code sessions}) and the key, no session id; the open sessions go on; DELETE frees a place.
 */
class SessionCapIT {
    @TempDir
    Path dir;
    CountingUpstream upstream;

    @AfterEach
    void stop() throws Exception {
        if (upstream != null) {
            upstream.close();
        }
    }

    @Test
    void item4_moreSessionsThanTheCapAreRefusedCleanlyNamingTheControl() throws Exception {
        upstream = new CountingUpstream();
        String yaml = """
                server: {host: 127.0.0.1, port: 0, data_dir: data, max_sessions: 5}
                environments: [dev]
                upstreams:
                  demo: {url: "%s"}
                """.formatted(upstream.url());
        try (GatewayUnderTest gw = new GatewayUnderTest(yaml, dir)) {
            List<String> opened = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                opened.add(gw.open("/mcp", null));
            }
            for (int i = 0; i < 3; i++) { // more than the cap, several times: each one refused the same way
                GatewayUnderTest.Reply refused = gw.post("/mcp", null, null, Hardening15SessionCapIT.initialize());
                assertThat(refused.status()).isEqualTo(503);
                assertThat(refused.header("Mcp-Session-Id")).isNull();
                assertThat(refused.header("Retry-After")).isEqualTo("60");
                assertThat(refused.json().path("jsonrpc").asString()).isEqualTo("2.0");
                assertThat(refused.json().path("error").path("message").asString())
                        .contains("control sessions").contains("server.max_sessions 5").contains("5 open MCP sessions")
                        .doesNotContain("Exception").doesNotContain("\tat ");
                assertThat(refused.json().path("error").path("data").path("control").asString()).isEqualTo("sessions");
            }
            for (String s : opened) {
                assertThat(gw.call("/mcp", null, s, "still works").status()).as("an open session goes on").isEqualTo(200);
            }
            assertThat(gw.onSession("DELETE", "/mcp", null, opened.getFirst()).status()).isIn(200, 204);
            assertThat(gw.open("/mcp", null)).as("DELETE freed a place").isNotNull();
            assertThat(gw.post("/mcp", null, null, Hardening15SessionCapIT.initialize()).status()).isEqualTo(503);
        }
    }
}
