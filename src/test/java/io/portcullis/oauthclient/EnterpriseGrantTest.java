package io.portcullis.oauthclient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 17 item 1 (task h4 item 2), SEP-990 enterprise-managed authorization as the suite's
 * {@code auth/cross-app-access-complete-flow} expects it: the IdP's ID token is exchanged at the IdP
 * (RFC 8693) for an ID-JAG whose audience is the MCP authorization server and whose resource is the
 * MCP server, and the ID-JAG is presented at the MCP authorization server with the JWT-bearer grant
 * (RFC 7523) and client_secret_basic. An in-process HTTP server stands in for the MCP server's
 * metadata, its authorization server and the IdP (a unit test; the suite's real servers are in
 * ConformanceClientIT).
 */
class EnterpriseGrantTest {
    private static final String JAG = b64("{\"alg\":\"ES256\",\"typ\":\"oauth-id-jag+jwt\"}") + "." + b64("{\"sub\":\"alice\"}") + "." + b64("sig");
    private HttpServer server;
    private String base;
    private final Map<String, Map<String, String>> forms = new ConcurrentHashMap<>(); // path -> form body
    private final Map<String, String> authorization = new ConcurrentHashMap<>();
    private volatile String idpAnswer;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort();
        idpAnswer = "{\"access_token\":\"" + JAG + "\",\"issued_token_type\":\"urn:ietf:params:oauth:token-type:id-jag\",\"token_type\":\"N_A\"}";
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private void handle(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        String answer;
        int status = 200;
        switch (path) {
            case "/.well-known/oauth-protected-resource/mcp" ->
                    answer = "{\"resource\":\"" + base + "/mcp\",\"authorization_servers\":[\"" + base + "/as\"]}";
            case "/.well-known/oauth-authorization-server/as" -> answer = "{\"issuer\":\"" + base + "/as\",\"authorization_endpoint\":\"" + base
                    + "/as/authorize\",\"token_endpoint\":\"" + base + "/as/token\",\"response_types_supported\":[\"code\"],"
                    + "\"grant_types_supported\":[\"urn:ietf:params:oauth:grant-type:jwt-bearer\"],"
                    + "\"token_endpoint_auth_methods_supported\":[\"client_secret_basic\"]}";
            case "/idp/token" -> {
                forms.put(path, form(body));
                answer = idpAnswer;
                status = answer.contains("invalid_grant") ? 400 : 200;
            }
            case "/as/token" -> {
                forms.put(path, form(body));
                authorization.put(path, String.valueOf(ex.getRequestHeaders().getFirst("Authorization")));
                answer = "{\"access_token\":\"mcp-token\",\"token_type\":\"Bearer\",\"expires_in\":3600}";
            }
            default -> {
                answer = "{}";
                status = 404;
            }
        }
        byte[] b = answer.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, b.length);
        ex.getResponseBody().write(b);
        ex.close();
    }

    private OAuthClient client() {
        EnterpriseGrant g = new EnterpriseGrant(URI.create(base + "/idp/token"), "idp-client", "the-id-token");
        ClientSettings s = new ClientSettings("xaa-client", "xaa-secret", null, null, null, null, null, false, null, g);
        return new OAuthClient(URI.create(base + "/mcp"), s, HttpClient.newHttpClient(), url -> {
            throw new IOException("no browser: no user signs in with enterprise-managed authorization");
        }, Duration.ofSeconds(5), Duration.ofSeconds(5), null, null, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    }

    @Test
    void theIdTokenIsExchangedForAnIdJagWhichIsPresentedWithTheJwtBearerGrant() throws IOException {
        assertThat(client().token()).isEqualTo("mcp-token");

        Map<String, String> exchange = forms.get("/idp/token");
        assertThat(exchange).containsEntry("grant_type", "urn:ietf:params:oauth:grant-type:token-exchange")
                .containsEntry("subject_token", "the-id-token")
                .containsEntry("subject_token_type", "urn:ietf:params:oauth:token-type:id_token")
                .containsEntry("requested_token_type", "urn:ietf:params:oauth:token-type:id-jag")
                .containsEntry("audience", base + "/as")
                .containsEntry("resource", base + "/mcp")
                .containsEntry("client_id", "idp-client");

        Map<String, String> bearer = forms.get("/as/token");
        assertThat(bearer).containsEntry("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer")
                .containsEntry("assertion", JAG)
                .containsEntry("resource", base + "/mcp");
        assertThat(authorization.get("/as/token"))
                .isEqualTo("Basic " + Base64.getEncoder().encodeToString("xaa-client:xaa-secret".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void anIdpThatRefusesTheExchangeIsAClearErrorAndNothingGoesToTheAuthorizationServer() {
        idpAnswer = "{\"error\":\"invalid_grant\",\"error_description\":\"Invalid ID token\"}";
        assertThatThrownBy(() -> client().token()).isInstanceOf(OAuthClientException.class)
                .hasMessage("the IdP refused the token exchange: invalid_grant (Invalid ID token)");
        assertThat(forms).doesNotContainKey("/as/token");
    }

    @Test
    void theIdTokenIsNeverInTheSettingsText() {
        assertThat(new EnterpriseGrant(URI.create(base + "/idp/token"), "idp-client", "the-id-token").toString()).doesNotContain("the-id-token");
    }

    private static Map<String, String> form(String body) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String kv : body.split("&")) {
            int i = kv.indexOf('=');
            if (i > 0) {
                m.put(URLDecoder.decode(kv.substring(0, i), StandardCharsets.UTF_8), URLDecoder.decode(kv.substring(i + 1), StandardCharsets.UTF_8));
            }
        }
        return m;
    }

    private static String b64(String s) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }
}
