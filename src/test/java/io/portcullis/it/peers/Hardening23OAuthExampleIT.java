package io.portcullis.it.peers;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.it.WireReply;
import io.portcullis.protocol.Json;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * #11 item 23: examples/oauth.yaml as shipped, following its header comment: a local OAuth server
 * (mock-oauth2-server, as scripts/mock-idp.sh starts it; here on a free port instead of 9000), a
 * token by client credentials with the gateway's resource as scope, and the gateway fronting
 * server-everything with the same catalog as examples/everything.yaml. Without the header the
 * caller gets 401 pointing at the RFC 9728 metadata; with it, the tools of everything.yaml.
 */
class Hardening23OAuthExampleIT {
    @Test
    void item23_theOAuthExampleDoesWhatItsCommentSays() throws Exception {
        Path work = Peers.workDir(Hardening23OAuthExampleIT.class);
        Path examples = Peers.copyExamples(work);
        String text = Files.readString(examples.resolve("oauth.yaml"));
        assertThat(text).contains("catalog: everything.catalog.yaml").contains("everything__get-env: {enabled: false}")
                .contains("http://127.0.0.1:9000/default");
        MockOAuth2Server idp = new MockOAuth2Server();
        idp.start(InetAddress.getByName("127.0.0.1"), 0);
        try {
            String base = "http://127.0.0.1:" + idp.url("/").port();
            Files.writeString(examples.resolve("oauth.yaml"), text.replace("http://127.0.0.1:9000", base));
            try (GatewayProcess gw = GatewayProcess.start(examples.resolve("oauth.yaml"), work)) {
                // "Without the header the same command fails with 401", with a pointer to the RFC 9728 metadata
                WireReply anonymous = BearerSession.initialize(gw.url(), null);
                assertThat(anonymous.status()).isEqualTo(401);
                assertThat(anonymous.header("WWW-Authenticate")).contains("resource_metadata=");

                // TOKEN=$(curl -s -d grant_type=client_credentials -d client_id=demo-client -d client_secret=x \
                //     -d scope=http://127.0.0.1:8080/mcp http://127.0.0.1:9000/default/token | jq -r .access_token)
                HttpResponse<String> tokenReply = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base + "/default/token"))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&client_id=demo-client"
                                + "&client_secret=x&scope=http://127.0.0.1:8080/mcp")).timeout(Duration.ofSeconds(60)).build(),
                        HttpResponse.BodyHandlers.ofString());
                String token = Json.parse(tokenReply.body()).path("access_token").asString();
                assertThat(token).isNotBlank();

                BearerSession s = BearerSession.open(gw.url(), token);
                List<String> names = awaitTools(s, "everything__echo", "everything__get-sum");
                // exactly as everything.yaml: namespaced, the environment tool switched off, the catalog applied
                assertThat(names).allMatch(n -> n.startsWith("everything__")).doesNotContain("everything__get-env");
                ObjectNode echo = s.call("everything__echo", Json.object().put("message", "hello through oauth"));
                assertThat(echo.path("content").get(0).path("text").asString()).isEqualTo("Echo: hello through oauth");
                ObjectNode off = s.call("everything__get-env", Json.object());
                assertThat(off.path("isError").asBoolean(false)).isTrue();
            }
        } finally {
            idp.shutdown();
        }
    }

    /** server-everything lists some tools only after initialization: poll tools/list (bounded) until they are there. */
    static List<String> awaitTools(BearerSession s, String... wanted) {
        return io.portcullis.testing.Eventually.eventually(Duration.ofSeconds(30), () -> {
            List<String> names = new ArrayList<>();
            s.request("tools/list", null).path("result").path("tools").forEach(t -> names.add(t.path("name").asString()));
            return List.copyOf(names);
        }, names -> names.containsAll(List.of(wanted)));
    }
}
