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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * #14 item 2 (C6.2): the kill-switch view of the admin page ({@code /admin/kill-switches}) in a real
 * browser, Debian's Chromium driven by playwright-core ({@code test-support/kill-switches-page.mjs}),
 * against the same world as the approvals page (real OAuth server, real gateway, demo upstream). An
 * admin signs in with a real token, kills {@code demo__echo} with a reason that carries markup; a
 * caller's call is then refused naming the kill switch and the reason; the admin unkills it on the
 * page and the call works again. The reason is shown as text everywhere (no element is created from
 * it, no script runs, no CSP violation). Screenshots: {@code target/kill-switches-page-killed.png}
 * and {@code target/kill-switches-page.png}. (In this package to reuse {@link ApprovalWorld}.)
 */
class KillSwitchPageIT {
    private static final String REASON = "INC-42 <img src=x onerror=\"window.__xss=1\"><b>bold</b> leaking tickets";

    @Test
    void anAdminKillsAndUnkillsAToolOnThePage(@TempDir Path dir) throws Exception {
        try (ApprovalWorld w = new ApprovalWorld(dir.resolve("data"), "")) {
            String base = "http://127.0.0.1:" + w.gw.port();
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(base + "/admin/kill-switches")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.headers().firstValue("Content-Security-Policy").orElse(""))
                    .contains("script-src 'self'", "frame-ancestors 'none'", "form-action 'none'").doesNotContain("unsafe-inline");
            assertThat(page.headers().firstValue("X-Frame-Options")).hasValue("DENY");
            assertThat(page.body()).doesNotContain("<script>").contains("/admin/kill-switches.js");
            assertThat(http.send(HttpRequest.newBuilder(URI.create(base + "/admin/kill-switches"))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString()).statusCode())
                    .isEqualTo(405);

            String admin = w.token("root", List.of("portcullis-admin"), "dev");
            var flip = Json.object().put("action", "kill").put("scope", "tool").put("name", "demo__echo").put("reason", "csrf");
            // what a cross-site form could send: no Authorization header -> refused, nothing switched
            assertThat(w.admin("POST", "/admin/api/kill-switches", null, flip).status()).isEqualTo(401);
            // a caller without an admin role cannot flip either
            assertThat(w.admin("POST", "/admin/api/kill-switches", w.token("alice", List.of("engineering"), "dev"), flip)
                    .status()).isEqualTo(403);
            assertThat(w.admin("GET", "/admin/api/kill-switches", admin, null).json().path("active")).isEmpty();

            ApprovalWorld.Session s = w.session(w.token("alice", List.of("engineering"), "prod"), "prod");
            assertThat(echo(s).path("isError").asBoolean()).isFalse();

            Path target = NpmPeers.root().resolve("target");
            Files.createDirectories(target);
            String killed = browser(dir, "kill", base, admin, REASON, target.resolve("kill-switches-page-killed.png"));
            assertThat(killed).contains("\"event\":\"killed\"", "Killed: tool demo__echo (all environments)");
            // the reason is shown as the characters typed: the tags are visible text, not elements
            assertThat(killed).contains("\"reason\":\"" + REASON.replace("\"", "\\\"") + "\"");
            assertThat(killed).contains("\"images\":0", "\"xss\":null");

            JsonNode refused = echo(s);
            assertThat(refused.path("isError").asBoolean()).as(refused.toString()).isTrue();
            assertThat(ApprovalsIT.text(refused)).contains("kill switch on tool demo__echo", "set by root", REASON);
            JsonNode listed = w.admin("GET", "/admin/api/kill-switches", admin, null).json();
            assertThat(listed.path("active").path(0).path("reason").asString()).isEqualTo(REASON);
            assertThat(listed.path("active").path(0).path("by").asString()).isEqualTo("root");

            String lifted = browser(dir, "unkill", base, admin, "fixed upstream, INC-42 closed",
                    target.resolve("kill-switches-page.png"));
            assertThat(lifted).contains("\"event\":\"unkilled\"", "Lifted: tool demo__echo (all environments)",
                    "No kill switch is in force.", "fixed upstream, INC-42 closed", "\"images\":0");
            assertThat(echo(s).path("isError").asBoolean()).isFalse();
            JsonNode history = w.admin("GET", "/admin/api/kill-switches", admin, null).json().path("history");
            assertThat(history.path(0).path("action").asString()).isEqualTo("unkill");
            assertThat(history.path(1).path("action").asString()).isEqualTo("kill");
            assertThat(target.resolve("kill-switches-page.png")).exists();
            assertThat(Files.size(target.resolve("kill-switches-page.png"))).isGreaterThan(1000);
        }
    }

    private static JsonNode echo(ApprovalWorld.Session s) {
        return ApprovalsIT.result(s.call("demo__echo", Json.object().put("message", "ping"), null));
    }

    /** Runs the browser script in one mode; returns its output after asserting it exited 0. */
    private static String browser(Path dir, String mode, String base, String token, String reason, Path shot) throws Exception {
        Files.deleteIfExists(shot);
        String out = BrowserScript.run("kill-switches-page.mjs", Map.of(
                "PAGE_URL", base + "/admin/kill-switches",
                "TOKEN", token,
                "MODE", mode,
                "TOOL", "demo__echo",
                "REASON", reason,
                "SCREENSHOT", shot.toString(),
                "PROFILE", Files.createDirectory(dir.resolve("chromium-" + mode)).toString()));
        assertThat(shot).exists();
        return out;
    }
}
