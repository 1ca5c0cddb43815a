package io.portcullis.approval;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.it.JvmPeers;
import io.portcullis.it.NpmPeers;
import io.portcullis.it.TestGateway;
import io.portcullis.protocol.Json;
import io.portcullis.testing.Eventually;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * #18 item 4, "the console in a real browser": the operator console ({@code /admin/}) in Debian's
 * Chromium driven by playwright-core ({@code test-support/console-page.mjs}), against a real OAuth
 * server, the real gateway, the demo upstream and an upstream whose tool description carries markup
 * ({@link MarkupToolServer}). An admin signs in with a real token and sees the overview (this node,
 * the upstreams, the calls and refusals counted from the audit log, the open approval); kills
 * {@code demo__echo} on the tools view with a reason carrying markup; searches the audit log for the
 * caller and opens one request's chain (allowed calls, the refusal by the {@code arguments} control with
 * its reason, the approval) and verifies the chains; reads readiness, the review queue and the changelog;
 * approves the waiting call, which then completes. The caller's next echo is refused naming the kill
 * switch and the reason, and the console's audit search shows that refusal. Markup in a tool description
 * (C2.1's untrusted upstream text), in an argument (C4.3) and in a kill reason (C6.2) is shown as the
 * characters written: no element is created from it, no script runs, no CSP violation, no failed request.
 * Screenshots: {@code target/console-*.png}.
 */
class ConsoleIT {
    private static final String MARKUP = "<img src=x onerror=\"window.__xss=1\"><b>bold</b>";
    private static final String REASON = "INC-77 " + MARKUP + " echo leaks";
    private static final String REQUEST = "u-console-1";

    @Test
    void anAdminRunsTheGatewayFromTheConsole(@TempDir Path dir) throws Exception {
        String catalog = ApprovalWorld.readyCatalog("    markup: {owner: {team: notes-team}}\n",
                "    markup__note: {purpose: Keeps notes., risk: read_only}\n");
        String upstream = "  markup: {command: %s}\n".formatted(TestGateway.list(JvmPeers.testMain(MarkupToolServer.class)));
        try (ApprovalWorld w = new ApprovalWorld(dir.resolve("data"), catalog, upstream)) {
            w.waitFor("120s");
            String base = "http://127.0.0.1:" + w.gw.port();
            pageIsStaticAndLockedDown(base);

            String admin = w.token("root", List.of("portcullis-admin", "approver"), "dev");
            String alice = w.token("alice", List.of("engineering"), "prod");
            assertThat(w.admin("GET", "/admin/api/console/overview", null, null).status()).isEqualTo(401);
            assertThat(w.admin("GET", "/admin/api/console/tools", w.token("alice", List.of("engineering"), "dev"), null).status())
                    .isEqualTo(403);
            assertThat(w.admin("GET", "/admin/api/console/overview?minutes=0", admin, null).status()).isEqualTo(400);
            Eventually.eventually(Duration.ofSeconds(60), () -> w.admin("GET", "/admin/api/console/tools", admin, null).json(),
                    t -> Json.write(t).contains("\"markup__note\""));

            // one user request: three allowed calls, one refused by the arguments control, one waiting for approval
            ApprovalWorld.Session s = w.session(alice, "prod");
            ObjectNode meta = Json.object();
            meta.putObject("io.portcullis/userRequest").put("id", REQUEST).put("text", "tidy up " + MARKUP);
            assertThat(isError(s.call("demo__echo", Json.object().put("message", "hello " + MARKUP), meta))).isFalse();
            assertThat(isError(s.call("demo__search_tickets", Json.object().put("query", "billing"), meta))).isFalse();
            assertThat(isError(s.call("markup__note", Json.object().put("text", "n1"), meta))).isFalse();
            assertThat(isError(s.call("demo__create_ticket", Json.object().put("project", "acme")
                    .put("title", "x".repeat(300)), meta))).isTrue();
            CompletableFuture<JsonNode> waiting = CompletableFuture.supplyAsync(() -> ApprovalsIT.result(
                    s.call("demo__delete_project", Json.object().put("project", "acme-" + MARKUP.substring(0, 20)), meta)),
                    ApprovalWorld.CALLERS);
            String approval = w.awaitPending(admin, "demo__delete_project", "acme-").path("id").asString();

            JsonNode overview = w.admin("GET", "/admin/api/console/overview", admin, null).json();
            assertThat(overview.path("activity").path("calls").asLong()).as(overview.toString()).isEqualTo(4);
            assertThat(overview.path("activity").path("refused").asLong()).isEqualTo(1);
            assertThat(overview.path("activity").path("per_minute")).hasSize(15);
            assertThat(overview.path("node").path("id").asString()).isEqualTo(w.gw.gateway().audit().node());

            Path target = NpmPeers.root().resolve("target");
            Files.createDirectories(target);
            // #18 item 4 "overview: nodes": a second live node, registered and kept alive by the cluster's own membership
            // (#19 item 2: heartbeats), running another config; its id carries markup (a node id comes from another machine)
            String main;
            try (var other = io.portcullis.cluster.Membership.start(w.gw.gateway().store(), "n2-" + MARKUP, "9.9.9-other",
                    "http://127.0.0.1:9", () -> "f".repeat(64), java.time.Clock.systemUTC())) {
                main = browser(dir, "main", base, admin, approval, target);
            }
            JsonNode shown = Json.parse(line(main, "overview"));
            String self = w.gw.gateway().audit().node();
            assertThat(shown.path("nodes").asString().lines().toList()).as(main)
                    .anySatisfy(l -> assertThat(l).startsWith(self + " (this node)\t").contains("\tup\t"))
                    .anySatisfy(l -> assertThat(l).startsWith("n2-" + MARKUP + "\t9.9.9-other\tffffffffffff\thttp://127.0.0.1:9\t")
                            .endsWith("\tup\tCONFIG DIFFERS from the other live nodes"));
            assertThat(shown.path("nodesNote").asString()).contains("do not all run the same config");
            assertThat(main).contains("\"event\":\"overview\"", "\"calls\":\"4\"", "\"refused\":\"1\"", "\"approvals\":\"1\"",
                    "\"kills\":\"0\"", w.gw.gateway().audit().node(), "demo\\tstdio\\tready",
                    "markup\\tstdio\\tready", approval);
            // the tool description is shown as written (C2.1: an upstream's text is untrusted)
            assertThat(main).contains("\"description\":" + Json.write(Json.object().stringNode(MarkupToolServer.DESCRIPTION)));
            assertThat(main).contains("\"event\":\"killed\"", "Killed: tool demo__echo (all environments)",
                    "KILLED by root: " + REASON.replace("\"", "\\\""));
            assertThat(main).contains("\"event\":\"searched\"", "demo__create_ticket\\trefused");
            // the chain of one user request: its calls, the refusal with its control and reason, the approval; arguments as text
            JsonNode chain = Json.parse(line(main, "chain"));
            assertThat(chain.path("id").asString()).isEqualTo(REQUEST);
            assertThat(chain.path("timeline").asString()).contains("call demo__echo allowed", "call demo__search_tickets allowed",
                    "call markup__note allowed", "rules read-only-anywhere", "call demo__create_ticket refused",
                    "arguments | argument 'title' must be at most 200 characters", "approval_requested demo__delete_project pending",
                    "rules irreversible-in-production-needs-approval", "approvals " + approval,
                    "{\"message\":\"hello " + MARKUP.replace("\"", "\\\"") + "\"}");
            assertThat(chain.path("steps").asInt()).isEqualTo(5);
            assertThat(main).contains("\"event\":\"verified\"", "Intact: every chain verifies");
            assertThat(line(main, "readiness")).contains("dev: gate", "prod (production): gate");
            assertThat(line(main, "approval")).contains("demo__delete_project in prod", "Alice (alice)",
                    "{\\\"project\\\":\\\"acme-<img src=x onerror=\\\\\\\"\\\"}");
            assertThat(main).contains("\"event\":\"reviews\"", "\"event\":\"changelog\"", "kill tool demo__echo");
            assertThat(main).contains("\"event\":\"approved\"", "Approved: the request is now approved.");
            assertThat(main).contains("\"images\":0", "\"bold\":0", "\"scripts\":4", "\"xss\":null");

            JsonNode done = waiting.get(60, TimeUnit.SECONDS);
            assertThat(done.path("isError").asBoolean()).as(done.toString()).isFalse();
            assertThat(ApprovalsIT.text(done)).contains("deleted project acme-");

            JsonNode refused = ApprovalsIT.result(s.call("demo__echo", Json.object().put("message", "ping"), null));
            assertThat(refused.path("isError").asBoolean()).as(refused.toString()).isTrue();
            assertThat(ApprovalsIT.text(refused)).contains("kill switch on tool demo__echo", "set by root", REASON);

            String after = browser(dir, "after", base, admin, approval, target);
            assertThat(line(after, "refusals")).contains("demo__echo", "refused", "kill-switch");
            assertThat(line(after, "overview")).contains("\"refused\":\"2\"", "\"kills\":\"1\"", "tool demo__echo");
            for (String shot : List.of("overview", "tools", "audit", "readiness", "changelog", "approvals", "refused")) {
                assertThat(Files.size(target.resolve("console-" + shot + ".png"))).as(shot).isGreaterThan(1000);
            }
        }
    }

    /** The console's files: served to anyone (no data in them), with the approvals page's headers; GET only. */
    private static void pageIsStaticAndLockedDown(String base) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        for (String path : List.of("/admin/", "/admin", "/admin/console.js", "/admin/console-views.js", "/admin/reviews.js", "/admin/console.css")) {
            HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(base + path)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(page.statusCode()).as(path).isEqualTo(200);
            assertThat(page.headers().firstValue("Content-Security-Policy").orElse("")).as(path)
                    .contains("script-src 'self'", "frame-ancestors 'none'", "form-action 'none'").doesNotContain("unsafe-inline");
            assertThat(page.headers().firstValue("X-Frame-Options")).hasValue("DENY");
            assertThat(page.body()).as(path).doesNotContain("innerHTML", "insertAdjacentHTML", "outerHTML", "document.write", "eval(");
        }
        String html = http.send(HttpRequest.newBuilder(URI.create(base + "/admin/")).build(), HttpResponse.BodyHandlers.ofString()).body();
        assertThat(html).doesNotContain("<script>", "style=", "onclick").contains("/admin/console.js");
        assertThat(http.send(HttpRequest.newBuilder(URI.create(base + "/admin/")).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(405);
    }

    private static boolean isError(List<JsonNode> messages) {
        return ApprovalsIT.result(messages).path("isError").asBoolean();
    }

    /** The browser script's line of {@code event}. */
    private static String line(String out, String event) {
        return out.lines().filter(l -> l.contains("\"event\":\"" + event + "\"")).findFirst().orElseThrow(() -> new AssertionError(out));
    }

    private static String browser(Path dir, String mode, String base, String token, String approval, Path target) throws Exception {
        Map<String, String> env = new HashMap<>(Map.of(
                "CONSOLE_URL", base + "/admin/",
                "TOKEN", token,
                "MODE", mode,
                "TOOL", "demo__echo",
                "REASON", REASON,
                "USER", "alice",
                "REQUEST_ID", REQUEST,
                "APPROVAL_ID", approval,
                "MARKUP_TOOL", "markup__note",
                "SHOTS", target.toString()));
        env.put("PROFILE", Files.createDirectory(dir.resolve("chromium-" + mode)).toString());
        return BrowserScript.run("console-page.mjs", env);
    }
}
