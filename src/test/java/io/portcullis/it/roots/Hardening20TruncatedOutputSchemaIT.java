package io.portcullis.it.roots;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.it.NpmPeers;
import io.portcullis.it.TestGateway;
import io.portcullis.it.peers.Peers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * #11 item 20 with real peers: server-filesystem's read_text_file declares an outputSchema
 * ({@code {content: string}}); its result is cut by the catalog's {@code max_result_bytes}. The
 * official TypeScript SDK client, which (like the Inspector) checks structured content against the
 * output schema, used to fail ("has an output schema but did not return structured content"); now
 * it gets valid, truncated structured content with the marker.
 */
class Hardening20TruncatedOutputSchemaIT {
    static Path dir;
    static TestGateway gw;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("truncate-it").toRealPath();
        Files.writeString(dir.resolve("big.txt"), "0123456789abcdef".repeat(4096)); // 64 KiB
        String yaml = """
                upstreams:
                  fs:
                    command: %s
                catalog:
                  unlisted: hide
                  upstreams:
                    fs: {owner: {team: platform, oncall: "pager:platform"}}
                  tools:
                    fs__read_text_file:
                      purpose: Read a file.
                      risk: read_only
                      constraints: {path: {path_roots: ["%s"]}}
                      max_result_bytes: 8192
                """.formatted(TestGateway.list(NpmPeers.command("mcp-server-filesystem", dir.toString())), dir);
        gw = TestGateway.start(yaml);
    }

    @AfterAll
    static void stop() throws Exception {
        if (gw != null) {
            gw.close();
        }
    }

    @Test
    void item20_aTruncatedResultStillSatisfiesTheOutputSchema() {
        Path work = Peers.workDir(Hardening20TruncatedOutputSchemaIT.class);
        JsonNode out = Peers.nodeScript("sdk1-call-validated.mjs", work, Duration.ofMinutes(2), gw.url().toString(),
                "fs__read_text_file", "{\"path\":\"" + dir.resolve("big.txt") + "\"}").ok();
        assertThat(out.has("error")).as(out.toString()).isFalse();
        JsonNode result = out.path("result");
        assertThat(result.path("structuredContent").path("content").asString()).startsWith("0123456789abcdef")
                .hasSizeLessThan(8192);
        assertThat(result.path("_meta").path("io.portcullis/truncated").path("limitBytes").asLong()).isEqualTo(8192);
        assertThat(result.toString()).contains("result truncated");
    }
}
