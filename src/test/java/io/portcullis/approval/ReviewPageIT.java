package io.portcullis.approval;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.it.JvmPeers;
import io.portcullis.it.LocalIdp;
import io.portcullis.it.ModernRequests;
import io.portcullis.it.NpmPeers;
import io.portcullis.it.RugPullServer;
import io.portcullis.it.TestGateway;
import io.portcullis.it.WireClient;
import io.portcullis.it.WireReply;
import io.portcullis.protocol.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * #15 item 2 (C7.2), "the admin page, showing the diff (old vs new description and schema) and the
 * findings of the scanner": the console's review queue ({@code /admin/#reviews}, reviews.js) in Debian's
 * Chromium ({@code test-support/review-page.mjs}), with really signed tokens (mock-oauth2-server). A new
 * version of the upstream (RugPullServer {@code --poisoned --markup}) serves {@code add} with a poisoned
 * description: an {@code <img onerror>} and {@code <b>} (markup), an {@code <IMPORTANT>} instruction to
 * the model and invisible tag characters. The tool is quarantined (a real tools/call is refused by the
 * control {@code pin}); the page shows the diff as the characters written (markup as text, tag
 * characters as escapes: no element made from it, no script run, no CSP violation) with the scanner's
 * findings; the reviewer accepts it from the page with an override (its findings block otherwise), and
 * the same real tools/call then passes. Screenshot: {@code target/console-review.png}.
 */
class ReviewPageIT {
    private static final String OVERRIDE = "vendor advisory VA-9 " + RugPullServer.MARKUP;

    @TempDir
    Path dir;

    private static String yaml(String idp, String... upstreamArgs) {
        return """
                server: {host: 127.0.0.1, port: 0}
                upstreams:
                  rug: {command: %s}
                %s
                policy:
                  rules:
                    - {id: reads, effect: allow}
                pins:
                  reviewers: [security-review]
                """.formatted(TestGateway.list(JvmPeers.testMain(RugPullServer.class, upstreamArgs)), LocalIdp.identity(idp));
    }

    @Test
    void item2_aReviewerSeesThePoisonedDiffAsTextAndAcceptsItFromTheConsole() throws Exception {
        LocalIdp idp = LocalIdp.start();
        String base = idp.base();
        try (TestGateway gw = TestGateway.start(yaml(base))) {
            String rita = idp.token(gw, "rita", List.of("portcullis-admin", "security-review"));
            assertThat(call(gw, rita)).isEqualTo("passed");
            // the rug pull: a new version serves a poisoned definition of add
            gw.reload(yaml(base, "--poisoned", "--markup"));
            gw.awaitCatalog(c -> c.toolQuarantine("rug__add").isPresent());
            assertThat(call(gw, rita)).startsWith("pin: ");

            Path target = NpmPeers.root().resolve("target");
            Files.createDirectories(target);
            String out = BrowserScript.run("review-page.mjs", Map.of(
                    "CONSOLE_URL", "http://127.0.0.1:" + gw.port() + "/admin/",
                    "TOKEN", rita,
                    "REVIEW_ID", "rug/tool/add",
                    "OVERRIDE", OVERRIDE,
                    "SHOTS", target.toString(),
                    "PROFILE", Files.createDirectory(dir.resolve("chromium")).toString()));
            JsonNode review = Json.parse(line(out, "review"));
            assertThat(review.path("queue").asString()).contains("rug/tool/add", "description", "high instruction-tag");
            // the diff: old and new description as written; markup as text, tag characters as escapes
            assertThat(review.path("old").toString()).contains("- Adds two numbers.");
            String served = review.path("new").toString();
            assertThat(review.path("new").get(0).asString()).startsWith("+ " + RugPullServer.MARKUP + "Adds two numbers. <IMPORTANT>")
                    .contains("</IMPORTANT>", "\\u{E0073}").doesNotContain("\uDB40\uDC73");
            assertThat(served).doesNotContain("\uDB40");
            assertThat(review.path("findings").toString()).contains("high instruction-tag", "high tag-characters");
            assertThat(line(out, "accepted")).contains("Decided: accepted (rug/tool/add).");
            assertThat(line(out, "after")).contains("nothing waits for review", "\"cards\":0");
            assertThat(line(out, "injected")).contains("\"images\":0", "\"bold\":0", "\"scripts\":4", "\"xss\":null");
            assertThat(Files.size(target.resolve("console-review.png"))).isGreaterThan(1000);

            // released: the same real call passes; the decision is rita's audit record with the override
            assertThat(gw.gateway().catalog().toolQuarantine("rug__add")).isEmpty();
            assertThat(call(gw, rita)).isEqualTo("passed");
            var recs = gw.gateway().audit().query().search(new io.portcullis.audit.AuditQuery.Filter(null, null, null, null,
                    null, null, "pin_review", 10));
            assertThat(recs).singleElement().satisfies(r -> {
                assertThat(r.path("principal").path("subject").asString()).isEqualTo("rita");
                assertThat(r.path("decision").path("override").asString()).isEqualTo(OVERRIDE);
            });
        } finally {
            idp.close();
        }
    }

    /** A real call of rug__add; the refusal's control and reason, or "passed". */
    private static String call(TestGateway gw, String token) {
        ObjectNode p = Json.object().put("name", "rug__add");
        p.putObject("arguments").put("a", 2).put("b", 3);
        WireReply r = ModernRequests.post(new WireClient(gw.url()), ModernRequests.request(1, "tools/call", p),
                "Authorization", "Bearer " + token);
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        JsonNode result = r.message().path("result");
        return result.path("isError").asBoolean(false)
                ? result.path("_meta").path("io.portcullis/refusal").path("control").asString() + ": "
                        + result.path("_meta").path("io.portcullis/refusal").path("reason").asString(result.toString()) : "passed";
    }

    private static String line(String out, String event) {
        return out.lines().filter(l -> l.contains("\"event\":\"" + event + "\"")).findFirst().orElseThrow(() -> new AssertionError(out));
    }
}
