package io.portcullis.approval;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.it.NpmPeers;
import io.portcullis.protocol.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The approver page in a real browser (C3.2, C3.3): Debian's Chromium, headless, driven by
 * playwright-core ({@code test-support/approvals-page.mjs}). A caller's irreversible call in
 * production waits; the page, signed in with an approver's real token, lists it (with the
 * client's text shown as text, not HTML) and its Approve button completes the waiting call.
 * Screenshots: {@code target/approval-page-pending.png} and {@code target/approval-page.png}.
 */
class ApprovalPageIT {

    @Test
    void theApproveButtonCompletesTheWaitingCall(@TempDir Path dir) throws Exception {
        try (ApprovalWorld w = new ApprovalWorld(dir.resolve("data"), "")) {
            w.waitFor("120s");
            String base = "http://127.0.0.1:" + w.gw.port();
            HttpResponse<String> page = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(base + "/admin/approvals")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.headers().firstValue("Content-Security-Policy").orElse("")).contains("script-src 'self'")
                    .doesNotContain("unsafe-inline");
            assertThat(page.body()).doesNotContain("<script>");

            ApprovalWorld.Session s = w.session(w.token("alice", List.of("engineering"), "prod"), "prod");
            var meta = Json.object();
            meta.putObject("io.portcullis/userRequest").put("id", "u-7")
                    .put("text", "<img src=x onerror=alert(1)> please remove acme-billing");
            CompletableFuture<JsonNode> call = CompletableFuture.supplyAsync(() -> ApprovalsIT.result(
                    s.call("demo__delete_project", Json.object().put("project", "acme-billing"), meta)), ApprovalWorld.CALLERS);
            String bob = w.token("bob", List.of("approver"), "dev");
            String id = w.awaitPending(bob, "demo__delete_project", "acme-billing").path("id").asString();

            Path target = NpmPeers.root().resolve("target");
            Files.createDirectories(target);
            Path shot = target.resolve("approval-page.png");
            Files.deleteIfExists(shot);
            String out = BrowserScript.run("approvals-page.mjs", Map.of(
                    "PAGE_URL", base + "/admin/approvals",
                    "TOKEN", bob,
                    "APPROVAL_ID", id,
                    "SCREENSHOT", shot.toString(),
                    "PROFILE", Files.createDirectory(dir.resolve("chromium-profile")).toString()));
            assertThat(out).contains("\"event\":\"listed\"", "demo__delete_project in prod", "acme-billing", "alice");
            // the client's text is shown as text: the tag is visible, not rendered
            assertThat(out).contains("<img src=x onerror=alert(1)> please remove acme-billing");
            assertThat(out).contains("\"event\":\"decided\"", "Approved: the request is now approved.");

            JsonNode done = call.get(60, TimeUnit.SECONDS);
            assertThat(done.path("isError").asBoolean()).as(done.toString()).isFalse();
            assertThat(ApprovalsIT.text(done)).contains("deleted project acme-billing");
            JsonNode record = w.admin("GET", "/admin/api/approvals/" + id, bob, null).json();
            assertThat(record.path("status").asString()).isEqualTo("used");
            assertThat(record.path("decisions").path(0).path("approver").path("subject").asString()).isEqualTo("bob");
            assertThat(record.path("decisions").path(0).path("comment").asString())
                    .isEqualTo("approved in the browser after checking the ticket");
            assertThat(shot).exists();
            assertThat(Files.size(shot)).isGreaterThan(1000);
        }
    }
}
