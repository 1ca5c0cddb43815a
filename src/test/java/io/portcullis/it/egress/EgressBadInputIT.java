package io.portcullis.it.egress;

import static io.portcullis.it.egress.LeakyServer.GH;
import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.it.GatewayExtension;
import io.portcullis.it.JvmPeers;
import io.portcullis.it.LegacySession;
import io.portcullis.it.TestGateway;
import io.portcullis.protocol.Json;
import io.portcullis.testing.Eventually;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * #13 "Bad input" through a real upstream process ({@link LeakyServer}) and the whole gateway: a
 * 50 MB result, structured content nested far too deep, invalid UTF-8 on the wire and binary
 * content. Nothing crashes, nothing leaks, the result limit applies before the scan, and the
 * gateway serves the next call. (A custom detector whose regex is not linear-time is refused with
 * file:line: {@code EgressConfigTest#item2_aBacktrackingPatternIsRefusedWithFileAndLine}.)
 */
class EgressBadInputIT {
    @RegisterExtension
    static final GatewayExtension gw = GatewayExtension.config(() -> """
                upstreams:
                  leaky:
                    command: %s
                    timeout: 60s
                catalog:
                  unlisted: allow
                  upstreams:
                    leaky: {owner: {team: platform, oncall: "pager:platform"}}
                  tools:
                    leaky__huge: {purpose: A huge answer., risk: read_only, max_result_bytes: 65536, on_oversize: truncate}
                """.formatted(TestGateway.list(JvmPeers.testMain(LeakyServer.class)))).build();

    /**
     * The answer to one call; while the upstream restarts (after the protocol violation of another
     * test: "is starting", or "is not available (down: …), retry in 1 s" until its restart) it is asked again.
     */
    static JsonNode call(String tool, ObjectNode arguments) {
        LegacySession s = LegacySession.open(gw.client(), "2025-11-25");
        ObjectNode p = Json.object().put("name", tool);
        p.set("arguments", arguments == null ? Json.object() : arguments);
        return Eventually.eventually(Duration.ofSeconds(60), () -> s.request("tools/call", p),
                a -> !a.toString().contains("is starting, retry") && !a.toString().contains("is not available (down"));
    }

    @Test
    void a50MbResultIsRefusedByTheLineLimitBeforeTheScanSeesIt() throws Exception {
        JsonNode answer = call("leaky__huge", Json.object().put("bytes", 50 * 1024 * 1024));
        assertThat(answer.toString()).doesNotContain(GH).contains("max_line_bytes");
        assertThat(answer.toString().length()).isLessThan(10_000);
        // the secret at the end of the 50 MB was never scanned: the line was refused at 16 MB, before any parse
        assertThat(auditOf("\"bytes\":52428800")).contains("\"control\":\"upstream\"").doesNotContain("secret.github-token")
                .doesNotContain(GH);
    }

    @Test
    void a2MbResultIsCutToTheToolsLimitBeforeTheScanSeesIt() throws Exception {
        JsonNode result = call("leaky__huge", Json.object().put("bytes", 2_000_000)).path("result");
        assertThat(result.toString()).doesNotContain(GH);
        assertThat(result.toString().length()).as(result.toString().substring(0, 300)).isLessThan(70_000);
        // the secret at the end of the 2 MB was cut off at 64 KiB (max_result_bytes) before the scan: nothing was detected
        assertThat(auditOf("\"bytes\":2000000")).contains("\"outcome\":\"allowed\"").doesNotContain("secret.github-token")
                .doesNotContain(GH);
    }

    /** The audit records of the calls whose line contains {@code marker}. */
    static String auditOf(String marker) throws Exception {
        return EgressFilesystemIT.auditOf(gw.harness()).lines().filter(l -> l.contains(marker)).reduce("", String::concat);
    }

    @Test
    void structuredContentNestedTooDeepIsBlockedNamingEgress() {
        JsonNode answer = call("leaky__deep", Json.object().put("depth", 300));
        JsonNode result = answer.path("result");
        assertThat(result.path("isError").asBoolean()).as(answer.toString()).isTrue();
        assertThat(result.path("content").get(0).path("text").asString()).contains("egress", "too deep");
        assertThat(result.toString()).doesNotContain(GH);
    }

    @Test
    void nestingBeyondTheParsersLimitFailsTheCallAndNothingCrashes() {
        JsonNode answer = call("leaky__deep", Json.object().put("depth", 5000));
        assertThat(answer.toString()).doesNotContain(GH).doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(answer.has("error") || answer.path("result").path("isError").asBoolean()).as(answer.toString()).isTrue();
    }

    @Test
    void invalidUtf8ArrivesAsReplacementCharactersAndIsStillScanned() {
        JsonNode answer = call("leaky__bad_utf8", null);
        JsonNode result = answer.path("result");
        assertThat(result.path("content").isArray()).as(answer.toString()).isTrue();
        String text = result.path("content").get(0).path("text").asString();
        assertThat(text).contains("\uFFFD", "token [REDACTED:secret.github-token]").doesNotContain(GH);
    }

    @Test
    void binaryContentPassesUnscannedAndIntact() {
        JsonNode result = call("leaky__binary", null).path("result");
        String b64 = Base64.getEncoder().encodeToString(("\u0089PNG\r\n" + GH).getBytes(StandardCharsets.ISO_8859_1));
        assertThat(result.path("content").get(0).path("data").asString()).isEqualTo(b64);
        assertThat(result.path("content").get(1).path("resource").path("blob").asString()).isEqualTo(b64);
    }

    @Test
    void afterAllThatTheGatewayStillServesAndRedacts() {
        JsonNode result = call("leaky__leak", null).path("result");
        assertThat(result.path("isError").asBoolean(false)).isFalse();
        assertThat(result.path("structuredContent").path("token").asString()).isEqualTo("[REDACTED:secret.github-token]");
    }
}
