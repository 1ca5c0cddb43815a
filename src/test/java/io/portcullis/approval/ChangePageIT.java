package io.portcullis.approval;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.it.JvmPeers;
import io.portcullis.it.NpmPeers;
import io.portcullis.it.RugPullServer;
import io.portcullis.it.TestGateway;
import io.portcullis.protocol.Json;
import java.net.InetAddress;
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
import no.nav.security.mock.oauth2.MockOAuth2Server;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * #15 item 4 (C7.2), "the gateway keeps running on the last approved config and says so in ... the
 * admin page": the console's held config changes ({@code /admin/#changes}, reviews.js) in Debian's
 * Chromium ({@code test-support/change-page.mjs}), with really signed tokens (mock-oauth2-server). alice
 * removes a deny rule of production (a loosening): the change is held and the page shows it with its
 * author and diff, and that the gateway runs on the last approved config; alice's own Approve is refused
 * by the admin API (she is its author); rita, a second admin, approves it from the page, and the gateway
 * then runs on it (the rule is gone from the config in force). The removed rule's condition carries an
 * XSS attempt ({@code <img onerror>}, {@code <b>}): it is shown as the characters written, no element is
 * made from it and no script runs. (A rule id cannot carry one: ids are {@code [A-Za-z0-9_.:-]}, the config
 * refuses anything else.) Screenshots: {@code target/console-change-held.png}, {@code console-change-approved.png}.
 */
class ChangePageIT {
    private static final String MARKUP = "<img src=x onerror=window.__xss=1><b>bold</b>";

    @TempDir
    Path dir;

    private static String yaml(String idp, boolean deny) {
        return """
                server: {host: 127.0.0.1, port: 0}
                environments:
                  - name: dev
                  - name: prod
                    production: true
                upstreams:
                  rug: {command: %s}
                identity:
                  admin_roles: [portcullis-admin]
                  issuers:
                    - issuer: %s/default
                      discovery: %s/default/.well-known/openid-configuration
                      claims: {roles: [groups]}
                policy:
                  rules:
                    - {id: reads, effect: allow}
                %s
                change_control:
                  hold_widening: [prod]
                  reviewers: [config-review]
                  author: alice
                """.formatted(TestGateway.list(JvmPeers.testMain(RugPullServer.class)), idp, idp,
                deny ? "    - id: no-add-in-prod\n      description: '" + MARKUP + "'\n      effect: deny\n      environments: [prod]\n"
                        + "      when: 'tool.name == \"" + MARKUP + "\"'" : "");
    }

    private static boolean denies(TestGateway gw) {
        return gw.gateway().config().policy().rules().stream().anyMatch(r -> r.id().equals("no-add-in-prod"));
    }

    @Test
    void item4_aHeldLooseningIsSeenRefusedToItsAuthorAndApprovedBySecondAdminInTheConsole() throws Exception {
        MockOAuth2Server idp = new MockOAuth2Server();
        idp.start(InetAddress.getByName("127.0.0.1"), 0);
        String base = "http://127.0.0.1:" + idp.baseUrl().port();
        HttpClient http = HttpClient.newHttpClient();
        for (String path : List.of("/default/.well-known/openid-configuration", "/default/jwks")) { // warm the IdP up
            http.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60)).build(),
                    HttpResponse.BodyHandlers.discarding());
        }
        try (TestGateway gw = TestGateway.start(yaml(base, true))) {
            String alice = token(idp, base, gw, "alice", List.of("portcullis-admin", "config-review"));
            String rita = token(idp, base, gw, "rita", List.of("portcullis-admin", "config-review"));
            var held = gw.offer(yaml(base, false));
            assertThat(held.state()).isEqualTo("held");
            assertThat(denies(gw)).as("still running on the last approved config").isTrue();

            Path target = NpmPeers.root().resolve("target");
            Files.createDirectories(target);
            String out = BrowserScript.run("change-page.mjs", Map.of(
                    "CONSOLE_URL", "http://127.0.0.1:" + gw.port() + "/admin/",
                    "AUTHOR_TOKEN", alice,
                    "REVIEWER_TOKEN", rita,
                    "CHANGE_ID", held.id(),
                    "SHOTS", target.toString(),
                    "PROFILE", Files.createDirectory(dir.resolve("chromium")).toString()));
            JsonNode seen = Json.parse(line(out, "held"));
            assertThat(seen.path("running").asString()).contains("the last approved config: change " + held.id() + " is held for review");
            assertThat(seen.path("table").asString()).contains(held.id(), "held", "alice", "prod");
            assertThat(seen.path("card").asString()).contains("Author: alice", "widens: prod", "Approve", "Reject");
            // the diff, with the condition's markup as the characters written
            assertThat(seen.path("diff").asString()).contains("widening: policy rule no-add-in-prod removed")
                    .contains("- no-add-in-prod: deny when tool.name == \"" + MARKUP + "\" in [prod]");
            assertThat(line(out, "author")).contains("Refused (HTTP 403)", "alice is the author of config change " + held.id());
            assertThat(line(out, "approved")).contains("Decided: ").contains("(" + held.id() + ")");
            JsonNode after = Json.parse(line(out, "after"));
            assertThat(after.path("running").asString()).contains("Running on the config file as it is.");
            assertThat(after.path("cards").asInt()).isZero();
            assertThat(after.path("table").asString()).contains(held.id(), "rita");
            assertThat(line(out, "injected")).contains("\"images\":0", "\"bold\":0", "\"scripts\":4", "\"xss\":null");
            assertThat(Files.size(target.resolve("console-change-held.png"))).isGreaterThan(1000);
            assertThat(Files.size(target.resolve("console-change-approved.png"))).isGreaterThan(1000);

            // the gateway runs on the approved change; the decision is rita's
            assertThat(denies(gw)).isFalse();
            assertThat(gw.gateway().changeControl().waiting()).isEmpty();
            assertThat(gw.gateway().changeControl().show(held.id()).orElseThrow().approvers()).containsExactly("rita");
        } finally {
            idp.shutdown();
        }
    }

    private static String line(String out, String event) {
        return out.lines().filter(l -> l.contains("\"event\":\"" + event + "\"")).findFirst().orElseThrow(() -> new AssertionError(out));
    }

    private static String token(MockOAuth2Server idp, String base, TestGateway gw, String subject, List<String> groups) {
        Map<String, Object> claims = new HashMap<>();
        claims.put("iss", base + "/default");
        claims.put("groups", groups);
        return idp.issueToken("default", subject, gw.gateway().identity().resource(gw.gateway().config().defaultEnvironment().name()),
                claims, 600).serialize();
    }
}
