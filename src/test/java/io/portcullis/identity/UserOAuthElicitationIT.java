package io.portcullis.identity;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.it.NpmPeers;
import io.portcullis.protocol.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * #16 item 1 (C1.2), {@code user_oauth}: "for 2025-11-25+ clients, URL-mode elicitation where the client
 * supports it". The official TypeScript SDK 1.x client ({@code test-support/url-elicitation-client.mjs})
 * negotiates 2025-11-25 and calls a {@code user_oauth} tool without a grant:
 * <ul>
 *   <li>declaring {@code capabilities.elicitation.url}: it gets the spec's URLElicitationRequiredError (-32042)
 *       carrying one URL-mode elicitation whose url is the gateway's single-use {@code /oauth/connect/tickets}
 *       link (which redirects to the authorization server with PKCE); the message names the control {@code credentials};</li>
 *   <li>declaring elicitation without {@code url} (form only): the {@code isError} text with the link, as before.</li>
 * </ul>
 * Either way nothing reaches the upstream, and the audit record names the route, never the ticket.
 */
class UserOAuthElicitationIT {

    @Test
    void aUrlCapableClientIsAskedByUrlElicitationAndOthersGetTheLinkInText(@TempDir Path dir) throws Exception {
        MockOAuth2Server idp = UserOAuthSetup.startIdp();
        String idpBase = UserOAuthSetup.base(idp);
        UserOAuthSetup.writeKek(dir);
        try (VerifyingUpstream upstream = new VerifyingUpstream(idpBase + "/thirdparty");
             GatewayUnderTest gw = new GatewayUnderTest(UserOAuthSetup.config(upstream.url(), idpBase, ""), dir)) {
            String alice = UserOAuthIT.token(idp, idpBase, gw, "alice", List.of());
            UserOAuthSetup.awaitKeys(gw, alice);

            // 1. a 2025-11-25 client that declared elicitation.url: -32042 with one URL-mode elicitation
            JsonNode url = client(gw, alice, "{\"elicitation\":{\"url\":{}}}", "ue-url");
            assertThat(url.path("protocolVersion").asString()).isEqualTo("2025-11-25");
            assertThat(url.path("kind").asString()).as(url.toString()).isEqualTo("urlElicitationRequired");
            assertThat(url.path("code").asInt()).isEqualTo(-32042);
            // the refusing control is named in the error's message (the SDK's error keeps only data.elicitations)
            assertThat(url.path("message").asString()).contains("Refused by Portcullis (credentials)");
            assertThat(url.path("elicitations")).hasSize(1);
            JsonNode e = url.path("elicitations").path(0);
            assertThat(e.path("mode").asString()).isEqualTo("url");
            assertThat(e.path("elicitationId").asString()).isNotBlank();
            assertThat(e.path("message").asString()).contains("you have not connected your account at upstream tickets")
                    .doesNotContain("ticket=");
            String link = e.path("url").asString();
            assertThat(link).matches(UserOAuthIT.LINK.pattern()).startsWith(gw.base() + "/oauth/connect/tickets?ticket=");
            assertThat(url.path("elicitationRequests")).as("no elicitation/create was sent during the call").isEmpty();
            assertThat(upstream.accepted.get() + upstream.refused.get()).isZero();
            // the ticket is the caller's alone: the refusal's audit record names the route, never the ticket
            assertThat(UserOAuthIT.outcome(gw, "ue-url").toString()).contains("/oauth/connect/tickets").doesNotContain("ticket=");

            // the elicitation's url is the consent link: it spends the ticket and sends the browser to the
            // authorization server with PKCE
            HttpResponse<String> followed = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(link)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(followed.statusCode()).isEqualTo(302);
            assertThat(followed.headers().firstValue("Location").orElse(""))
                    .startsWith(idpBase + "/thirdparty/authorize?").contains("code_challenge=").contains("client_id=portcullis");

            // 2. a client without elicitation.url (form mode only): the isError text with the link, as before
            JsonNode form = client(gw, alice, "{\"elicitation\":{}}", "ue-form");
            assertThat(form.path("kind").asString()).as(form.toString()).isEqualTo("result");
            assertThat(form.path("result").path("isError").asBoolean()).isTrue();
            String text = form.path("result").path("content").path(0).path("text").asString();
            assertThat(text).contains("Refused by Portcullis (credentials)").contains("you have not connected");
            UserOAuthIT.link(text);
            assertThat(upstream.accepted.get() + upstream.refused.get()).isZero();
        } finally {
            idp.shutdown();
        }
    }

    /** Runs the SDK client script with the given capabilities; its one JSON line. */
    static JsonNode client(GatewayUnderTest gw, String token, String caps, String message) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(NpmPeers.node().toString(),
                NpmPeers.root().resolve("test-support/url-elicitation-client.mjs").toString(), gw.base() + "/mcp", "tickets__echo", message)
                .directory(NpmPeers.root().toFile()).redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().putAll(Map.of("TOKEN", token, "CAPS", caps));
        Process p = pb.start();
        try {
            CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> {
                try {
                    return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                } catch (java.io.IOException ex) {
                    return ex.toString();
                }
            });
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("the client script finished").isTrue();
            String text = out.get(10, TimeUnit.SECONDS).strip();
            assertThat(p.exitValue()).as(text).isZero();
            return Json.parse(text.substring(text.lastIndexOf('\n') + 1));
        } finally {
            p.destroyForcibly();
        }
    }
}
