package io.portcullis.identity;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.audit.AuditQuery;
import io.portcullis.it.NpmPeers;
import io.portcullis.protocol.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * #16 item 1 (C1.2), mode {@code user_oauth}, end to end: a real IdP (mock-oauth2-server with its
 * interactive login page) issues the users' gateway tokens (issuer {@code default}) and is the
 * third party's authorization server (issuer {@code thirdparty}); the upstream ({@link VerifyingUpstream})
 * verifies each call's bearer token against that server's JWKS and echoes whom it saw. A user without
 * a grant is refused with a consent link; they follow it in a real browser (Chromium via
 * playwright-core, {@code test-support/consent-flow.mjs}), sign in at the authorization server, and
 * the retried call arrives as their third-party account. Another user is still asked; the link works
 * once; the admin API lists the grant by fingerprint only; revoking it makes the next call ask again.
 */
class UserOAuthIT {
    static final Pattern LINK = Pattern.compile("http://127\\.0\\.0\\.1:\\d+/oauth/connect/tickets\\?ticket=[A-Za-z0-9_-]+");

    @Test
    void aUserConsentsInTheBrowserAndTheRetriedCallArrivesAsTheirAccount(@TempDir Path dir) throws Exception {
        MockOAuth2Server idp = UserOAuthSetup.startIdp();
        String idpBase = UserOAuthSetup.base(idp);
        UserOAuthSetup.writeKek(dir);
        try (VerifyingUpstream upstream = new VerifyingUpstream(idpBase + "/thirdparty");
             GatewayUnderTest gw = new GatewayUnderTest(UserOAuthSetup.config(upstream.url(), idpBase, "admin_roles: [portcullis-admin]"), dir)) {
            String alice = token(idp, idpBase, gw, "alice", List.of());
            UserOAuthSetup.awaitKeys(gw, alice);
            String sa = gw.open("/mcp", alice);

            // 1. no grant yet: refused, naming the control, with a consent link; nothing reached the upstream
            String first = call(gw, alice, sa, "uo-1");
            assertThat(first).contains("isError\":true").contains("credentials").contains("you have not connected");
            assertThat(upstream.accepted.get() + upstream.refused.get()).isZero();
            String link = link(first);
            // the single-use ticket is the caller's alone: the refusal's audit record names the route, never the ticket
            assertThat(outcome(gw, "uo-1").toString()).contains("/oauth/connect/tickets").doesNotContain("ticket=");

            // 2. consent in a real browser: the mock authorization server's sign-in page, then the gateway's callback
            String out = browser(link, "alice.tp", dir.resolve("chromium"));
            assertThat(out).contains("\"path\":\"/oauth/callback\"", "\"title\":\"Connected\"", "connected for alice");

            // 3. the retried call carries alice's own grant: the upstream verified it and saw her third-party account
            String ok = call(gw, alice, sa, "uo-2");
            assertThat(ok).doesNotContain("isError\":true").contains("seen sub=alice.tp").contains("uo-2");
            assertThat(upstream.accepted.get()).isEqualTo(1);
            JsonNode d = outcome(gw, "uo-2").path("delegation");
            assertThat(d.path("mode").asString()).isEqualTo("user_oauth");
            assertThat(d.path("principal").asString()).isEqualTo("alice");
            assertThat(d.path("token_subject").asString()).isEqualTo("alice.tp");
            assertThat(d.path("token_sha256_prefix").asString()).hasSize(12);
            assertThat(outcome(gw, "uo-2").toString()).doesNotContain("eyJ");

            // 4. the link was single-use
            HttpResponse<String> again = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(link)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(again.statusCode()).isEqualTo(400);
            assertThat(again.body()).contains("unknown, used or expired");

            // 5. bob has no grant: alice's is never his
            String bob = token(idp, idpBase, gw, "bob", List.of());
            String bobs = call(gw, bob, gw.open("/mcp", bob), "uo-bob");
            assertThat(bobs).contains("isError\":true").contains("you have not connected");
            assertThat(upstream.accepted.get()).isEqualTo(1);

            // 6. the admin API lists the grant by fingerprint, never a token; revoking it makes the next call ask again
            String admin = token(idp, idpBase, gw, "root", List.of("portcullis-admin"));
            GatewayUnderTest.Reply listed = gw.get("/admin/api/credentials?user=alice", admin);
            assertThat(listed.status()).isEqualTo(200);
            JsonNode grants = Json.parse(listed.body()).path("grants");
            assertThat(grants).hasSize(1);
            assertThat(grants.path(0).path("upstream").asString()).isEqualTo("tickets");
            assertThat(grants.path(0).path("token_sha256_prefix").asString()).isEqualTo(d.path("token_sha256_prefix").asString());
            assertThat(listed.body()).doesNotContain("eyJ");
            assertThat(gw.get("/admin/api/credentials", alice).status()).as("not an admin").isEqualTo(403);
            GatewayUnderTest.Reply revoked = gw.post("/admin/api/credentials/revoke", admin, null,
                    Json.object().put("user", "alice").put("upstream", "tickets"));
            assertThat(revoked.status()).isEqualTo(200);
            assertThat(Json.parse(revoked.body()).path("revoked").asInt()).isEqualTo(1);
            String asked = call(gw, alice, sa, "uo-3");
            assertThat(asked).contains("isError\":true").contains("you have not connected");
            assertThat(upstream.accepted.get()).isEqualTo(1);

            // 7. the raw database holds no token in clear (the access token's signature part, as the upstream got it)
            for (Path f : Files.list(dir.resolve("data")).filter(p -> p.getFileName().toString().startsWith("portcullis.db")).toList()) {
                assertThat(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1)).doesNotContain("eyJ");
            }
        } finally {
            idp.shutdown();
        }
    }

    static String token(MockOAuth2Server idp, String idpBase, GatewayUnderTest gw, String subject, List<String> roles) {
        Map<String, Object> claims = new HashMap<>();
        claims.put("iss", idpBase + "/default");
        claims.put("scope", "openid mcp:tools");
        if (!roles.isEmpty()) {
            claims.put("roles", roles);
        }
        return idp.issueToken("default", subject, gw.gateway.identity().resource("dev"), claims, 600).serialize();
    }

    static String call(GatewayUnderTest gw, String token, String session, String message) throws Exception {
        ObjectNode call = GatewayUnderTest.request(2, "tools/call");
        call.putObject("params").put("name", "tickets__echo").putObject("arguments").put("message", message);
        return gw.post("/mcp", token, session, call).body();
    }

    static String link(String body) {
        Matcher m = LINK.matcher(body);
        assertThat(m.find()).as(body).isTrue();
        return m.group();
    }

    static JsonNode outcome(GatewayUnderTest gw, String marker) {
        List<ObjectNode> found = gw.gateway.audit().query().search(new AuditQuery.Filter(null, null, null, null, null, null, "call", 10_000))
                .stream().filter(r -> r.path("arguments").toString().contains(marker)).toList();
        assertThat(found).as("outcome records with " + marker).hasSize(1);
        return found.getFirst();
    }

    static String browser(String link, String username, Path profile) throws Exception {
        Files.createDirectories(profile);
        ProcessBuilder pb = new ProcessBuilder(NpmPeers.node().toString(), NpmPeers.root().resolve("test-support/consent-flow.mjs").toString())
                .directory(NpmPeers.root().toFile()).redirectErrorStream(true);
        pb.environment().putAll(Map.of("LINK", link, "USERNAME", username, "PROFILE", profile.toString()));
        Process p = pb.start();
        try {
            java.util.concurrent.CompletableFuture<String> out = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                } catch (java.io.IOException e) {
                    return e.toString();
                }
            });
            assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("the browser script finished").isTrue();
            String text = out.get(10, TimeUnit.SECONDS);
            assertThat(p.exitValue()).as(text).isZero();
            return text;
        } finally {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
    }
}
